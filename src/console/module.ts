// Placeholder module: replaced by the real implementation in this folder.
import type { Module, ModuleDeps } from '../server/module.js';

export function consoleModule(_deps: ModuleDeps): Module {
  return { name: 'console' };
}
