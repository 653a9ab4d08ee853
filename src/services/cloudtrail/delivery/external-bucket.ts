// An external S3-compatible endpoint (AWS S3, MinIO, moto...) through the AWS SDK v3, where trails
// (or any service delivering files) write: the same BucketStorage the embedded S3 offers, judging
// bucket policies the same way.
import {
  S3Client, HeadBucketCommand, GetBucketPolicyCommand, PutObjectCommand, GetBucketLocationCommand, type ObjectCannedACL,
} from '@aws-sdk/client-s3';
import type { BucketStorage, Grant, PutOptions } from '../../../core/capabilities.js';
import type { ServiceWriter } from '../../../policy/service-write.js';
import { serviceMayWrite } from '../../../policy/service-write.js';

export interface ExternalS3Options {
  /** e.g. `https://s3.eu-west-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: boolean;
  /** The ACL objects are written with (AWS services deliver with bucket-owner-full-control); `null` for stores that reject ACL headers. */
  objectAcl?: ObjectCannedACL | null;
}

/** An SDK error's S3 code, from its name or (HEAD answers have no body) its HTTP status. */
function codeOf(e: unknown): { name: string; status?: number } {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return { name: err.name ?? '', status: err.$metadata?.httpStatusCode };
}

export class ExternalS3Sink implements BucketStorage {
  private readonly client: S3Client;
  private readonly acl: ObjectCannedACL | undefined;

  constructor(opts: ExternalS3Options) {
    this.client = new S3Client({
      endpoint: opts.endpoint, region: opts.region, credentials: opts.credentials, forcePathStyle: opts.forcePathStyle,
      // S3-compatible stores that predate the SDK's default checksums may refuse them: send them only where required.
      requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.acl = opts.objectAcl === null ? undefined : opts.objectAcl ?? 'bucket-owner-full-control';
  }

  async serviceWriteGrant(bucket: string, keyPrefix: string, writer: ServiceWriter): Promise<Grant> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (e) {
      const { name, status } = codeOf(e);
      if (name === 'NotFound' || name === 'NoSuchBucket' || status === 404) return 'missing';
      throw e;
    }
    let policy: string | undefined;
    try {
      policy = (await this.client.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
    } catch (e) {
      if (codeOf(e).name !== 'NoSuchBucketPolicy') throw e;
    }
    return serviceMayWrite(bucket, policy, keyPrefix, writer) ? 'allowed' : 'refused';
  }

  async putObject(bucket: string, key: string, body: Buffer, opts: PutOptions): Promise<void> {
    await this.client.send(new PutObjectCommand({
      Bucket: bucket, Key: key, Body: body, ContentType: opts.contentType, ContentEncoding: opts.contentEncoding,
      Metadata: opts.metadata, ACL: this.acl,
    }));
  }

  async bucketRegion(bucket: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(new GetBucketLocationCommand({ Bucket: bucket }));
      // us-east-1 answers an empty constraint; `EU` is the legacy name of eu-west-1.
      const lc = out.LocationConstraint as string | undefined;
      return !lc ? 'us-east-1' : lc === 'EU' ? 'eu-west-1' : lc;
    } catch (e) {
      if (codeOf(e).name === 'NoSuchBucket') return undefined;
      throw e;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
