// S3 buckets as documents. Bucket names are global across accounts, so every bucket lives under
// one key space (`s3-bucket`, account `global`) and creation is a single atomic insert.
import type { DocumentStore } from '../../storage/documents.js';

export interface Bucket {
  name: string;
  /** The owning account. */
  owner: string;
  region: string;
  createdAt: Date;
  /** The bucket policy as the owner sent it (returned verbatim by GetBucketPolicy). */
  policy?: string;
  /** Bucket sub-resources set through the API (versioning, CORS, tags...); see BucketConfig. */
  config?: BucketConfig;
}

/**
 * Sub-resource documents as the model's shapes hold them. A missing entry means "never set";
 * for the settings S3 gives every new bucket (public access block, ownership controls) `null`
 * records an explicit delete, after which S3 answers "not configured".
 */
export interface BucketConfig {
  versioning?: { Status?: string; MFADelete?: string };
  cors?: Record<string, unknown>[];
  website?: Record<string, unknown>;
  lifecycle?: { Rules: Record<string, unknown>[]; TransitionDefaultMinimumObjectSize?: string };
  encryption?: Record<string, unknown>;
  publicAccessBlock?: Record<string, boolean> | null;
  ownershipControls?: Record<string, unknown> | null;
  tags?: { Key: string; Value: string }[];
}

const KIND = 's3-bucket';
const GLOBAL = 'global';

export class BucketStore {
  constructor(private readonly docs: DocumentStore) {}

  private key(name: string) {
    return { kind: KIND, accountId: GLOBAL, region: GLOBAL, id: name };
  }

  get(name: string): Promise<Bucket | undefined> {
    return this.docs.get<Bucket>(this.key(name));
  }

  /** False when the name is taken (by anyone). */
  create(bucket: Bucket): Promise<boolean> {
    return this.docs.create(this.key(bucket.name), bucket);
  }

  async delete(name: string): Promise<void> {
    await this.docs.delete(this.key(name));
  }

  /** Sets (or with undefined, removes) the policy; undefined when the bucket is gone. */
  setPolicy(name: string, policy: string | undefined): Promise<Bucket | undefined> {
    return this.docs.update<Bucket>(this.key(name), (cur) => (cur ? { ...cur, policy } : undefined));
  }

  /** Sets (or with undefined, forgets) one sub-resource; undefined when the bucket is gone. */
  setConfig<K extends keyof BucketConfig>(name: string, key: K, value: BucketConfig[K] | undefined): Promise<Bucket | undefined> {
    return this.docs.update<Bucket>(this.key(name), (cur) => {
      if (!cur) return undefined;
      const config: BucketConfig = { ...cur.config };
      if (value === undefined) delete config[key];
      else config[key] = value;
      return { ...cur, config };
    });
  }

  /** An account's buckets in name order (S3 lists them alphabetically). */
  async listOwnedBy(accountId: string): Promise<Bucket[]> {
    const all = await this.docs.list<Bucket>(KIND, GLOBAL, GLOBAL);
    return all.map((r) => r.doc).filter((b) => b.owner === accountId);
  }
}

/** S3's naming rules for general purpose buckets (CreateBucket answers InvalidBucketName). */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'Bucket name must be between 3 and 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'Bucket name can contain only lowercase letters, numbers, periods and hyphens, and must begin and end with a letter or number';
  if (name.includes('..')) return 'Bucket name must not contain two adjacent periods';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'Bucket name must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'Bucket name must not start with a reserved prefix';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'Bucket name must not end with a reserved suffix';
  return undefined;
}
