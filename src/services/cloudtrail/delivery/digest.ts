// Digest files: every digest window, per chain (account and region of a trail with log file
// validation), a signed summary of the log files delivered since the previous digest, chained
// through that digest's signature. Exactly what `aws cloudtrail validate-logs` checks.
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import type { TrailDoc } from '../trails-model.js';
import { trailArn } from '../trails-model.js';
import type { SigningKeys } from './signing-keys.js';
import { accountRoot, digestKey, isoSeconds } from './log-file.js';
import { chainId, ensureState, readState, updateState, type ChainState, type DigestIntent } from './state.js';
import { DeliveryFailure, type DeliveryEnv } from './deliver.js';

const gzipAsync = promisify(zlib.gzip);

export interface DigestEnv extends DeliveryEnv {
  keys: SigningKeys;
  digestWindowMs: number;
}

/** The string CloudTrail signs (SHA256withRSA), as validate-logs rebuilds it. */
export function stringToSign(endTime: string, bucket: string, key: string, digestHash: string, previousSignature: string | null): string {
  return `${endTime}\n${bucket}/${key}\n${digestHash}\n${previousSignature ?? 'null'}`;
}

export class DigestDelivery {
  constructor(private readonly env: DigestEnv) {}

  /** Writes the digests that are due; returns when the next one will be (ms epoch), if any. */
  async deliver(trail: TrailDoc, orgId: string | undefined): Promise<number | undefined> {
    const now = this.env.clock.now();
    const active = trail.isLogging && trail.logFileValidationEnabled;
    let state = active ? await ensureState(this.env.documents, trail) : await readState(this.env.documents, trail);
    if (!state) return undefined;
    const home = chainId(trail.accountId, trail.homeRegion);
    if (active && !state.chains[home]) {
      state = (await updateState(this.env.documents, trail, (s) => {
        s.chains[home] ??= { account: trail.accountId, region: trail.homeRegion, startTime: isoSeconds(now), files: [] };
      })) ?? state;
    }
    let next: number | undefined;
    for (const [id, chain] of Object.entries(state.chains)) {
      if (chain.intent) await this.write(trail, id, chain.intent, orgId);
      else if (active || chain.files.length > 0) {
        const due = Date.parse(chain.startTime) + this.env.digestWindowMs;
        if (due <= now.getTime()) {
          const intent = await this.intentFor(trail, chain, orgId, now);
          await updateState(this.env.documents, trail, (s) => { if (s.chains[id]) s.chains[id].intent = intent; });
          await this.write(trail, id, intent, orgId);
          next = Math.min(next ?? Infinity, now.getTime() + this.env.digestWindowMs);
        } else {
          next = Math.min(next ?? Infinity, due);
        }
      }
    }
    return next;
  }

  private async intentFor(trail: TrailDoc, chain: ChainState, orgId: string | undefined, now: Date): Promise<DigestIntent> {
    // Digest names carry their end time to the second: never reuse or go back from the previous one.
    const end = new Date(Math.max(Math.floor(now.getTime() / 1000) * 1000, Date.parse(chain.startTime) + 1000));
    const endTime = isoSeconds(end);
    const bucket = trail.s3BucketName;
    const key = digestKey(accountRoot(trail.s3KeyPrefix, chain.account, orgId), chain.account, chain.region, trail.name, trail.homeRegion, end);
    const signer = await this.env.keys.current(chain.region);
    const files = chain.files;
    const times = files.flatMap((f) => [f.oldestEventTime, f.newestEventTime]).sort();
    const prev = chain.previous;
    const digest = {
      awsAccountId: chain.account,
      digestStartTime: chain.startTime,
      digestEndTime: endTime,
      digestS3Bucket: bucket,
      digestS3Object: key,
      digestPublicKeyFingerprint: signer.fingerprint,
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: times.at(-1) ?? null,
      oldestEventTime: times[0] ?? null,
      previousDigestS3Bucket: prev?.bucket ?? null,
      previousDigestS3Object: prev?.key ?? null,
      previousDigestHashValue: prev?.hash ?? null,
      previousDigestHashAlgorithm: prev ? 'SHA-256' : null,
      previousDigestSignature: prev?.signature ?? null,
      logFiles: files,
    };
    const body = JSON.stringify(digest);
    const hash = crypto.createHash('sha256').update(body).digest('hex');
    const signature = signer.sign(stringToSign(endTime, bucket, key, hash, prev?.signature ?? null));
    return { bucket, key, body, signature, endTime, included: files.length, hash };
  }

  private async write(trail: TrailDoc, id: string, intent: DigestIntent, orgId: string | undefined): Promise<void> {
    const sink = this.env.sink();
    if (!sink) throw new DeliveryFailure('NoSuchBucket', 'no S3 service is available for delivery');
    const check = await sink.checkDelivery(intent.bucket, accountRoot(trail.s3KeyPrefix, orgId ?? trail.accountId), { trailArn: trailArn(trail), accountId: trail.accountId });
    if (!check.ok) throw new DeliveryFailure(check.code === 'S3BucketDoesNotExistException' ? 'NoSuchBucket' : 'AccessDenied', check.message);
    const gz = await gzipAsync(Buffer.from(intent.body, 'utf8'));
    await sink.putObject(intent.bucket, intent.key, gz, {
      contentType: 'application/json', contentEncoding: 'gzip',
      metadata: { signature: intent.signature, 'signature-algorithm': 'SHA256withRSA' },
    });
    const now = this.env.clock.now();
    await updateState(this.env.documents, trail, (s) => {
      const chain = s.chains[id];
      if (!chain || chain.intent?.key !== intent.key) return;
      chain.previous = { bucket: intent.bucket, key: intent.key, signature: intent.signature, hash: intent.hash };
      chain.files.splice(0, intent.included);
      chain.startTime = intent.endTime;
      delete chain.intent;
      s.status.latestDigestDeliveryTime = now;
      delete s.status.latestDigestDeliveryError;
    });
  }
}
