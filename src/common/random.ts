// Randomness drawn from the CSPRNG in pooled blocks: ids (common/runtime.ts) and the secret box
// (storage/secrets.ts) both draw from it.
import crypto from 'node:crypto';

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
