// Where the project's own files live at run time (models, console build), found from this
// module's location so `node dist/src/...` works from any working directory.
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The repository root: dist/src/paths.js → ../.. ; src/paths.ts (ts-node-like runs) → .. */
export const projectRoot = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
export const modelsDir = path.join(projectRoot, 'models');
