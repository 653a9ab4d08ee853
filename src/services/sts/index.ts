// STS as a ServiceDefinition: model, handlers, recording rules, resources for authorization.
import { loadModel } from '../../protocol/model.js';
import type { ServiceDefinition } from '../types.js';
import { stsHandlers, type StsDeps } from './handlers.js';
import { stsRecording } from './recording.js';

export function stsService(deps: StsDeps): ServiceDefinition {
  return {
    model: loadModel('sts'),
    handlers: stsHandlers(deps),
    recording: stsRecording,
    resourceOf: (op, input) => (op === 'AssumeRole' ? String(input.RoleArn ?? '*') : '*'),
  };
}
