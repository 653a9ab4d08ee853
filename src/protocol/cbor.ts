// The smithy-rpc-v2-cbor protocol (CloudWatch's first): `POST /service/<Service>/operation/<Op>`
// with `smithy-protocol: rpc-v2-cbor`, CBOR bodies both ways (timestamps as tag 1 epoch seconds,
// blobs as byte strings), errors as `{"__type": "ns#Shape", "message": ...}`.
import { decode, encode } from 'cbor2';
import type { Operation, ServiceModel, Shape } from './model.js';
import { AwsError } from './errors.js';
import { wireErrorType } from './json.js';
import { bodyBuffer, clientError, errorMembers, errorShapeOf, headerOf, putEntry, requestIdHeaders, sanitizeErrorCode, type ClientResponse, type Route, type WireCodec } from './wire.js';

const CBOR = 'application/cbor';

/** A decoded CBOR item → a value of `shape` (null and undefined are absent). */
export function readCborValue(model: ServiceModel, shape: Shape, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      const src = asObject(v);
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const value = readCborValue(model, model.shape(ref.shape), src[ref.locationName ?? name]);
        if (value !== undefined) out[name] = value;
      }
      return out;
    }
    case 'list':
      return asArray(v).map((x) => readCborValue(model, model.shape(shape.member!.shape), x) ?? null);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(asObject(v))) {
        const value = readCborValue(model, model.shape(shape.value!.shape), x);
        if (value !== undefined) putEntry(out, k, value);
      }
      return out;
    }
    case 'timestamp':
      return v instanceof Date ? v : new Date(Number(v) * 1000);
    case 'blob':
      if (!(v instanceof Uint8Array)) throw serializationError('a byte string');
      return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    case 'integer': case 'long': case 'float': case 'double':
      if (typeof v !== 'number' && typeof v !== 'bigint') throw serializationError('a number');
      return Number(v);
    default:
      return v;
  }
}

function serializationError(expected: string): AwsError {
  return new AwsError('SerializationException', `Unexpected CBOR value: expected ${expected}`);
}

function asObject(v: unknown): Record<string, unknown> {
  if (v instanceof Map) return Object.fromEntries(v) as Record<string, unknown>;
  if (typeof v !== 'object' || Array.isArray(v) || v instanceof Uint8Array) throw serializationError('a map');
  return v as Record<string, unknown>;
}

function asArray(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw serializationError('an array');
  return v;
}

/** A value of `shape` → the item cbor2 encodes (Buffers as plain byte arrays, Dates tagged 1). */
export function writeCborValue(model: ServiceModel, shape: Shape, v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (shape.document) return v;
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const w = writeCborValue(model, model.shape(ref.shape), (v as Record<string, unknown>)[name]);
        if (w !== undefined) out[ref.locationName ?? name] = w;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((x) => writeCborValue(model, model.shape(shape.member!.shape), x) ?? null);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        const w = writeCborValue(model, model.shape(shape.value!.shape), x);
        if (w !== undefined) out[k] = w;
      }
      return out;
    }
    case 'blob': {
      const b = Buffer.isBuffer(v) ? v : Buffer.from(String(v));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    case 'timestamp':
      return v instanceof Date ? v : new Date(v as string);
    default:
      return v;
  }
}

function encodeBody(model: ServiceModel, shape: Shape, v: unknown): Buffer {
  const bytes = encode(writeCborValue(model, shape, v) ?? {});
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function decodeBody(body: Buffer): unknown {
  if (!body.length) return {};
  try {
    return decode(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid CBOR');
  }
}

function routeCbor(model: ServiceModel, req: { method: string; rawPath: string }): Route {
  const m = /\/service\/([^/]+)\/operation\/([A-Za-z0-9_]+)$/.exec(req.rawPath);
  const op = m && req.method === 'POST' ? model.operation(m[2]) : undefined;
  if (!op) throw new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.rawPath}`, 404);
  return { op, labels: {} };
}

function cborHeaders(requestId: string): Record<string, string> {
  return { ...requestIdHeaders('smithy-rpc-v2-cbor', requestId), 'smithy-protocol': 'rpc-v2-cbor', 'content-type': CBOR };
}

/** Client: the error a CBOR answer carries (`__type` without namespace; a query code wins). */
function parseCborError(model: ServiceModel, res: ClientResponse): AwsError {
  let body: Record<string, unknown> = {};
  try { body = asObject(decodeBody(bodyBuffer(res.body))); } catch { body = {}; }
  let code = typeof body.__type === 'string' ? sanitizeErrorCode(body.__type) : String(res.status);
  const shapeName = errorShapeOf(model, code);
  const queryError = headerOf(res.headers, 'x-amzn-query-error')?.split(';');
  if (queryError?.length === 2 && queryError[0]) code = queryError[0];
  const message = body.message ?? body.Message;
  const members = shapeName ? readCborValue(model, model.shape(shapeName), body) as Record<string, unknown> : undefined;
  return clientError(model, code, typeof message === 'string' ? message : '', res.status, members);
}

function parseCborOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  if (res.status >= 300) throw parseCborError(model, res);
  if (!op.output) return {};
  return readCborValue(model, model.shape(op.output.shape), decodeBody(bodyBuffer(res.body))) as Record<string, unknown> ?? {};
}

export const cborCodec: WireCodec = {
  route: routeCbor,
  parseInput(model, route, req) {
    if (!route.op.input) return {};
    return readCborValue(model, model.shape(route.op.input.shape), decodeBody(req.body)) as Record<string, unknown> ?? {};
  },
  serializeOutput(model, op, output, requestId) {
    const body = op.output ? encodeBody(model, model.shape(op.output.shape), output) : Buffer.from(encode({}));
    return { status: 200, headers: cborHeaders(requestId), body };
  },
  serializeError(model, err, status, requestId) {
    const headers = cborHeaders(requestId);
    const type = wireErrorType(model, err, status, headers);
    const { shapeName, members } = errorMembers(model, err);
    const written = shapeName ? writeCborValue(model, model.shape(shapeName), members) as object : {};
    const bytes = encode({ __type: type, message: err.message, ...err.fields, ...written });
    return { status, headers, body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  },
  serializeRequest(model, op, input) {
    const headers: Record<string, string> = { 'smithy-protocol': 'rpc-v2-cbor', Accept: CBOR };
    if (model.metadata.awsQueryCompatible) headers['x-amzn-query-mode'] = 'true';
    const body = op.input ? encodeBody(model, model.shape(op.input.shape), input) : Buffer.alloc(0);
    if (body.length) headers['Content-Type'] = CBOR;
    return { method: 'POST', path: `/service/${model.metadata.targetPrefix ?? model.metadata.serviceId}/operation/${op.name}`, headers, body };
  },
  parseOutput: parseCborOutput,
};
