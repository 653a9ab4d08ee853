// The IAM role a chat configuration (or a user identity) names: AWS Chatbot assumes it for every
// command run in the channel, so naming it is passing it. Every create and update that names a role
// authorizes iam:PassRole to chatbot.amazonaws.com, in the caller's account only.
import { AwsError } from '../../protocol/errors.js';
import { authorizePassRole, type RoleLookup } from '../../auth/pass-role.js';
import type { CallContext } from '../../core/service.js';
import { servicePrincipals } from '../../common/service-principals.js';

/**
 * Refuses a role the caller may not pass. The Chatbot model declares no access-denied shape; its
 * refusals are the AccessDeniedException (403) every AWS API answers, as for its own actions.
 */
export async function passConfigurationRole(ctx: CallContext, roles: RoleLookup, roleArn: string | undefined): Promise<void> {
  if (roleArn === undefined) return;
  await authorizePassRole(ctx, {
    roleArn, service: servicePrincipals.chatbot, lookupRole: roles,
    refuse: (message) => new AwsError('AccessDeniedException', message, 403),
  });
}
