// STS as a ServiceDefinition: model, handlers, recording rules, and the resource each call is
// authorized on (AssumeRole: the role, whose stored ARN must be exactly the RoleArn asked for).
import { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { parseRoleArn, stsHandlers, type StsDeps } from './handlers.js';
import { stsRecording } from './recording.js';

/**
 * AssumeRole acts on the role the RoleArn names, owned by the account in it. The handler assumes a
 * role only when the RoleArn is exactly the stored role's ARN (path and case), so the ARN
 * authorized here is the stored one, or names no role at all.
 */
export const stsResolver: ResourceResolver = async (op, input, ctx) => {
  if (op === 'AssumeRole') {
    const arn = String(input.RoleArn ?? '');
    const target = parseRoleArn(arn);
    if (!target) throw new AwsError('ValidationError', `${arn} is invalid`);
    return [{ arn, accountId: target.accountId }];
  }
  // The federated user being created is the resource, as in AWS's own AccessDenied message.
  if (op === 'GetFederationToken') return [{ arn: `arn:aws:sts::${ctx.accountId}:federated-user/${String(input.Name ?? '')}`, accountId: ctx.accountId }];
  return UNSCOPED;
};

export function stsService(deps: StsDeps): ServiceDefinition {
  return {
    model: loadModel('sts'),
    handlers: stsHandlers(deps),
    recording: stsRecording,
    resolveResources: stsResolver,
  };
}
