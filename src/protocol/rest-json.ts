// The rest-json protocol (Lambda, Chatbot): operations routed by method and path, members bound to
// labels, query string and headers, the rest in a JSON body (or one payload member as the body);
// errors as JSON with the code in `X-Amzn-Errortype`.
import type { Operation, ServiceModel, Shape } from './model.js';
import type { RawRequest } from './http.js';
import { AwsError } from './errors.js';
import { readJsonValue, writeJsonValue } from './json-shapes.js';
import { clientJsonBody, parseJsonBody, parseJsonError } from './json.js';
import { answerView, matchRestOperation, readHttpBoundMembers, readResponseBindings, writeHttpBoundMembers, writeRequestBindings } from './rest.js';
import { bodyBuffer, errorMembers, errorShapeOf, requestIdHeaders, type ClientResponse, type RequestParts, type Route, type WireCodec } from './wire.js';

/** Server: method + path → operation, or the protocol's "unknown operation" error. */
export function routeRest(model: ServiceModel, req: RawRequest, notFound: () => AwsError): Route {
  const found = matchRestOperation(model, req.method, req.rawPath, req.query);
  if (!found) throw notFound();
  return found;
}

/** The payload member of a shape, with its shape, if the shape names one. */
export function payloadOf(model: ServiceModel, shape: Shape): { name: string; shape: Shape } | undefined {
  return shape.payload ? { name: shape.payload, shape: model.shape(shape.members![shape.payload].shape) } : undefined;
}

/** Whether a shape has members the body carries (not bound to a header, label, query or status). */
export function hasBodyMembers(shape: Shape): boolean {
  return Object.values(shape.members ?? {}).some((r) => !r.location);
}

/** A payload that is the body itself (a blob or a string), not a document in it. */
export function isRawPayload(pshape: Shape): boolean {
  return pshape.type === 'blob' || pshape.type === 'string';
}

/** A raw payload's value: a blob as bytes, a string as text. */
export function rawPayload(pshape: Shape, body: Buffer): unknown {
  return pshape.type === 'blob' ? body : body.toString('utf8');
}

/** The content type a raw payload goes out with (structured bodies get their protocol's). */
export function rawPayloadType(pshape: Shape): string {
  return pshape.type === 'blob' ? 'application/octet-stream' : 'text/plain';
}

function jsonBody(model: ServiceModel, shape: Shape, v: unknown): string {
  return JSON.stringify(writeJsonValue(model, shape, v) ?? {});
}

function parseRestJsonInput(model: ServiceModel, route: Route, req: RawRequest): Record<string, unknown> {
  if (!route.op.input) return {};
  const inputShape = model.shape(route.op.input.shape);
  const input = readHttpBoundMembers(model, inputShape, req, route.labels);
  const payload = payloadOf(model, inputShape);
  if (payload && isRawPayload(payload.shape)) input[payload.name] = rawPayload(payload.shape, req.body);
  else if (payload) {
    if (req.body.length) input[payload.name] = readJsonValue(model, payload.shape, parseJsonBody(req.body), payload.name);
  } else Object.assign(input, readJsonValue(model, inputShape, parseJsonBody(req.body), '') as object);
  return input;
}

/**
 * A request's body: the payload member alone, else the body members as JSON. A structure with
 * nothing set is still `{}` (an absent structure payload too), so the service sees a JSON body.
 */
function restJsonBody(model: ServiceModel, shape: Shape, values: Record<string, unknown>, headers: Record<string, string>): string | Buffer {
  const payload = payloadOf(model, shape);
  if (payload) {
    const v = values[payload.name];
    if ((v === undefined || v === null) && payload.shape.type === 'structure' && !payload.shape.union && !payload.shape.document) {
      headers['Content-Type'] ??= 'application/json';
      return '{}';
    }
    if (v === undefined || v === null) return '';
    if (isRawPayload(payload.shape)) {
      headers['Content-Type'] ??= rawPayloadType(payload.shape);
      return payload.shape.type === 'blob' ? (v as Buffer) : String(v);
    }
    headers['Content-Type'] ??= 'application/json';
    return JSON.stringify(writeJsonValue(model, payload.shape, v));
  }
  const written = writeJsonValue(model, shape, values) as Record<string, unknown>;
  if (!Object.keys(written).length && !hasBodyMembers(shape)) return '';
  headers['Content-Type'] ??= 'application/json';
  return JSON.stringify(written);
}

function parseRestJsonOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  const body = bodyBuffer(res.body);
  if (res.status >= 300) {
    // The error shape's header members (rest-json may bind them) join the body's.
    const err = parseJsonError(model, res, clientJsonBody(res));
    const shapeName = errorShapeOf(model, err.code);
    const bound = shapeName ? readResponseBindings(model, model.shape(shapeName), res.status, res.headers) : {};
    throw new AwsError(err.code, err.message, err.status, undefined, { ...err.members, ...bound });
  }
  if (!op.output) return {};
  const shape = answerView(model.shape(op.output.shape));
  const out = readResponseBindings(model, shape, res.status, res.headers);
  const payload = payloadOf(model, shape);
  if (payload && isRawPayload(payload.shape)) {
    if (body.length) out[payload.name] = rawPayload(payload.shape, body);
  } else if (payload) {
    if (body.length) out[payload.name] = readJsonValue(model, payload.shape, JSON.parse(body.toString('utf8')), payload.name);
  } else Object.assign(out, readJsonValue(model, shape, clientJsonBody(res), ''));
  return out;
}

export const restJsonCodec: WireCodec = {
  route: (model, req) => routeRest(model, req, () => new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.rawPath}`, 404)),
  parseInput: parseRestJsonInput,
  serializeOutput(model, op, output, requestId, method) {
    const headers = requestIdHeaders('rest-json', requestId);
    let status = op.http.responseCode ?? 200;
    let body: string | Buffer = '';
    if (op.output) {
      const outShape = answerView(model.shape(op.output.shape));
      status = writeHttpBoundMembers(model, outShape, output, headers) ?? status;
      const payload = payloadOf(model, outShape);
      const v = payload && output[payload.name];
      body = !payload ? jsonBody(model, outShape, output)
        : v === undefined || v === null ? ''
        : isRawPayload(payload.shape) ? (Buffer.isBuffer(v) ? v : String(v)) : jsonBody(model, payload.shape, v);
    }
    headers['content-type'] = 'application/json';
    return { status, headers, body: method === 'HEAD' ? '' : body };
  },
  serializeError(model, err, status, requestId) {
    const headers = requestIdHeaders('rest-json', requestId);
    headers['content-type'] = 'application/json';
    headers['x-amzn-errortype'] = err.code;
    const { shapeName, members } = errorMembers(model, err);
    const shape = shapeName ? model.shape(shapeName) : undefined;
    if (shape) writeHttpBoundMembers(model, shape, members, headers);
    const written = shape ? writeJsonValue(model, shape, members) as object : {};
    return { status, headers, body: JSON.stringify({ __type: err.code, message: err.message, ...err.fields, ...written }) };
  },
  serializeRequest(model, op, input): RequestParts {
    const shape = op.input ? model.shape(op.input.shape) : undefined;
    const { path, headers } = writeRequestBindings(model, op, shape, input);
    const body = shape ? restJsonBody(model, shape, input, headers) : '';
    return { method: op.http.method, path, headers, body: Buffer.from(body) };
  },
  parseOutput: parseRestJsonOutput,
};
