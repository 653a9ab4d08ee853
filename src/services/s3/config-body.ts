// The XML documents configuration puts carry, checked against the model before anything else: S3
// answers a missing or schema-breaking document (unknown enum value, missing required element)
// with MalformedXML, where the generic model check would say InvalidArgument.
import { AwsError } from '../../protocol/errors.js';
import type { ServiceModel } from '../../protocol/model.js';
import { validateInput } from '../../protocol/validate.js';
import { malformedXml } from './config-checks.js';

export const CONFIG_PUTS = new Set([
  'PutBucketVersioning', 'PutBucketCors', 'PutBucketWebsite', 'PutBucketLifecycleConfiguration', 'PutBucketEncryption',
  'PutPublicAccessBlock', 'PutBucketOwnershipControls', 'PutBucketTagging', 'PutObjectTagging', 'PutBucketReplication',
]);

export function checkConfigBody(model: ServiceModel, opName: string, input: Record<string, unknown>): void {
  if (!CONFIG_PUTS.has(opName)) return;
  const op = model.operation(opName);
  const shape = op?.input ? model.shape(op.input.shape) : undefined;
  const payload = shape?.payload;
  if (!shape || !payload) return;
  const body = input[payload];
  if (body === undefined || body === null || typeof body !== 'object') throw malformedXml();
  try {
    validateInput(model, shape.members![payload].shape, body, 'MalformedXML');
  } catch (e) {
    if (e instanceof AwsError) throw malformedXml();
    throw e;
  }
}
