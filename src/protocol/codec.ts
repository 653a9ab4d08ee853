// The server side of every AWS protocol behind one interface: pick the protocol a request speaks
// (among those its service's model lists), parse it into (operation, input), and serialize outputs
// and errors back in the same protocol. Handlers never see HTTP. One file per wire format below.
import type { Operation, Protocol, ServiceModel } from './model.js';
import type { RawRequest, RawResponse, RequestHead } from './http.js';
import { AwsError, statusOf } from './errors.js';
import { jsonCodec } from './json.js';
import { queryCodec } from './query.js';
import { ec2Codec } from './ec2.js';
import { restJsonCodec } from './rest-json.js';
import { restXmlCodec } from './rest-xml.js';
import { cborCodec } from './cbor.js';
import type { ParsedCall, WireCodec } from './wire.js';

export type { ParsedCall } from './wire.js';
export { targetPrefixMatches } from './json.js';
export { queryForm } from './query.js';

const CODECS: Record<Protocol, WireCodec> = {
  json: jsonCodec,
  query: queryCodec,
  ec2: ec2Codec,
  'rest-json': restJsonCodec,
  'rest-xml': restXmlCodec,
  'smithy-rpc-v2-cbor': cborCodec,
};

/** The codec of a protocol (both directions). */
export function codecFor(protocol: Protocol): WireCodec {
  const codec = CODECS[protocol];
  if (!codec) throw new AwsError('InternalFailure', `protocol ${protocol} is not served`, 500);
  return codec;
}

/**
 * The protocol a request speaks, chosen as AWS chooses among those the model lists: the
 * `smithy-protocol` header, then `X-Amz-Target` (json), then a form (query or ec2), then the
 * content type. A model that lists one protocol answers in it without looking at the request.
 */
export function protocolOf(model: ServiceModel, req: RequestHead): Protocol {
  const listed = model.metadata.protocols;
  if (!listed || listed.length < 2) return model.metadata.protocol;
  const h = req.headers;
  const ctype = h['content-type'] ?? '';
  const wanted: Protocol | undefined =
    h['smithy-protocol'] === 'rpc-v2-cbor' ? 'smithy-rpc-v2-cbor'
    : h['x-amz-target'] !== undefined ? 'json'
    : ctype.startsWith('application/x-www-form-urlencoded') || req.query.has('Action') ? (listed.includes('ec2') ? 'ec2' : 'query')
    : ctype.startsWith('application/cbor') ? 'smithy-rpc-v2-cbor'
    : ctype.startsWith('application/x-amz-json') ? 'json'
    : undefined;
  return wanted && listed.includes(wanted) ? wanted : model.metadata.protocol;
}

/** The code a service answers when an input breaks its shape's constraints. */
export function validationErrorCode(model: ServiceModel, protocol: Protocol = model.metadata.protocol): string {
  switch (protocol) {
    case 'query': return 'ValidationError';
    case 'rest-xml': return 'InvalidArgument';
    default: return 'ValidationException';
  }
}

/** Finds the operation a request names, or throws the protocol's "unknown operation" error. */
export function resolveOperation(model: ServiceModel, req: RawRequest, _form?: URLSearchParams, protocol: Protocol = model.metadata.protocol): { op: Operation; labels: Record<string, string> } {
  const { op, labels } = codecFor(protocol).route(model, req);
  return { op, labels };
}

export function parseRequest(model: ServiceModel, req: RawRequest, protocol: Protocol = model.metadata.protocol): ParsedCall {
  const codec = codecFor(protocol);
  const route = codec.route(model, req);
  try {
    return { op: route.op, input: codec.parseInput(model, route, req) };
  } catch (e) {
    // Scalar conversion errors are raised with the query code; other protocols name them their way.
    if (e instanceof AwsError && e.code === 'ValidationError' && protocol !== 'query' && protocol !== 'ec2') {
      throw new AwsError(validationErrorCode(model, protocol), e.message);
    }
    throw e;
  }
}

export function serializeResponse(model: ServiceModel, op: Operation, output: Record<string, unknown> | undefined, requestId: string, method = 'POST', protocol: Protocol = model.metadata.protocol): RawResponse {
  return codecFor(protocol).serializeOutput(model, op, output ?? {}, requestId, method);
}

export function serializeError(model: ServiceModel, err: AwsError, requestId: string, method = 'POST', protocol: Protocol = model.metadata.protocol): RawResponse {
  const status = statusOf(err, (c) => model.statusOfError(c));
  return codecFor(protocol).serializeError(model, err, status, requestId, method);
}
