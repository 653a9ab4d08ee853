// The data folder is private to its owner: folders 0700, files 0600 (SQLite and its -wal/-shm,
// objects, master.key, credentials, signing keys), whatever an older version or a copy left there.
// Run once at start-up, before anything in the folder is opened.
import fs from 'node:fs';
import path from 'node:path';

export interface TightenResult {
  /** Entries whose mode was changed. */
  changed: number;
  /** Entries that could not be changed (another owner): named so the operator can fix them. */
  failed: string[];
}

/**
 * Makes everything chattrail creates from now on owner-only (umask 077: SQLite creates its files
 * 0644 & ~umask and takes -wal/-shm modes from the database file), then tightens what exists.
 * Symbolic links are neither followed nor changed: they may point outside the folder.
 */
export function secureDataDir(dataDir: string): TightenResult {
  try {
    process.umask(0o077);
  } catch {
    // Worker threads may not change the umask; the walk below and explicit modes still apply.
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const result: TightenResult = { changed: 0, failed: [] };
  tighten(dataDir, true, result);
  return result;
}

function tighten(entry: string, isDir: boolean, result: TightenResult): void {
  const want = isDir ? 0o700 : 0o600;
  try {
    const mode = fs.lstatSync(entry).mode & 0o7777;
    if (mode !== want) {
      fs.chmodSync(entry, want);
      result.changed++;
    }
  } catch {
    result.failed.push(entry);
    return;
  }
  if (!isDir) return;
  let children: fs.Dirent[];
  try { children = fs.readdirSync(entry, { withFileTypes: true }); } catch { result.failed.push(entry); return; }
  for (const c of children) {
    if (c.isSymbolicLink()) continue;
    if (c.isDirectory() || c.isFile()) tighten(path.join(entry, c.name), c.isDirectory(), result);
  }
}
