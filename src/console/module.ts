// The web console at /console/: the page shell and its files, and the JSON API the page calls.
// Every page path serves the same shell (the browser code routes); assets come from two folders
// (src/console/static, dist/console-web); the API lives in api.ts.
import type { Module, ModuleDeps } from '../core/module.js';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import { ConsoleApi } from './api.js';
import { chatTestRunner } from './chat-test.js';
import { serveFile, STATIC_DIR, WEB_DIR, SECURITY_HEADERS } from './static.js';

/** Paths of the single-page console that serve the shell (deep links survive a reload). */
const PAGES = /^\/console\/(?:|signin|events(?:\/[^/]+)?|trails|files|chat)$/;

export function consoleModule(deps: ModuleDeps): Module {
  const api = new ConsoleApi(deps, chatTestRunner(deps));
  return {
    name: 'console',
    routes: [{ prefix: '/console/', handle: (req, ip) => route(api, req, ip) }],
    // In memory, not durable: the live view shows what this process records, as it is recorded.
    consumers: [{ name: 'console-live', live: true, handle: (batch) => { for (const e of batch) api.live.push(e); } }],
    stop: async () => api.close(),
  };
}

function notFound(): RawResponse {
  return { status: 404, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: 'Not found\n' };
}

async function route(api: ConsoleApi, req: RawRequest, ip: string): Promise<RawResponse> {
  const p = req.rawPath;
  if (p.startsWith('/console/api/')) return api.handle(req, ip);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, headers: { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain' }, body: 'Method not allowed\n' };
  }
  if (p === '/console') return { status: 302, headers: { location: '/console/' }, body: '' };
  const etag = req.headers['if-none-match'];
  if (p.startsWith('/console/static/')) return (await serveFile(STATIC_DIR, p.slice('/console/static/'.length), etag)) ?? notFound();
  if (p.startsWith('/console/js/')) return (await serveFile(WEB_DIR, p.slice('/console/js/'.length), etag)) ?? notFound();
  if (PAGES.test(p)) return (await serveFile(STATIC_DIR, 'index.html', etag)) ?? notFound();
  return notFound();
}
