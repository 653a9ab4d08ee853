// The four AWS protocols behind one interface: parse a RawRequest into (operation, input) and
// serialize outputs and errors back, all driven by the service model. Handlers never see HTTP.
import type { Operation, ServiceModel } from './model.js';
import type { RawRequest, RawResponse } from './http.js';
import { AwsError, statusOf } from './errors.js';
import { readJsonValue, writeJsonValue } from './json-shapes.js';
import { readQueryValue, serializeQueryError, serializeQueryResponse } from './query.js';
import { matchRestOperation, readHttpBoundMembers, writeHttpBoundMembers } from './rest.js';
import { escapeXml, parseXmlDocument, readXmlValue, writeXmlMembers } from './xml.js';
import { s3HostId } from './request-ids.js';

export interface ParsedCall {
  op: Operation;
  input: Record<string, unknown>;
}

/** The code a service answers when an input breaks its shape's constraints. */
export function validationErrorCode(model: ServiceModel): string {
  switch (model.metadata.protocol) {
    case 'query': return 'ValidationError';
    case 'rest-xml': return 'InvalidArgument';
    default: return 'ValidationException';
  }
}

/**
 * botocore sends the model's whole targetPrefix (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`);
 * SDK v3 sends only its last segment (`CloudTrail_20131101`). AWS accepts both.
 */
export function targetPrefixMatches(model: ServiceModel, prefix: string): boolean {
  const full = model.metadata.targetPrefix;
  return !full || prefix === full || prefix === full.slice(full.lastIndexOf('.') + 1);
}

/** Finds the operation a request names, or throws the protocol's "unknown operation" error. */
export function resolveOperation(model: ServiceModel, req: RawRequest, form?: URLSearchParams): { op: Operation; labels: Record<string, string> } {
  switch (model.metadata.protocol) {
    case 'json': {
      const target = req.headers['x-amz-target'];
      if (!target) throw new AwsError('UnknownOperationException', 'Missing X-Amz-Target header');
      const dot = target.lastIndexOf('.');
      const prefix = target.slice(0, dot);
      const op = model.operation(target.slice(dot + 1));
      if (!op || !targetPrefixMatches(model, prefix)) {
        throw new AwsError('UnknownOperationException', `Unknown operation ${target}`);
      }
      return { op, labels: {} };
    }
    case 'query': {
      const action = form?.get('Action') ?? req.query.get('Action');
      if (!action) throw new AwsError('MissingAction', 'Could not find operation: the request has no Action parameter', 400);
      const op = model.operation(action);
      if (!op) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${model.metadata.apiVersion}`, 400);
      return { op, labels: {} };
    }
    default: {
      const found = matchRestOperation(model, req.method, req.rawPath, req.query);
      if (!found) {
        throw model.metadata.protocol === 'rest-xml'
          ? new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405)
          : new AwsError('UnknownOperationException', `No operation matches ${req.method} ${req.rawPath}`, 404);
      }
      return found;
    }
  }
}

/** The form parameters of a query-protocol request (body for POST, query string for GET). */
export function queryForm(req: RawRequest): URLSearchParams {
  const ctype = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && req.body.length) {
    if (!ctype.startsWith('application/x-www-form-urlencoded')) {
      throw new AwsError('UnsupportedMediaType', `Unsupported content type: ${ctype || '(none)'}`, 415);
    }
    return new URLSearchParams(req.body.toString('utf8'));
  }
  return req.query;
}

function parseJsonBody(req: RawRequest): unknown {
  if (!req.body.length) return {};
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON');
  }
}

export function parseRequest(model: ServiceModel, req: RawRequest): ParsedCall {
  const protocol = model.metadata.protocol;
  const form = protocol === 'query' ? queryForm(req) : undefined;
  const { op, labels } = resolveOperation(model, req, form);
  const inputShape = op.input ? model.shape(op.input.shape) : undefined;
  if (!inputShape) return { op, input: {} };
  try {
    switch (protocol) {
      case 'json': {
        const ctype = req.headers['content-type'] ?? '';
        if (req.body.length && !/^application\/(x-amz-json-1\.[01]|json)/.test(ctype)) {
          throw new AwsError('UnsupportedMediaType', `Unsupported content type: ${ctype || '(none)'}`, 415);
        }
        return { op, input: readJsonValue(model, inputShape, parseJsonBody(req), '') as Record<string, unknown> };
      }
      case 'query': {
        const params = new Map<string, string>();
        for (const [k, v] of form!) params.set(k, v);
        return { op, input: readQueryValue(model, inputShape, params, '') as Record<string, unknown> };
      }
      case 'rest-json': {
        const input = readHttpBoundMembers(model, inputShape, req, labels);
        if (inputShape.payload) {
          const ref = inputShape.members![inputShape.payload];
          const pshape = model.shape(ref.shape);
          if (pshape.type === 'blob' || pshape.type === 'string') input[inputShape.payload] = pshape.type === 'blob' ? req.body : req.body.toString('utf8');
          else if (req.body.length) input[inputShape.payload] = readJsonValue(model, pshape, parseJsonBody(req), inputShape.payload);
        } else {
          Object.assign(input, readJsonValue(model, inputShape, parseJsonBody(req), '') as object);
        }
        return { op, input };
      }
      case 'rest-xml': {
        const input = readHttpBoundMembers(model, inputShape, req, labels);
        if (inputShape.payload) {
          const ref = inputShape.members![inputShape.payload];
          const pshape = model.shape(ref.shape);
          if (pshape.type === 'blob' || pshape.type === 'string') {
            input[inputShape.payload] = pshape.type === 'blob' ? req.body : req.body.toString('utf8');
          } else if (req.body.length) {
            const doc = parseXmlDocument(req.body.toString('utf8'));
            const rootName = ref.locationName ?? pshape.locationName ?? inputShape.payload;
            input[inputShape.payload] = readXmlValue(model, pshape, doc[rootName] ?? Object.values(doc).at(-1));
          }
        }
        return { op, input };
      }
      default:
        throw new AwsError('InternalFailure', `protocol ${protocol} is not served`, 500);
    }
  } catch (e) {
    // Scalar conversion errors are raised with the query code; other protocols name them their way.
    if (e instanceof AwsError && e.code === 'ValidationError' && protocol !== 'query') {
      throw new AwsError(validationErrorCode(model), e.message);
    }
    throw e;
  }
}

function requestIdHeaders(model: ServiceModel, requestId: string): Record<string, string> {
  return model.metadata.protocol === 'rest-xml'
    ? { 'x-amz-request-id': requestId, 'x-amz-id-2': s3HostId(requestId) }
    : { 'x-amzn-requestid': requestId };
}

export function serializeResponse(model: ServiceModel, op: Operation, output: Record<string, unknown> | undefined, requestId: string, method = 'POST'): RawResponse {
  const headers = requestIdHeaders(model, requestId);
  const outShape = op.output ? model.shape(op.output.shape) : undefined;
  const out = output ?? {};
  switch (model.metadata.protocol) {
    case 'json':
      headers['content-type'] = `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}`;
      return { status: 200, headers, body: JSON.stringify(outShape ? writeJsonValue(model, outShape, out) : {}) };
    case 'query':
      headers['content-type'] = 'text/xml';
      return { status: 200, headers, body: serializeQueryResponse(model, op.name, op.output?.resultWrapper, op.output?.shape, out, requestId) };
    case 'rest-json': {
      let status = op.http.responseCode ?? 200;
      let body: string | Buffer = '';
      if (outShape) {
        status = writeHttpBoundMembers(model, outShape, out, headers) ?? status;
        if (outShape.payload) {
          const pshape = model.shape(outShape.members![outShape.payload].shape);
          const v = out[outShape.payload];
          body = v === undefined ? '' : pshape.type === 'blob' ? (v as Buffer) : pshape.type === 'string' ? String(v) : JSON.stringify(writeJsonValue(model, pshape, v));
        } else {
          body = JSON.stringify(writeJsonValue(model, outShape, out));
        }
      }
      headers['content-type'] = 'application/json';
      return { status, headers, body: method === 'HEAD' ? '' : body };
    }
    case 'rest-xml': {
      let status = op.http.responseCode ?? 200;
      let body: string | Buffer = '';
      if (outShape) {
        status = writeHttpBoundMembers(model, outShape, out, headers) ?? status;
        const ns = model.metadata.xmlNamespace ?? 'http://s3.amazonaws.com/doc/2006-03-01/';
        if (outShape.payload) {
          const ref = outShape.members![outShape.payload];
          const pshape = model.shape(ref.shape);
          const v = out[outShape.payload];
          if (v !== undefined) {
            if (pshape.type === 'blob' || pshape.type === 'string') body = Buffer.isBuffer(v) ? v : String(v);
            else {
              const root = ref.locationName ?? pshape.locationName ?? outShape.payload;
              body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${writeXmlMembers(model, pshape, v as Record<string, unknown>)}</${root}>`;
              headers['content-type'] = 'application/xml';
            }
          }
        } else if (Object.values(outShape.members ?? {}).some((r) => !r.location)) {
          const root = outShape.locationName ?? `${op.name}Result`;
          body = `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ns}">${writeXmlMembers(model, outShape, out)}</${root}>`;
          headers['content-type'] = 'application/xml';
        }
      }
      return { status, headers, body: method === 'HEAD' ? '' : body };
    }
    default:
      throw new Error(`protocol ${model.metadata.protocol} is not served`);
  }
}

export function serializeError(model: ServiceModel, err: AwsError, requestId: string, method = 'POST'): RawResponse {
  const status = statusOf(err, (c) => model.statusOfError(c));
  const headers = requestIdHeaders(model, requestId);
  switch (model.metadata.protocol) {
    case 'query':
      headers['content-type'] = 'text/xml';
      return { status, headers, body: serializeQueryError(model, err.code, err.message, status < 500, requestId) };
    case 'rest-xml': {
      // 304 Not Modified: no body and no content type; the error's fields are the ETag and
      // Last-Modified validators, sent as headers like S3 does.
      if (status === 304) {
        for (const [k, v] of Object.entries(err.fields ?? {})) headers[k.toLowerCase()] = v;
        return { status, headers, body: '' };
      }
      headers['content-type'] = 'application/xml';
      const extra = Object.entries(err.fields ?? {}).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}<RequestId>${requestId}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
      return { status, headers, body: method === 'HEAD' ? '' : body };
    }
    default:
      headers['content-type'] = model.metadata.protocol === 'json' ? `application/x-amz-json-${model.metadata.jsonVersion ?? '1.1'}` : 'application/json';
      headers['x-amzn-errortype'] = err.code;
      return { status, headers, body: JSON.stringify({ __type: err.code, message: err.message, ...err.fields }) };
  }
}
