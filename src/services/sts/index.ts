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
    resourceOf: (op, input, ctx) => {
      if (op === 'AssumeRole') return String(input.RoleArn ?? '*');
      // The federated user being created is the resource, as in AWS's own AccessDenied message.
      if (op === 'GetFederationToken') return `arn:aws:sts::${ctx.accountId}:federated-user/${String(input.Name ?? '')}`;
      return '*';
    },
  };
}
