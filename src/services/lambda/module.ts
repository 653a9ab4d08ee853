// Lambda (rest-json, API 2015-03-31): functions per account and region with their zip packages,
// configuration, tags and account settings, plus the route that serves GetFunction's code URLs.
import { loadModel } from '../../protocol/model.js';
import type { Module, ModuleDeps } from '../../core/module.js';
import { UNSCOPED, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { CodeStore } from './code.js';
import { lambdaHandlers } from './handlers.js';
import { functionArn, parseFunctionName } from './names.js';
import { invalidParameter, userError } from './errors.js';
import { lambdaRecording } from './recording.js';
import { FunctionStore } from './store.js';

/** Operations whose IAM resource is `*` (they act on no single function). */
const ACCOUNT_WIDE = new Set(['ListFunctions', 'GetAccountSettings']);
/** Operations that name their function by ARN in `Resource`. */
const BY_RESOURCE = new Set(['TagResource', 'UntagResource', 'ListTags']);

/**
 * The function a call names (by name, partial or full ARN), as the unqualified function ARN in the
 * account and region it names; only the aws partition exists, so an ARN of another one is refused
 * before a policy could be evaluated against it (the handlers would read it as this partition's).
 */
export function lambdaResolver(functions: FunctionStore): ResourceResolver {
  return async (op, input, ctx) => {
    if (ACCOUNT_WIDE.has(op)) return UNSCOPED;
    const text = BY_RESOURCE.has(op) ? input.Resource : input.FunctionName;
    // Both members are required wherever the model has them (validated before this runs): absent,
    // the operation names no function (layers, unserved ones). One naming another resource needs a case here.
    if (text === undefined) return UNSCOPED;
    const parts = typeof text === 'string' && !/^arn:(?!aws:)/.test(text) ? parseFunctionName(text) : undefined;
    if (!parts) {
      if (BY_RESOURCE.has(op)) throw userError('ResourceNotFoundException', 'The resource you requested does not exist.');
      throw invalidParameter(`Invalid function name: ${String(text)}`);
    }
    const region = parts.region ?? ctx.region;
    const accountId = parts.accountId ?? ctx.accountId;
    const fn = await functions.get(accountId, region, parts.name);
    return [{ arn: fn?.config.FunctionArn ?? functionArn(region, accountId, parts.name), accountId }];
  };
}

export function lambdaModule(deps: ModuleDeps): Module {
  const code = new CodeStore(deps.stores.dataDir, deps.clock, deps.ids);
  const functions = new FunctionStore(deps.stores.documents, deps.box);
  const service: ServiceDefinition = {
    model: loadModel('lambda'),
    actionPrefix: 'lambda',
    handlers: lambdaHandlers({ functions, code, identity: deps.identity, baseUrl: deps.baseUrl }),
    recording: lambdaRecording,
    // Invoking is one IAM action, lambda:InvokeFunction, whichever API was called.
    actionOf: (op) => `lambda:${op === 'Invoke' || op === 'InvokeWithResponseStream' ? 'InvokeFunction' : op}`,
    resolveResources: lambdaResolver(functions),
  };
  return { name: 'lambda', services: [service], routes: [code.route()] };
}
