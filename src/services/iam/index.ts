// IAM as a ServiceDefinition: handlers (handlers.ts and the files it gathers), recording rules
// (recording.ts), and the resource each action applies to for policy evaluation (resources.ts).
import { loadModel } from '../../protocol/model.js';
import type { ServiceDefinition } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import { iamHandlers } from './handlers.js';
import { iamRecording } from './recording.js';
import { iamResolver } from './resources.js';

export function iamService(deps: IamDeps): ServiceDefinition {
  return {
    model: loadModel('iam'),
    handlers: iamHandlers(deps),
    recording: iamRecording,
    resolveResources: iamResolver(deps.identity),
  };
}
