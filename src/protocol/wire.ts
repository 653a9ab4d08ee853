// What every protocol file shares: the shape of a codec (four directions: parse a request and
// serialize an answer on the server, serialize a request and parse an answer on the client), the
// client's request and response, and the small text rules several wire formats agree on.
import type { Operation, Protocol, ServiceModel } from './model.js';
import type { RawRequest, RawResponse } from './http.js';
import { AwsError } from './errors.js';
import { s3HostId } from './request-ids.js';

export interface ParsedCall {
  op: Operation;
  input: Record<string, unknown>;
}

/** Where a server request was routed: its operation, rest path labels, and a query form read once. */
export interface Route {
  op: Operation;
  labels: Record<string, string>;
  form?: URLSearchParams;
}

/** A request as a client sends it: ready to sign and hand to fetch. */
export interface ClientRequest {
  method: string;
  /** The full URL: endpoint (with any host prefix) + path + query string. */
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer as a client receives it; header names in any case. */
export interface ClientResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

/** A request before the endpoint is applied: what a protocol decides on its own. */
export interface RequestParts {
  method: string;
  /** Path (starting with `/`) and, for rest protocols, a query string, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/** One wire format, both directions. Values are chattrail's: Dates, Buffers, numbers, plain objects. */
export interface WireCodec {
  route(model: ServiceModel, req: RawRequest): Route;
  parseInput(model: ServiceModel, route: Route, req: RawRequest): Record<string, unknown>;
  serializeOutput(model: ServiceModel, op: Operation, output: Record<string, unknown>, requestId: string, method: string): RawResponse;
  serializeError(model: ServiceModel, err: AwsError, status: number, requestId: string, method: string): RawResponse;
  serializeRequest(model: ServiceModel, op: Operation, input: Record<string, unknown>): RequestParts;
  /** Output for a 2xx answer; throws the AwsError an error answer carries. */
  parseOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown>;
}

/** The request id headers a protocol family answers with (S3 pairs its id with a host id). */
export function requestIdHeaders(protocol: Protocol, requestId: string): Record<string, string> {
  return protocol === 'rest-xml'
    ? { 'x-amz-request-id': requestId, 'x-amz-id-2': s3HostId(requestId) }
    : { 'x-amzn-requestid': requestId };
}

/** A header of a client response, whatever the case of its name. */
export function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const direct = headers[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

export function bodyBuffer(body: Buffer | string): Buffer {
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** RFC 3986 percent-encoding as AWS signs it; `/` kept for greedy path labels. */
export function percentEncode(s: string, keepSlash = false): string {
  const enc = encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? enc.replace(/%2F/g, '/') : enc;
}

/** Floats on text wires: NaN and the infinities by name, as every AWS protocol spells them. */
export function floatText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** `aws.protocoltests#FooError:http://internal...` → `FooError`: the code without namespace or URI. */
export function sanitizeErrorCode(raw: string): string {
  const noUri = raw.split(':', 1)[0];
  return noUri.slice(noUri.lastIndexOf('#') + 1);
}

/** The error shape a wire code names (`Customized` → `CustomCodeError`), if the model declares it. */
export function errorShapeOf(model: ServiceModel, code: string): string | undefined {
  const name = model.errorShapeName(code);
  const shape = model.shapes[name];
  return shape && (shape.exception || shape.error) ? name : undefined;
}

/**
 * The error a client raises: the code, the message (from `message` or `Message`), the status, and
 * the error shape's members, the message member filled in from the message when the body named it
 * the other way.
 */
export function clientError(model: ServiceModel, code: string, message: string, status: number, members: Record<string, unknown> | undefined): AwsError {
  const shapeName = errorShapeOf(model, code);
  const shape = shapeName ? model.shapes[shapeName] : undefined;
  const out = { ...(members ?? {}) };
  for (const m of ['Message', 'message']) {
    if (shape?.members?.[m] && out[m] === undefined && message) out[m] = message;
  }
  return new AwsError(code, message, status, undefined, out);
}

/**
 * Sets a map entry from the wire as an own property: a key like `__proto__` stays a key and never
 * reaches the object's prototype.
 */
export function putEntry<T>(out: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Who is at fault for a status: the query family writes it as `Sender` or `Receiver`. */
export function faultOf(status: number): 'Sender' | 'Receiver' {
  return status < 500 ? 'Sender' : 'Receiver';
}

/** The error shape's members to write beside the code and message (the message member is the message). */
export function errorMembers(model: ServiceModel, err: AwsError): { shapeName?: string; members: Record<string, unknown> } {
  const shapeName = errorShapeOf(model, err.code);
  if (!err.members || !shapeName) return { shapeName, members: {} };
  const members: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err.members)) if (k !== 'Message' && k !== 'message') members[k] = v;
  return { shapeName, members };
}
