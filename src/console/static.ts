// The console's files: index.html, CSS and icons from src/console/static/, the compiled browser
// modules from dist/console-web/. Paths are confined to those two folders; every answer carries
// the security headers the console relies on (CSP without inline script, no framing, no sniffing).
import fs from 'node:fs/promises';
import path from 'node:path';
import type { RawResponse } from '../protocol/http.js';
import { projectRoot } from '../common/paths.js';

export const STATIC_DIR = path.join(projectRoot, 'src', 'console', 'static');
export const WEB_DIR = path.join(projectRoot, 'dist', 'console-web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
};

/** A file under `root`, or undefined when the relative path escapes it or does not exist. */
export async function serveFile(root: string, relative: string, ifNoneMatch: string | undefined): Promise<RawResponse | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(root + path.sep)) return undefined;
  const type = TYPES[path.extname(file)];
  if (!type) return undefined;
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) return undefined;
  const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
  // node leaves the body out of HEAD answers by itself. Revalidate every time: the files are small and a fresh build must show up without a hard reload.
  const headers = { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache', etag };
  if (ifNoneMatch === etag) return { status: 304, headers, body: '' };
  return { status: 200, headers, body: await fs.readFile(file) };
}
