// S3 as a ServiceDefinition: the disambiguated model, handlers wrapped to carry S3's
// additionalEventData, recording rules, the resources IAM authorizes, and the request rewrite.
import path from 'node:path';
import { AwsError } from '../../protocol/errors.js';
import { FolderObjectStore } from '../../storage/objects.js';
import { spoolDirOf, sweepSpool } from '../../storage/spool.js';
import type { DocumentStore } from '../../storage/documents.js';
import { AUTHORIZED_PER_ITEM, UNSCOPED, type Handler, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { type Ids } from '../../common/runtime.js';
import { s3Model } from './model.js';
import { rewriteS3Request } from './rewrite.js';
import { s3Recording } from './recording.js';
import { bucketHandlers } from './bucket-handlers.js';
import { objectHandlers } from './object-handlers.js';
import { listHandlers } from './list-handlers.js';
import { multipartHandlers } from './multipart-handlers.js';
import { configHandlers } from './config-handlers.js';
import { objectConfigHandlers } from './object-config-handlers.js';
import { versionHandlers } from './version-handlers.js';
import { checkConfigBody } from './config-body.js';
import { responseSize, s3RawResponse } from './responses.js';
import { withEventData, type S3Deps } from './common.js';
import { BucketStore } from './store.js';
import { bucketArn, iamActionOf, objectArn } from './access.js';
import { s3RequestId } from './ids.js';

export function s3Deps(docs: DocumentStore, dataDir: string, maxObjectBytes: number): S3Deps {
  // Upload bodies a crash left half-spooled: nothing will ever claim them.
  sweepSpool(spoolDirOf(dataDir));
  return {
    buckets: new BucketStore(docs),
    objects: new FolderObjectStore(path.join(dataDir, 'objects'), docs),
    maxObjectBytes,
  };
}

/**
 * The bucket or object a call acts on, owned by the bucket's owner. DeleteObjects is authorized
 * key by key in its handler (a refused key is reported in Errors, as S3 does); the copy source of
 * CopyObject and UploadPartCopy is authorized there too, as a further s3:GetObject.
 */
export function s3Resolver(buckets: BucketStore): ResourceResolver {
  return async (op, input, ctx) => {
    if (op === 'DeleteObjects') return AUTHORIZED_PER_ITEM;
    if (typeof input.Bucket !== 'string') return UNSCOPED;
    const bucket = await buckets.get(input.Bucket);
    const name = bucket?.name ?? input.Bucket;
    const accountId = bucket?.owner ?? (op === 'CreateBucket' ? ctx.accountId : undefined);
    return [{ arn: typeof input.Key === 'string' ? objectArn(name, input.Key) : bucketArn(name), accountId }];
  };
}

export function s3Service(deps: S3Deps): ServiceDefinition {
  const model = s3Model();
  const raw: Record<string, Handler> = {
    ...bucketHandlers(deps), ...objectHandlers(deps), ...listHandlers(deps), ...multipartHandlers(deps),
    ...configHandlers(deps), ...objectConfigHandlers(deps), ...versionHandlers(deps),
  };
  const size = (op: string, out: Record<string, unknown> | undefined, err: AwsError | undefined, id: string) => responseSize(model, op, out, err, id);
  const handlers = Object.fromEntries(Object.entries(raw).map(([op, h]) => [op, withEventData(op, h, size)]));
  const definition = {
    model,
    // S3-shaped request ids (`CNQERR2V8EZYW5P0`), once the pipeline asks services for them.
    newRequestId: s3RequestId,
    handlers,
    recording: s3Recording(model),
    rewrite: rewriteS3Request,
    rawResponse: (op, output, requestId) => s3RawResponse(model, op, output, requestId),
    precheck(op, input) {
      // A body that failed rewrite's checks is refused here, after authentication, so it is recorded.
      if (typeof input.BodyError === 'string') {
        const space = input.BodyError.indexOf(' ');
        throw new AwsError(input.BodyError.slice(0, space), input.BodyError.slice(space + 1), 400);
      }
      // Configuration documents that break their schema are MalformedXML to S3, not InvalidArgument.
      checkConfigBody(model, op, input);
    },
    // S3's IAM actions are not its operation names (ListObjects needs s3:ListBucket).
    actionOf: (op) => iamActionOf(op),
    resolveResources: s3Resolver(deps.buckets),
  } satisfies ServiceDefinition & { newRequestId(ids: Ids): string };
  return definition;
}
