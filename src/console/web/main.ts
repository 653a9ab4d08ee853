// Placeholder entry of the browser console; replaced by the console implementation.
export {};
