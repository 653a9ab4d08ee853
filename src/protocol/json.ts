// The json protocol (awsJson1_0 and awsJson1_1: CloudTrail, Organizations): `X-Amz-Target:
// Prefix.Operation` POSTs to `/` with a JSON body, JSON answers, errors as `{"__type": ...}`.
// Also the JSON error rules rest-json shares: where the code is found and how it is cleaned.
import type { Operation, ServiceModel } from './model.js';
import type { RawRequest } from './http.js';
import { AwsError } from './errors.js';
import { readJsonValue, writeJsonValue } from './json-shapes.js';
import { bodyBuffer, clientError, errorMembers, errorShapeOf, faultOf, headerOf, requestIdHeaders, sanitizeErrorCode, type ClientResponse, type WireCodec } from './wire.js';

/**
 * botocore sends the model's whole targetPrefix (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`);
 * SDK v3 sends only its last segment (`CloudTrail_20131101`). AWS accepts both.
 */
export function targetPrefixMatches(model: ServiceModel, prefix: string): boolean {
  const full = model.metadata.targetPrefix;
  return !full || prefix === full || prefix === full.slice(full.lastIndexOf('.') + 1);
}

export function jsonContentType(model: ServiceModel): string {
  return `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
}

/** A request body as JSON; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): unknown {
  if (!body.length) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON');
  }
}

/** An error's body: `__type`, `message` (always that spelling), the fields and the error shape's members. */
export function jsonErrorBody(model: ServiceModel, err: AwsError, type: string): string {
  const { shapeName, members } = errorMembers(model, err);
  const written = shapeName ? writeJsonValue(model, model.shape(shapeName), members) : undefined;
  return JSON.stringify({ __type: type, message: err.message, ...err.fields, ...(written as object | undefined) });
}

/**
 * The `__type` an error answer names: its code; for a former query service the error shape's
 * name, with the query code beside it in `x-amzn-query-error: Code;Sender`.
 */
export function wireErrorType(model: ServiceModel, err: AwsError, status: number, headers: Record<string, string>): string {
  if (!model.metadata.awsQueryCompatible) return err.code;
  headers['x-amzn-query-error'] = `${err.code};${faultOf(status)}`;
  return errorShapeOf(model, err.code) ?? err.code;
}

/**
 * Client: the error a JSON answer carries. The code comes from `X-Amzn-Errortype`, else `__type`,
 * else `code`, stripped of namespace and URI; a query code in `x-amzn-query-error` wins.
 */
export function parseJsonError(model: ServiceModel, res: ClientResponse, body: Record<string, unknown>): AwsError {
  const raw = headerOf(res.headers, 'x-amzn-errortype') ?? body.__type ?? body.code ?? body.Code;
  let code = typeof raw === 'string' ? sanitizeErrorCode(raw) : String(res.status);
  const queryError = headerOf(res.headers, 'x-amzn-query-error')?.split(';');
  if (queryError?.length === 2 && queryError[0]) code = queryError[0];
  const message = body.message ?? body.Message;
  const shapeName = errorShapeOf(model, code) ?? errorShapeOf(model, typeof raw === 'string' ? sanitizeErrorCode(raw) : '');
  const members = shapeName ? readJsonValue(model, model.shape(shapeName), body, '') as Record<string, unknown> : undefined;
  return clientError(model, code, typeof message === 'string' ? message : '', res.status, members);
}

/** A client's view of a JSON body: an object, or `{message: text}` when it is not JSON. */
export function clientJsonBody(res: ClientResponse): Record<string, unknown> {
  const text = bodyBuffer(res.body).toString('utf8');
  if (!text.trim()) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
  } catch {
    return { message: text };
  }
}

function routeJson(model: ServiceModel, req: RawRequest) {
  const target = req.headers['x-amz-target'];
  if (!target) throw new AwsError('UnknownOperationException', 'Missing X-Amz-Target header');
  const dot = target.lastIndexOf('.');
  const op = model.operation(target.slice(dot + 1));
  if (!op || !targetPrefixMatches(model, target.slice(0, dot))) {
    throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
  }
  return { op, labels: {} };
}

function parseJsonOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  const body = clientJsonBody(res);
  if (res.status >= 300) throw parseJsonError(model, res, body);
  return op.output ? readJsonValue(model, model.shape(op.output.shape), body, '') as Record<string, unknown> : {};
}

export const jsonCodec: WireCodec = {
  route: routeJson,
  parseInput(model, route, req) {
    if (!route.op.input) return {};
    const ctype = req.headers['content-type'] ?? '';
    if (req.body.length && !/^application\/(x-amz-json-1\.[01]|json)/.test(ctype)) {
      throw new AwsError('UnsupportedMediaType', `Unsupported content type: ${ctype || '(none)'}`, 415);
    }
    return readJsonValue(model, model.shape(route.op.input.shape), parseJsonBody(req.body), '') as Record<string, unknown>;
  },
  serializeOutput(model, op, output, requestId) {
    const headers = requestIdHeaders('json', requestId);
    headers['content-type'] = jsonContentType(model);
    return { status: 200, headers, body: JSON.stringify(op.output ? writeJsonValue(model, model.shape(op.output.shape), output) : {}) };
  },
  serializeError(model, err, status, requestId) {
    const headers = requestIdHeaders('json', requestId);
    headers['content-type'] = jsonContentType(model);
    headers['x-amzn-errortype'] = err.code;
    return { status, headers, body: jsonErrorBody(model, err, wireErrorType(model, err, status, headers)) };
  },
  serializeRequest(model, op, input) {
    const headers: Record<string, string> = { 'Content-Type': jsonContentType(model), 'X-Amz-Target': `${model.metadata.targetPrefix}.${op.name}` };
    if (model.metadata.awsQueryCompatible) headers['x-amzn-query-mode'] = 'true';
    const body = op.input ? writeJsonValue(model, model.shape(op.input.shape), input) : {};
    return { method: op.http?.method ?? 'POST', path: '/', headers, body: Buffer.from(JSON.stringify(body ?? {})) };
  },
  parseOutput: parseJsonOutput,
};
