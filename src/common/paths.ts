// Where the project's own files live at run time (models, console build), found from this
// module's location so `node dist/src/...` works from any working directory and any build folder.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'models'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`chattrail: cannot find the project root above ${start}`);
  }
}

export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const modelsDir = path.join(projectRoot, 'models');

let version: string | undefined;

/** chattrail's own version (package.json): the user agent it calls other services with. */
export function chattrailVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
