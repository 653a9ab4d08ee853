// Bucket-level S3 operations: create/delete/list/head buckets, location, ACL, and bucket policies.
// These are management events; each names the bucket it touched once it succeeded.
import { AwsError } from '../../protocol/errors.js';
import { PolicyParseError, type PolicyDocument } from '../../policy/document.js';
import type { CallContext, Handler } from '../../core/service.js';
import { assertBucketAccess, bucketArn } from './access.js';
import { parsedResourcePolicy } from '../../policy/document.js';
import { bucketNameProblem, type Bucket } from './store.js';
import { ownerOf, pages, requireBucket, str, touchBucket, type Input, type S3Deps } from './common.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const MAX_POLICY_BYTES = 20 * 1024;

export function bucketHandlers(deps: S3Deps): Record<string, Handler> {
  const access = async (ctx: CallContext, input: Input, action: string): Promise<Bucket> => {
    const bucket = await requireBucket(deps, input.Bucket);
    assertBucketAccess(ctx, bucket, action, bucketArn(bucket.name), {}, input.ExpectedBucketOwner);
    return bucket;
  };

  return {
    async CreateBucket(input: Input, ctx: CallContext) {
      const name = String(input.Bucket);
      const problem = bucketNameProblem(name);
      if (problem) throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: name });
      const region = bucketRegionOf(input, ctx);
      const bucket: Bucket = { name, owner: ctx.accountId, region, createdAt: ctx.clock.now() };
      // x-amz-object-ownership picks the bucket's ownership controls (default BucketOwnerEnforced).
      if (typeof input.ObjectOwnership === 'string') bucket.config = { ownershipControls: { Rules: [{ ObjectOwnership: input.ObjectOwnership }] } };
      if (!(await deps.buckets.create(bucket))) {
        const existing = await deps.buckets.get(name);
        // N. Virginia's legacy: re-creating your own bucket there succeeds (S3 resets its ACL).
        if (existing?.owner === ctx.accountId && existing.region === 'us-east-1' && region === 'us-east-1') {
          touchBucket(ctx, existing);
          return { Location: `/${name}` };
        }
        if (existing?.owner === ctx.accountId) {
          throw new AwsError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, { BucketName: name });
        }
        throw new AwsError('BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', 409, { BucketName: name });
      }
      touchBucket(ctx, bucket);
      return { Location: region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/` };
    },

    async DeleteBucket(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:DeleteBucket');
      if (!(await deps.objects.isEmpty(bucket.name))) {
        throw new AwsError('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409, { BucketName: bucket.name });
      }
      await deps.buckets.delete(bucket.name);
      await deps.objects.dropBucket(bucket.name);
      touchBucket(ctx, bucket);
      return {};
    },

    async ListBuckets(input: Input, ctx: CallContext) {
      const prefix = str(input.Prefix) ?? '';
      const max = input.MaxBuckets;
      if (typeof max === 'number' && (max < 1 || max > 10000)) throw new AwsError('InvalidArgument', 'Argument max-buckets must be an integer between 1 and 10000', 400);
      const all = (await deps.buckets.listOwnedBy(ctx.accountId)).filter((b) => b.name.startsWith(prefix));
      // In name order; the token carries the last name served.
      const page = pages.list('ListBuckets', input, ctx, all, (b) => b.name);
      return {
        ...page.output(page.items.map((b) => ({ Name: b.name, CreationDate: b.createdAt, BucketRegion: b.region }))),
        Owner: ownerOf(ctx.accountId),
        Prefix: str(input.Prefix),
      };
    },

    async HeadBucket(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:ListBucket');
      touchBucket(ctx, bucket);
      return { BucketRegion: bucket.region, BucketArn: bucketArn(bucket.name) };
    },

    async GetBucketLocation(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:GetBucketLocation');
      touchBucket(ctx, bucket);
      // us-east-1 buckets answer an empty LocationConstraint, a quirk every client expects.
      return { LocationConstraint: bucket.region === 'us-east-1' ? undefined : bucket.region };
    },

    async GetBucketAcl(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:GetBucketAcl');
      touchBucket(ctx, bucket);
      const owner = ownerOf(bucket.owner);
      return { Owner: owner, Grants: [{ Grantee: { ...owner, Type: 'CanonicalUser' }, Permission: 'FULL_CONTROL' }] };
    },

    async PutBucketPolicy(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:PutBucketPolicy');
      const text = String(input.Policy ?? '');
      checkBucketPolicy(bucket.name, text);
      await deps.buckets.setPolicy(bucket.name, text);
      touchBucket(ctx, bucket);
      return {};
    },

    async GetBucketPolicy(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:GetBucketPolicy');
      if (!bucket.policy) throw new AwsError('NoSuchBucketPolicy', 'The bucket policy does not exist', 404, { BucketName: bucket.name });
      touchBucket(ctx, bucket);
      return { Policy: bucket.policy };
    },

    async DeleteBucketPolicy(input: Input, ctx: CallContext) {
      const bucket = await access(ctx, input, 's3:DeleteBucketPolicy');
      await deps.buckets.setPolicy(bucket.name, undefined);
      touchBucket(ctx, bucket);
      return {};
    },
  };
}

/**
 * The bucket's region: the LocationConstraint (none means us-east-1, `EU` is eu-west-1). A
 * regional endpoint only creates buckets in its own region; us-east-1 creates them anywhere.
 */
function bucketRegionOf(input: Input, ctx: CallContext): string {
  const config = input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined;
  const constraint = config?.LocationConstraint || undefined;
  if (constraint === 'us-east-1' || (constraint !== undefined && constraint !== 'EU' && !REGION.test(constraint))) {
    throw new AwsError('InvalidLocationConstraint', 'The specified location-constraint is not valid', 400, { LocationConstraint: constraint });
  }
  const region = constraint === 'EU' ? 'eu-west-1' : constraint ?? 'us-east-1';
  if (ctx.region !== 'us-east-1' && region !== ctx.region) {
    throw new AwsError('IllegalLocationConstraintException', `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`, 400);
  }
  return region;
}

function malformed(message: string): AwsError {
  return new AwsError('MalformedPolicy', message, 400);
}

/** Parses like IAM, then applies S3's own rules: only S3 actions, only this bucket's resources. */
function checkBucketPolicy(bucket: string, text: string): void {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw malformed('Policies must be less than 20 KB');
  if (!text.trimStart().startsWith('{')) throw malformed("Policies must be valid JSON and the first byte must be '{'");
  let doc: PolicyDocument;
  try {
    doc = parsedResourcePolicy(text);
  } catch (e) {
    if (e instanceof PolicyParseError) throw malformed(e.message);
    throw e;
  }
  for (const s of doc.Statement) {
    for (const a of [s.Action ?? [], s.NotAction ?? []].flat()) {
      if (a !== '*' && !/^s3:/i.test(a)) throw malformed('Policy has invalid action');
    }
    for (const r of [s.Resource ?? [], s.NotResource ?? []].flat()) {
      if (!resourceInBucket(r, bucket)) throw malformed('Policy has invalid resource');
    }
  }
}

function resourceInBucket(resource: string, bucket: string): boolean {
  const base = `arn:aws:s3:::${bucket}`;
  if (!resource.startsWith(base)) return false;
  const rest = resource.slice(base.length);
  return rest === '' || rest.startsWith('/') || rest.startsWith('*');
}
