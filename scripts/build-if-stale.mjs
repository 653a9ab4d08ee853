#!/usr/bin/env node
// `npm start`'s pre-step: compiles only when a source is newer than the last build, so a restart
// with nothing changed serves in about a second instead of waiting for tsc. The stamp is written
// only after a build succeeds; `npm run build` always compiles.
import { readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = join(root, 'dist', '.build-stamp');
const SOURCES = ['src', 'bench', 'test'];
const FILES = ['tsconfig.json', 'package-lock.json', 'package.json'];

/** The newest modification time under `dir` among files the build reads. */
function newest(dir, acc = 0) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) acc = newest(p, acc);
    else if (/\.(ts|json|css|html)$/.test(entry.name)) acc = Math.max(acc, statSync(p).mtimeMs);
  }
  return acc;
}

export function isStale() {
  if (!existsSync(STAMP)) return true;
  const built = statSync(STAMP).mtimeMs;
  let latest = 0;
  for (const d of SOURCES) if (existsSync(join(root, d))) latest = newest(join(root, d), latest);
  for (const f of FILES) if (existsSync(join(root, f))) latest = Math.max(latest, statSync(join(root, f)).mtimeMs);
  return latest > built;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--stamp')) {
    // Called by `npm run build` once both compilations succeeded.
    writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  } else if (isStale()) {
    process.stderr.write('chattrail: sources changed since the last build; compiling (npm run build)...\n');
    const r = spawnSync('npm', ['run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
