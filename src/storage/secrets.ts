// Seals secrets at rest (secret access keys, Slack bot tokens) with AES-256-GCM under the
// deployment's master key, read from configuration or generated into the data folder on first start.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Random bytes drawn from the CSPRNG 4 KiB at a time, as crypto.randomUUID does internally: each
 * randomBytes() call is a trip into OpenSSL (~8 µs here), and a chat command needs half a dozen.
 * Bytes are handed out once (copied, then zeroed in the pool) and never reused.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolOffset = 0;
export function pooledRandomBytes(len: number): Buffer {
  if (!Number.isSafeInteger(len) || len < 0) throw new RangeError(`random byte count must be a non-negative integer, got ${len}`);
  if (len > POOL_SIZE) return crypto.randomBytes(len);
  if (poolOffset + len > pool.length) {
    pool = crypto.randomBytes(POOL_SIZE);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + len));
  pool.fill(0, poolOffset, poolOffset + len);
  poolOffset += len;
  return out;
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('master key must be 32 bytes');
  }

  seal(plaintext: string): string {
    const iv = pooledRandomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string): string {
    if (!sealed.startsWith('v1:')) throw new Error('unknown sealed secret format');
    const raw = Buffer.from(sealed.slice(3), 'base64');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** The configured key (base64), or the one kept in `<dataDir>/master.key`, created (0600) when absent. */
export function loadMasterKey(dataDir: string, configured?: string): Buffer {
  if (configured) return Buffer.from(configured, 'base64');
  const file = path.join(dataDir, 'master.key');
  try {
    return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  } catch {
    const key = crypto.randomBytes(32);
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  }
}
