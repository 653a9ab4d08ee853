// The query protocol (STS, IAM, SNS): form-encoded `Action=...&Name.member.1=...` requests and
// `<OpResponse><OpResult>...</OpResult><ResponseMetadata/></OpResponse>` XML answers, both ways.
import type { Operation, ServiceModel } from './model.js';
import type { RawRequest, RawResponse } from './http.js';
import { AwsError } from './errors.js';
import { encodeForm, formOf, readFormValue, writeFormValue, type FormDialect } from './form.js';
import { childOf, escapeXml, parseXml, readXmlStructure, writeXmlMembers, type XmlNode } from './xml.js';
import { bodyBuffer, clientError, errorMembers, errorShapeOf, faultOf, requestIdHeaders, type ClientResponse, type RequestParts, type Route, type WireCodec } from './wire.js';

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

/** Server: the operation a form's `Action` names (query and ec2 alike). */
export function routeForm(model: ServiceModel, req: RawRequest): Route {
  const form = queryForm(req);
  const action = form.get('Action');
  if (!action) throw new AwsError('MissingAction', 'Could not find operation: the request has no Action parameter', 400);
  const op = model.operation(action);
  if (!op) throw new AwsError('InvalidAction', `Could not find operation ${action} for version ${model.metadata.apiVersion}`, 400);
  return { op, labels: {}, form };
}

/** Server: a routed form's parameters → input. */
export function parseFormInput(model: ServiceModel, route: Route, dialect: FormDialect): Record<string, unknown> {
  if (!route.op.input) return {};
  return readFormValue(model, model.shape(route.op.input.shape), formOf(route.form!, dialect), '') as Record<string, unknown>;
}

/** Client: `Action=Op&Version=...&...` posted to `/`. */
export function formRequest(model: ServiceModel, op: Operation, input: Record<string, unknown>, dialect: FormDialect): RequestParts {
  const pairs: [string, string][] = [['Action', op.name], ['Version', model.metadata.apiVersion]];
  if (op.input) writeFormValue(model, model.shape(op.input.shape), input, '', pairs, undefined, dialect);
  return { method: op.http?.method ?? 'POST', path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(encodeForm(pairs)) };
}

export function serializeQueryResponse(model: ServiceModel, opName: string, resultWrapper: string | undefined, outputShape: string | undefined, output: unknown, requestId: string): string {
  const ns = model.metadata.xmlNamespace ?? '';
  const members = outputShape && output ? writeXmlMembers(model, model.shape(outputShape), output as Record<string, unknown>) : '';
  const result = resultWrapper ? `<${resultWrapper}>${members}</${resultWrapper}>` : members;
  return `<${opName}Response xmlns="${ns}">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${opName}Response>`;
}

/** `<ErrorResponse><Error><Type/><Code/><Message/>members</Error><RequestId/></ErrorResponse>`. */
export function serializeQueryError(model: ServiceModel, code: string, message: string, senderFault: boolean, requestId: string, members = ''): string {
  const ns = model.metadata.xmlNamespace ?? '';
  return `<ErrorResponse xmlns="${ns}"><Error><Type>${senderFault ? 'Sender' : 'Receiver'}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${members}</Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

/** The error shape's members as XML elements inside `<Error>` (query and ec2). */
export function errorMemberXml(model: ServiceModel, err: AwsError): string {
  const { shapeName, members } = errorMembers(model, err);
  return shapeName ? writeXmlMembers(model, model.shape(shapeName), members) : '';
}

/** Client: the `<Error>` element of an error answer (query's ErrorResponse or ec2's Response/Errors), read into an AwsError. */
export function parseXmlError(model: ServiceModel, res: ClientResponse): AwsError {
  const text = bodyBuffer(res.body).toString('utf8');
  let root: XmlNode | undefined;
  try { root = text.trim() ? parseXml(text) : undefined; } catch { root = undefined; }
  const error = root && (root.name === 'Error' ? root : childOf(root, 'Error') ?? (childOf(root, 'Errors') && childOf(childOf(root, 'Errors')!, 'Error')));
  if (!error) return clientError(model, String(res.status), '', res.status, undefined);
  const code = childOf(error, 'Code')?.text ?? String(res.status);
  const message = childOf(error, 'Message')?.text ?? '';
  const shapeName = errorShapeOf(model, code);
  const members = shapeName ? readXmlStructure(model, model.shape(shapeName), error) : undefined;
  return clientError(model, code, message, res.status, members);
}

/** Client: a 2xx answer's result element (`<OpResult>`, or the root when there is none). */
function parseQueryOutput(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  if (res.status >= 300) throw parseXmlError(model, res);
  const text = bodyBuffer(res.body).toString('utf8');
  if (!op.output || !text.trim()) return {};
  const root = parseXml(text);
  const result = childOf(root, op.output.resultWrapper ?? `${op.name}Result`) ?? root;
  return readXmlStructure(model, model.shape(op.output.shape), result);
}

export const queryCodec: WireCodec = {
  route: routeForm,
  parseInput: (model, route) => parseFormInput(model, route, 'query'),
  serializeOutput(model, op, output, requestId) {
    const headers = requestIdHeaders('query', requestId);
    headers['content-type'] = 'text/xml';
    const wrapper = op.output ? op.output.resultWrapper ?? `${op.name}Result` : undefined;
    return { status: 200, headers, body: serializeQueryResponse(model, op.name, wrapper, op.output?.shape, output, requestId) };
  },
  serializeError(model, err, status, requestId): RawResponse {
    const headers = requestIdHeaders('query', requestId);
    headers['content-type'] = 'text/xml';
    return { status, headers, body: serializeQueryError(model, err.code, err.message, faultOf(status) === 'Sender', requestId, errorMemberXml(model, err)) };
  },
  serializeRequest: (model, op, input) => formRequest(model, op, input, 'query'),
  parseOutput: parseQueryOutput,
};
