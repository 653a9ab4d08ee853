// What every page gets from the shell: the session, the selected region, and navigation.
import type { SessionInfo } from './api.js';

export interface App {
  session: SessionInfo;
  /** The region the region selector shows; pages call regional APIs in it. */
  region: string;
  /** Goes to a console path (`/console/trails?...`) without reloading. */
  navigate(path: string, opts?: { replace?: boolean }): void;
}

/** A page draws itself into `main` and may return a function that stops its background work. */
export type Page = (app: App, main: HTMLElement, url: URL) => (() => void) | void;

/** The page path with the region kept in the query, so links can be shared and reloaded. */
export function pageUrl(path: string, region: string, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  q.set('region', region);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  return `${path}?${q}`;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return e.name && e.name !== 'Error' && e.name !== 'ApiError' ? `${e.name}: ${e.message}` : e.message;
  return String(e);
}
