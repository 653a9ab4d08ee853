// The rest-xml protocol (S3): operations routed by method and path, members bound to labels, query
// string and headers, the rest in an XML document (or one payload member as the body); errors as
// S3's `<Error><Code/><Message/>...<RequestId/><HostId/></Error>`.
import type { Operation, ServiceModel, Shape, XmlNamespace } from './model.js';
import type { RawRequest } from './http.js';
import { AwsError } from './errors.js';
import { answerView, readHttpBoundMembers, readResponseBindings, writeHttpBoundMembers, writeRequestBindings } from './rest.js';
import { hasBodyMembers, isRawPayload, payloadOf, rawPayload, rawPayloadType, routeRest } from './rest-json.js';
import { childOf, escapeXml, parseXml, readXmlNode, readXmlStructure, writeXmlDocument, writeXmlMembers, type XmlNode } from './xml.js';
import { bodyBuffer, clientError, errorMembers, errorShapeOf, requestIdHeaders, type ClientResponse, type RequestParts, type Route, type WireCodec } from './wire.js';

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

function parseRestXmlInput(model: ServiceModel, route: Route, req: RawRequest): Record<string, unknown> {
  if (!route.op.input) return {};
  const inputShape = model.shape(route.op.input.shape);
  const input = readHttpBoundMembers(model, inputShape, req, route.labels);
  const payload = payloadOf(model, inputShape);
  if (payload && isRawPayload(payload.shape)) input[payload.name] = rawPayload(payload.shape, req.body);
  else if (req.body.length && (payload || hasBodyMembers(inputShape))) {
    // The root element's name is not checked: S3 reads whichever document it is given.
    const root = parseXml(req.body.toString('utf8'));
    if (payload) input[payload.name] = readXmlNode(model, payload.shape, root);
    else Object.assign(input, readXmlStructure(model, inputShape, root));
  }
  return input;
}

/** The XML document (or raw payload) of an answer or a request; undefined when there is no body. */
function restXmlBody(model: ServiceModel, shape: Shape, values: Record<string, unknown>, root: string, ns: XmlNamespace | undefined): { body: string | Buffer; contentType: string } | undefined {
  const payload = payloadOf(model, shape);
  if (payload) {
    const v = values[payload.name];
    if (v === undefined || v === null) return undefined;
    if (isRawPayload(payload.shape)) return { body: Buffer.isBuffer(v) ? v : String(v), contentType: rawPayloadType(payload.shape) };
    const ref = shape.members![payload.name];
    const name = ref.locationName ?? payload.shape.locationName ?? payload.name;
    return { body: XML_DECLARATION + writeXmlDocument(model, name, payload.shape, v as Record<string, unknown>, ref.xmlNamespace ?? ns), contentType: 'application/xml' };
  }
  if (!hasBodyMembers(shape)) return undefined;
  return { body: XML_DECLARATION + writeXmlDocument(model, root, shape, values, ns), contentType: 'application/xml' };
}

/** Client: S3's `<Error>` or another service's `<ErrorResponse><Error>`, with header-bound members too. */
function parseRestXmlError(model: ServiceModel, res: ClientResponse): AwsError {
  const text = bodyBuffer(res.body).toString('utf8');
  let root: XmlNode | undefined;
  try { root = text.trim() ? parseXml(text) : undefined; } catch { root = undefined; }
  const error = root && (root.name === 'Error' ? root : childOf(root, 'Error'));
  const code = (error && childOf(error, 'Code')?.text) || String(res.status);
  const message = (error && childOf(error, 'Message')?.text) ?? '';
  const shapeName = errorShapeOf(model, code);
  const shape = shapeName ? model.shape(shapeName) : undefined;
  const members = shape ? { ...(error ? readXmlStructure(model, shape, error) : {}), ...readResponseBindings(model, shape, res.status, res.headers) } : undefined;
  return clientError(model, code, message, res.status, members);
}

function parseRestXmlOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  if (res.status >= 300) throw parseRestXmlError(model, res);
  if (!op.output) return {};
  const shape = answerView(model.shape(op.output.shape));
  const out = readResponseBindings(model, shape, res.status, res.headers);
  const body = bodyBuffer(res.body);
  const payload = payloadOf(model, shape);
  if (payload && isRawPayload(payload.shape)) {
    if (body.length) out[payload.name] = rawPayload(payload.shape, body);
  } else if (body.length && body.toString('utf8').trim()) {
    const root = parseXml(body.toString('utf8'));
    if (payload) out[payload.name] = readXmlNode(model, payload.shape, root);
    else Object.assign(out, readXmlStructure(model, shape, root));
  }
  return out;
}

export const restXmlCodec: WireCodec = {
  route: (model, req) => routeRest(model, req, () => new AwsError('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405)),
  parseInput: parseRestXmlInput,
  serializeOutput(model, op, output, requestId, method) {
    const headers = requestIdHeaders('rest-xml', requestId);
    let status = op.http.responseCode ?? 200;
    let body: string | Buffer = '';
    if (op.output) {
      const outShape = answerView(model.shape(op.output.shape));
      status = writeHttpBoundMembers(model, outShape, output, headers) ?? status;
      const written = restXmlBody(model, outShape, output, outShape.locationName ?? `${op.name}Result`, model.metadata.xmlNamespace ?? S3_NAMESPACE);
      if (written) {
        body = written.body;
        if (written.contentType === 'application/xml') headers['content-type'] = 'application/xml';
      }
    }
    return { status, headers, body: method === 'HEAD' ? '' : body };
  },
  serializeError(model, err, status, requestId, method) {
    const headers = requestIdHeaders('rest-xml', requestId);
    // 304 Not Modified: no body and no content type; the error's fields are the ETag and
    // Last-Modified validators, sent as headers like S3 does.
    if (status === 304) {
      for (const [k, v] of Object.entries(err.fields ?? {})) headers[k.toLowerCase()] = v;
      return { status, headers, body: '' };
    }
    headers['content-type'] = 'application/xml';
    const extra = Object.entries(err.fields ?? {}).map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`).join('');
    const body = `${XML_DECLARATION}<Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${extra}${errorMemberElements(model, err, headers)}<RequestId>${requestId}</RequestId><HostId>${headers['x-amz-id-2']}</HostId></Error>`;
    return { status, headers, body: method === 'HEAD' ? '' : body };
  },
  serializeRequest(model, op, input): RequestParts {
    const shape = op.input ? model.shape(op.input.shape) : undefined;
    const { path, headers } = writeRequestBindings(model, op, shape, input);
    const written = shape ? restXmlBody(model, shape, input, op.input!.locationName ?? op.input!.shape, op.input!.xmlNamespace) : undefined;
    if (written) headers['Content-Type'] ??= written.contentType;
    return { method: op.http.method, path, headers, body: written ? Buffer.from(written.body) : Buffer.alloc(0) };
  },
  parseOutput: parseRestXmlOutput,
};

/** The error shape's body members as elements (its header members go to `headers`). */
function errorMemberElements(model: ServiceModel, err: AwsError, headers: Record<string, string>): string {
  const { shapeName, members } = errorMembers(model, err);
  if (!shapeName) return '';
  writeHttpBoundMembers(model, model.shape(shapeName), members, headers);
  return writeXmlMembers(model, model.shape(shapeName), members);
}
