// A forwarded service is an ordinary ServiceDefinition whose every handler is the backend: the
// pipeline verifies the signature, validates by the model, authorizes with chattrail's policies and
// records the call exactly as for a native service, and only the handler's work happens elsewhere.
import { loadModel } from '../../protocol/model.js';
import { resolveOperation } from '../../protocol/codec.js';
import type { RoutingHead } from '../../core/registry.js';
import type { Handler, ServiceDefinition } from '../../core/service.js';
import type { CatalogEntry } from './catalog.js';
import type { Forwarder } from './backend.js';
import { recordingFor } from './recording.js';
import { resolverFor } from './resources.js';

export function forwardedService(entry: CatalogEntry, forwarder: Forwarder): ServiceDefinition {
  const model = loadModel(entry.name);
  const handlers: Record<string, Handler> = {};
  for (const opName of model.operations.keys()) {
    handlers[opName] = (input: Record<string, unknown>, ctx) => forwarder.call(entry, model, opName, input, { accountId: ctx.accountId, region: ctx.region });
  }
  const ec2 = entry.backendProtocol === 'ec2';
  return {
    model,
    handlers: Object.freeze(handlers),
    recording: recordingFor(entry),
    actionPrefix: entry.iamPrefix,
    resolveResources: resolverFor(entry, model, forwarder),
    // EC2 answers a denial as UnauthorizedOperation with its own sentence first; query-compatible
    // JSON services (SQS, CloudWatch) as AccessDenied, as their query API did.
    ...(ec2 ? { accessDeniedCode: 'UnauthorizedOperation', accessDeniedPrefix: 'You are not authorized to perform this operation. ', validationErrorCode: 'InvalidParameterValue' }
      : model.metadata.awsQueryCompatible ? { accessDeniedCode: 'AccessDenied' } : {}),
  };
}

/**
 * For REST services sharing a signing name with others (apigateway and apigatewayv2, es and
 * opensearch, ses and sesv2): whether the request's method and path name one of this service's
 * operations. Other protocols are told apart by their target header, or not at all here.
 */
export function routesRequest(entry: CatalogEntry): ((head: RoutingHead) => boolean) | undefined {
  if (entry.backendProtocol !== 'rest-json' && entry.backendProtocol !== 'rest-xml') return undefined;
  return (head) => {
    if (!head.method || head.rawPath === undefined) return false;
    try {
      const headers = Object.fromEntries(Object.entries(head.headers).filter((kv): kv is [string, string] => kv[1] !== undefined));
      resolveOperation(loadModel(entry.name), { method: head.method, rawPath: head.rawPath, query: head.query ?? new URLSearchParams(), headers, body: Buffer.alloc(0) }, undefined, entry.backendProtocol);
      return true;
    } catch {
      return false;
    }
  };
}
