// How CloudTrail logs S3: requestParameters keep HTTP names (`bucketName`, `Host`, `key`, the
// sub-resource flag as `"policy": ""`, query parameters as sent); responseElements are null;
// object-level calls are data events; ListObjectsV2 is logged as ListObjects.
import type { ServiceModel } from '../../protocol/model.js';
import type { RecordingRules } from '../types.js';
import { EXTRA_MEMBERS } from './model.js';

/** Object-level operations: recorded for trails whose selectors ask for S3 data events. */
export const S3_DATA_EVENTS = [
  'GetObject', 'HeadObject', 'PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'ListObjects', 'ListObjectsV2',
  'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload', 'ListParts',
  'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'DeleteObjectTagging', 'GetObjectAttributes',
  'GetObjectRetention', 'PutObjectRetention', 'GetObjectLegalHold', 'PutObjectLegalHold', 'RestoreObject', 'SelectObjectContent',
] as const;

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
    eventNames: { ListObjectsV2: 'ListObjects' },
    dataEvents: S3_DATA_EVENTS,
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
