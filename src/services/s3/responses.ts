// Every successful S3 answer: GetBucketLocation's bare <LocationConstraint> document and 206
// Partial Content for ranged GETs (which the model-driven serializer cannot write), the rest as the
// model says, all with S3's host id. Also measures answers for the record.
import type { RawResponse } from '../../protocol/http.js';
import type { ServiceModel } from '../../protocol/model.js';
import { serializeError, serializeResponse } from '../../protocol/codec.js';
import type { AwsError } from '../../protocol/errors.js';
import { escapeXml } from '../../protocol/xml.js';
import { s3HostId } from './ids.js';

export function s3RawResponse(model: ServiceModel, opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined {
  const op = model.operation(opName);
  if (!op) return undefined;
  const res = special(model, opName, output, requestId) ?? serializeResponse(model, op, output, requestId, op.http.method);
  // The x-amz-id-2 the record's additionalEventData names too.
  return { ...res, headers: { ...res.headers, 'x-amz-id-2': s3HostId(requestId) } };
}

function special(model: ServiceModel, opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined {
  switch (opName) {
    case 'GetBucketLocation': {
      const lc = output.LocationConstraint;
      const ns = 'http://s3.amazonaws.com/doc/2006-03-01/';
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n${typeof lc === 'string' && lc
        ? `<LocationConstraint xmlns="${ns}">${escapeXml(lc)}</LocationConstraint>`
        : `<LocationConstraint xmlns="${ns}"/>`}`;
      return { status: 200, headers: { 'x-amz-request-id': requestId, 'content-type': 'application/xml' }, body };
    }
    case 'GetObject': {
      if (output.ContentRange === undefined) return undefined;
      const res = serializeResponse(model, model.operation('GetObject')!, output, requestId, 'GET');
      return { ...res, status: 206 };
    }
    default:
      return undefined;
  }
}

/** Body bytes of the answer to a call, as the record's bytesTransferredOut. */
export function responseSize(model: ServiceModel, opName: string, output: Record<string, unknown> | undefined, error: AwsError | undefined, requestId: string): number {
  const op = model.operation(opName);
  const method = op?.http.method ?? 'GET';
  if (method === 'HEAD' || !op) return 0;
  if (error) return Buffer.byteLength(serializeError(model, error, requestId, method).body);
  if (!output) return 0;
  if (Buffer.isBuffer(output.Body)) return output.Body.length;
  const res = special(model, opName, output, requestId) ?? serializeResponse(model, op, output, requestId, method);
  return Buffer.byteLength(res.body);
}
