// The ec2 protocol: the query protocol's form requests with ec2's names (`Name.1=...`, capitalized
// keys, queryName) and answers without a result wrapper: `<OpResponse><requestId/>members</OpResponse>`,
// errors as `<Response><Errors><Error/></Errors><RequestID/></Response>`.
import type { Operation, ServiceModel } from './model.js';
import { escapeXml, parseXml, readXmlStructure, writeXmlMembers } from './xml.js';
import { errorMemberXml, formRequest, parseFormInput, parseXmlError, routeForm } from './query.js';
import { bodyBuffer, requestIdHeaders, type ClientResponse, type WireCodec } from './wire.js';

function parseEc2Output(model: ServiceModel, op: Operation, res: ClientResponse): Record<string, unknown> {
  if (res.status >= 300) throw parseXmlError(model, res);
  const text = bodyBuffer(res.body).toString('utf8');
  if (!op.output || !text.trim()) return {};
  return readXmlStructure(model, model.shape(op.output.shape), parseXml(text));
}

export const ec2Codec: WireCodec = {
  route: routeForm,
  parseInput: (model, route) => parseFormInput(model, route, 'ec2'),
  serializeOutput(model, op, output, requestId) {
    const headers = requestIdHeaders('ec2', requestId);
    headers['content-type'] = 'text/xml;charset=UTF-8';
    const ns = model.metadata.xmlNamespace ?? '';
    const members = op.output ? writeXmlMembers(model, model.shape(op.output.shape), output) : '';
    return { status: 200, headers, body: `<${op.name}Response xmlns="${ns}"><requestId>${requestId}</requestId>${members}</${op.name}Response>` };
  },
  serializeError(model, err, status, requestId) {
    const headers = requestIdHeaders('ec2', requestId);
    headers['content-type'] = 'text/xml;charset=UTF-8';
    const body = `<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message>${errorMemberXml(model, err)}</Error></Errors><RequestID>${requestId}</RequestID></Response>`;
    return { status, headers, body };
  },
  serializeRequest: (model, op, input) => formRequest(model, op, input, 'ec2'),
  parseOutput: parseEc2Output,
};
