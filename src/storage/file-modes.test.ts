import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { secureDataDir } from './file-modes.js';

const modeOf = (p: string) => fs.statSync(p).mode & 0o777;

test('an existing data folder is tightened: folders 0700, files 0600, links left alone', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-modes-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-outside-'));
  const dir = path.join(root, 'data');
  try {
    fs.mkdirSync(path.join(dir, 'objects', 'b1', 'nested'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    for (const f of ['chattrail.db', 'chattrail.db-wal', 'chattrail.db-shm', 'master.key', 'credentials', 'objects/b1/nested/o1']) {
      fs.writeFileSync(path.join(dir, f), 'x');
      fs.chmodSync(path.join(dir, f), 0o644);
    }
    fs.writeFileSync(path.join(outside, 'theirs'), 'x', { mode: 0o644 });
    fs.chmodSync(path.join(outside, 'theirs'), 0o644);
    fs.symlinkSync(outside, path.join(dir, 'link'));
    const result = secureDataDir(dir);
    assert.deepEqual(result.failed, []);
    assert.equal(result.changed, 10);
    for (const d of ['', 'objects', 'objects/b1', 'objects/b1/nested']) assert.equal(modeOf(path.join(dir, d)), 0o700, d || '.');
    for (const f of ['chattrail.db', 'chattrail.db-wal', 'chattrail.db-shm', 'master.key', 'credentials', 'objects/b1/nested/o1']) assert.equal(modeOf(path.join(dir, f)), 0o600, f);
    assert.equal(modeOf(path.join(outside, 'theirs')), 0o644, 'a symbolic link is not followed out of the folder');
    // From now on the process creates owner-only files, whatever mode a library asks for.
    fs.writeFileSync(path.join(dir, 'new'), 'x', { mode: 0o666 });
    assert.equal(modeOf(path.join(dir, 'new')), 0o600);
    assert.equal(secureDataDir(dir).changed, 0, 'a second start has nothing to change');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
