// Every successful S3 answer: GetBucketLocation's bare <LocationConstraint> document, ACLs with
// their xsi:type grantees, and 206 Partial Content for ranged GETs (which the model-driven
// serializer cannot write), the rest as the model says under S3's root element names, all with
// S3's host id. Also measures answers for the record.
import type { RawResponse } from '../../protocol/http.js';
import type { ServiceModel } from '../../protocol/model.js';
import { serializeError, serializeResponse } from '../../protocol/codec.js';
import type { AwsError } from '../../protocol/errors.js';
import { escapeXml } from '../../protocol/xml.js';
import { peekSlice } from '../../protocol/payload.js';
import { s3HostId } from './ids.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Root elements S3 uses where the model's output shape names none (the serializer writes `<OpResult>`). */
const ROOTS: Record<string, string> = {
  GetBucketVersioning: 'VersioningConfiguration',
  GetBucketCors: 'CORSConfiguration',
  GetBucketWebsite: 'WebsiteConfiguration',
  GetBucketLifecycleConfiguration: 'LifecycleConfiguration',
  GetBucketLogging: 'BucketLoggingStatus',
  GetBucketRequestPayment: 'RequestPaymentConfiguration',
  GetBucketTagging: 'Tagging',
  GetObjectTagging: 'Tagging',
  GetBucketAccelerateConfiguration: 'AccelerateConfiguration',
  GetBucketNotificationConfiguration: 'NotificationConfiguration',
  ListObjectVersions: 'ListVersionsResult',
};

export function s3RawResponse(model: ServiceModel, opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined {
  const op = model.operation(opName);
  if (!op) return undefined;
  const res = special(model, opName, output, requestId) ?? renamed(opName, serializeResponse(model, op, output, requestId, op.http.method));
  // The x-amz-id-2 the record's additionalEventData names too.
  return { ...res, headers: { ...res.headers, 'x-amz-id-2': s3HostId(requestId) } };
}

function special(model: ServiceModel, opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined {
  switch (opName) {
    case 'GetBucketLocation': {
      const lc = output.LocationConstraint;
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n${typeof lc === 'string' && lc
        ? `<LocationConstraint xmlns="${NS}">${escapeXml(lc)}</LocationConstraint>`
        : `<LocationConstraint xmlns="${NS}"/>`}`;
      return { status: 200, headers: { 'x-amz-request-id': requestId, 'content-type': 'application/xml' }, body };
    }
    case 'GetBucketAcl':
    case 'GetObjectAcl': {
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n${aclXml(output)}`;
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
  if (Buffer.isBuffer(output.Body)) return peekSlice(output.Body)?.length ?? output.Body.length;
  const res = special(model, opName, output, requestId) ?? renamed(opName, serializeResponse(model, op, output, requestId, method));
  return Buffer.byteLength(res.body);
}

function renamed(opName: string, res: RawResponse): RawResponse {
  const to = ROOTS[opName];
  const from = `${opName}Result`;
  if (!to || typeof res.body !== 'string' || !res.body.endsWith(`</${from}>`)) return res;
  return { ...res, body: res.body.replace(`<${from} `, `<${to} `).slice(0, -(from.length + 3)) + `</${to}>` };
}

type Grantee = { ID?: string; Type?: string; URI?: string; EmailAddress?: string; DisplayName?: string };

/** `<AccessControlPolicy>`: grantees carry `xsi:type`, an XML attribute the model serializer skips. */
function aclXml(output: Record<string, unknown>): string {
  const owner = (output.Owner ?? {}) as { ID?: string; DisplayName?: string };
  const grants = (output.Grants ?? []) as { Grantee?: Grantee; Permission?: string }[];
  const el = (name: string, v: string | undefined) => (v === undefined ? '' : `<${name}>${escapeXml(v)}</${name}>`);
  const grantXml = grants.map(({ Grantee: g = {}, Permission }) =>
    `<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="${escapeXml(g.Type ?? 'CanonicalUser')}">` +
    `${el('ID', g.ID)}${el('DisplayName', g.DisplayName)}${el('URI', g.URI)}${el('EmailAddress', g.EmailAddress)}</Grantee>${el('Permission', Permission)}</Grant>`).join('');
  return `<AccessControlPolicy xmlns="${NS}"><Owner>${el('ID', owner.ID)}${el('DisplayName', owner.DisplayName)}</Owner>` +
    `<AccessControlList>${grantXml}</AccessControlList></AccessControlPolicy>`;
}
