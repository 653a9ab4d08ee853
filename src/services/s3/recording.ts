// How CloudTrail logs S3: requestParameters keep HTTP names (`bucketName`, `Host`, `key`, the
// sub-resource flag as `"policy": ""`, query parameters as sent); responseElements are null;
// object-level calls are data events; ListObjectsV2 is logged as ListObjects.
import type { ServiceModel, Shape } from '../../protocol/model.js';
import type { RecordingRules } from '../../records/rules.js';
import { EXTRA_MEMBERS } from './model.js';
import { CONFIG_PUTS } from './config-body.js';

/** Object-level operations: recorded for trails whose selectors ask for S3 data events. */
export const S3_DATA_EVENTS = [
  'GetObject', 'HeadObject', 'PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'ListObjects', 'ListObjectsV2',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts',
  'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetObjectAttributes',
  'GetObjectRetention', 'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold', 'RestoreObject', 'SelectObjectContent',
  'ListObjectVersions',
] as const;

/** Listings, whose Object resource is a key prefix (`ARNPrefix` in real records). */
export const S3_PREFIX_RESOURCES = ['ListObjects', 'ListObjectsV2', 'ListObjectVersions'] as const;

/** CloudTrail still names these calls after S3's older REST API (`PUT ?lifecycle` is PutBucketLifecycle). */
export const S3_EVENT_NAMES: Record<string, string> = {
  ListObjectsV2: 'ListObjects',
  GetBucketLifecycleConfiguration: 'GetBucketLifecycle',
  PutBucketLifecycleConfiguration: 'PutBucketLifecycle',
  GetPublicAccessBlock: 'GetBucketPublicAccessBlock',
  PutPublicAccessBlock: 'PutBucketPublicAccessBlock',
  DeletePublicAccessBlock: 'DeleteBucketPublicAccessBlock',
  GetBucketNotificationConfiguration: 'GetBucketNotification',
  PutBucketNotificationConfiguration: 'PutBucketNotification',
  GetBucketAccelerateConfiguration: 'GetAccelerateConfiguration',
  PutBucketAccelerateConfiguration: 'PutAccelerateConfiguration',
};



const XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function s3Recording(model: ServiceModel): RecordingRules {
  const requestParameters: NonNullable<RecordingRules['requestParameters']> = {};
  const responseElements: NonNullable<RecordingRules['responseElements']> = {};
  for (const op of model.operations.values()) {
    requestParameters[op.name] = (input) => requestParametersOf(model, op.name, input);
    responseElements[op.name] = () => null;
  }
  return {
    eventSource: 's3.amazonaws.com',
    eventNames: S3_EVENT_NAMES,
    dataEvents: S3_DATA_EVENTS,
    // Real listings log their Object resource as `{"type": "AWS::S3::Object", "ARNPrefix": "arn:aws:s3:::b/"}`;
    // trail data selectors match ARNPrefix as they match ARN (src/services/cloudtrail/delivery/filter.ts).
    prefixResources: S3_PREFIX_RESOURCES,
    requestParameters,
    responseElements,
  };
}

function requestParametersOf(model: ServiceModel, opName: string, input: Record<string, unknown>): Record<string, unknown> | null {
  const op = model.operation(opName);
  if (!op || Object.keys(input).length === 0) return null;
  const out: Record<string, unknown> = {};
  if (input.Bucket !== undefined) out.bucketName = input.Bucket;
  if (input.Host !== undefined) out.Host = input.Host;
  if (input.Key !== undefined) out.key = input.Key;
  const shape = op.input ? model.shape(op.input.shape) : undefined;
  for (const [name, ref] of Object.entries(shape?.members ?? {})) {
    if (name in EXTRA_MEMBERS || input[name] === undefined) continue;
    // Query parameters and the ACL / copy-source headers keep their wire names and string values.
    const wire = ref.locationName ?? name;
    if (ref.location === 'querystring' || (ref.location === 'header' && (wire === 'x-amz-acl' || wire === 'x-amz-copy-source'))) {
      const v = input[name];
      out[wire] = v instanceof Date ? v.toISOString() : String(v);
    }
  }
  // The template's fixed sub-resource (`?policy`, `?location`, `?delete`, `list-type=2`).
  const fixed = op.http.requestUri.split('?')[1];
  if (fixed) {
    for (const kv of fixed.split('&')) {
      const [k, v] = kv.split('=');
      if (k !== 'x-id') out[k] = v ?? '';
    }
  }
  Object.assign(out, bodyParameters(opName, input));
  // Configuration documents are logged parsed, under their root element's name.
  if (CONFIG_PUTS.has(opName) && shape?.payload && input[shape.payload] !== undefined) {
    const ref = shape.members![shape.payload];
    const pshape = model.shape(ref.shape);
    const root = ref.locationName ?? pshape.locationName ?? shape.payload;
    out[root] = { ...(wireValue(model, pshape, input[shape.payload]) as object), xmlns: XMLNS };
  }
  return out;
}

/** Request bodies CloudTrail shows parsed: bucket policies as JSON, XML configurations with xmlns. */
function bodyParameters(opName: string, input: Record<string, unknown>): Record<string, unknown> {
  switch (opName) {
    case 'PutBucketPolicy': {
      let policy: unknown = {};
      try { policy = JSON.parse(String(input.Policy ?? '')); } catch { /* logged as {} like AWS */ }
      return { bucketPolicy: policy && typeof policy === 'object' ? policy : {} };
    }
    case 'CreateBucket': {
      const config = input.CreateBucketConfiguration as { LocationConstraint?: string } | undefined;
      return config?.LocationConstraint ? { CreateBucketConfiguration: { LocationConstraint: config.LocationConstraint, xmlns: XMLNS } } : {};
    }
    default:
      return {};
  }
}

/**
 * A parsed body as CloudTrail renders the XML it received: element names as on the wire
 * (`MfaDelete`, flattened `Rule`, `TagSet: {Tag: ...}`), one repeated element as an object, several
 * as an array, booleans and numbers as JSON values.
 */
export function wireValue(model: ServiceModel, shape: Shape, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date) return v.toISOString().replace(/\.000Z$/, 'Z');
  if (shape.type !== 'structure' || typeof v !== 'object') return Buffer.isBuffer(v) ? v.toString('base64') : v;
  const out: Record<string, unknown> = {};
  for (const [name, ref] of Object.entries(shape.members ?? {})) {
    const mv = (v as Record<string, unknown>)[name];
    if (ref.location || ref.xmlAttribute || mv === undefined) continue;
    const mshape = model.shape(ref.shape);
    const wire = ref.locationName ?? name;
    if (mshape.type !== 'list' || !Array.isArray(mv)) {
      out[wire] = wireValue(model, mshape, mv);
      continue;
    }
    const itemRef = mshape.member!;
    const items = mv.map((x) => wireValue(model, model.shape(itemRef.shape), x));
    const one = items.length === 1 ? items[0] : items;
    if (ref.flattened || mshape.flattened) out[itemRef.locationName && !ref.locationName ? itemRef.locationName : wire] = one;
    else out[wire] = { [itemRef.locationName ?? 'member']: one };
  }
  return out;
}
