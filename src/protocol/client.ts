// The client side of every AWS protocol: an operation and its input → the HTTP request a client
// sends (to sign and fetch), and the answer → output, or the AwsError it carries. The same model
// code the server parses with, so chattrail can call AWS (or itself) in any protocol.
import crypto from 'node:crypto';
import type { Protocol, ServiceModel } from './model.js';
import { AwsError } from './errors.js';
import { codecFor } from './codec.js';
import type { ClientRequest, ClientResponse } from './wire.js';

export type { ClientRequest, ClientResponse } from './wire.js';

export interface ClientOptions {
  /** Where the service is: `https://sts.amazonaws.com`, or one with a path (`https://host/custom`). */
  endpoint: string;
  /** One of the model's protocols; its first by default. */
  protocol?: Protocol;
}

function operationOf(model: ServiceModel, opName: string) {
  const op = model.operation(opName);
  if (!op) throw new AwsError('InvalidAction', `${model.metadata.serviceId ?? model.name} has no operation ${opName}`);
  return op;
}

/** `foo.{label}.` with the input's hostLabel members filled in; a label must be a DNS-safe value. */
function hostPrefix(model: ServiceModel, template: string, inputShapeName: string | undefined, input: Record<string, unknown>): string {
  const members = inputShapeName ? model.shape(inputShapeName).members ?? {} : {};
  return template.replace(/\{([^}]+)\}/g, (_, label: string) => {
    const name = Object.keys(members).find((m) => members[m].hostLabel && m === label) ?? label;
    const v = String(input[name] ?? '');
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(v)) throw new AwsError('ValidationException', `Invalid value for host label ${label}: ${v}`);
    return v;
  });
}

/** The request a client sends for `opName` with `input` (values as handlers see them: Dates, Buffers). */
export function serializeRequest(model: ServiceModel, opName: string, input: Record<string, unknown>, opts: ClientOptions): ClientRequest {
  const op = operationOf(model, opName);
  const parts = codecFor(opts.protocol ?? model.metadata.protocol).serializeRequest(model, op, input);
  const url = new URL(opts.endpoint);
  if (op.endpoint?.hostPrefix) url.hostname = hostPrefix(model, op.endpoint.hostPrefix, op.input?.shape, input) + url.hostname;
  const base = url.pathname.replace(/\/$/, '');
  const headers = parts.headers;
  // S3's DeleteObjects and its configuration PUTs refuse a body without a checksum.
  if ((op.httpChecksumRequired || op.httpChecksum?.requestChecksumRequired) && !Object.keys(headers).some((h) => /^(content-md5|x-amz-checksum-)/i.test(h))) {
    headers['Content-MD5'] = crypto.createHash('md5').update(parts.body).digest('base64');
  }
  return { method: parts.method, url: `${url.protocol}//${url.host}${base}${parts.path}`, headers, body: parts.body };
}

/** The output an answer carries; throws the AwsError of an error answer (code, message, status, members). */
export function parseResponse(model: ServiceModel, opName: string, response: ClientResponse, protocol?: Protocol): Record<string, unknown> {
  const op = operationOf(model, opName);
  return codecFor(protocol ?? model.metadata.protocol).parseOutput(model, op, response);
}
