// Lambda (rest-json, API 2015-03-31): functions per account and region with their zip packages,
// configuration, tags and account settings, plus the route that serves GetFunction's code URLs.
import { loadModel } from '../../protocol/model.js';
import type { Module, ModuleDeps } from '../../server/module.js';
import type { ServiceDefinition } from '../types.js';
import { CodeStore } from './code.js';
import { lambdaHandlers } from './handlers.js';
import { policyResourceOf } from './names.js';
import { lambdaRecording } from './recording.js';
import { FunctionStore } from './store.js';

/** Operations whose IAM resource is `*` (they act on no single function). */
const UNSCOPED = new Set(['ListFunctions', 'GetAccountSettings']);
/** Operations that name their function by ARN in `Resource`. */
const BY_RESOURCE = new Set(['TagResource', 'UntagResource', 'ListTags']);

export function lambdaModule(deps: ModuleDeps): Module {
  const code = new CodeStore(deps.stores.dataDir, deps.clock, deps.ids);
  const functions = new FunctionStore(deps.stores.documents, deps.box);
  const service: ServiceDefinition = {
    model: loadModel('lambda'),
    actionPrefix: 'lambda',
    handlers: lambdaHandlers({ functions, code, identity: deps.identity, authorizer: deps.authorizer, baseUrl: deps.baseUrl }),
    recording: lambdaRecording,
    // Invoking is one IAM action, lambda:InvokeFunction, whichever API was called.
    actionOf: (op) => `lambda:${op === 'Invoke' || op === 'InvokeWithResponseStream' ? 'InvokeFunction' : op}`,
    resourceOf: (op, input, ctx) => {
      if (UNSCOPED.has(op)) return '*';
      if (BY_RESOURCE.has(op)) return typeof input.Resource === 'string' ? input.Resource : '*';
      return policyResourceOf(input.FunctionName, ctx);
    },
  };
  return { name: 'lambda', services: [service], routes: [code.route()] };
}
