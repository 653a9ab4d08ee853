// "Choose user role" (AWS Chatbot's console page a channel's link opens): the signed-in identity
// picks a role of its own account for a channel configuration. Reading the configuration and the
// role goes through the internal client as that identity (allowed by their policies, recorded);
// Slack's authorization page then says who they are in Slack, and only then is the role mapped.
import type { ModuleDeps } from '../core/module.js';
import type { Principal } from '../common/principal.js';
import { isAwsError } from '../protocol/errors.js';

export interface UserRoleAnswer {
  ok: boolean;
  /** Where to send the browser: Slack's authorization page. */
  authorizationUrl?: string;
  error?: { code: string; message: string };
  status?: number;
}

export interface UserRoleRequest {
  principal: Principal;
  configurationArn: string;
  roleArn: string;
  sourceIp: string;
  userAgent: string;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

export function userRoleStarter(deps: ModuleDeps): (r: UserRoleRequest) => Promise<UserRoleAnswer> {
  return async (r) => {
    const channels = deps.chatChannels();
    if (!channels || !deps.client.serves('chatbot')) return { ok: false, status: 501, error: { code: 'NotAvailable', message: 'The Chatbot API is not available on this server.' } };
    const via = { region: deps.config.region, via: { console: { sourceIp: r.sourceIp, userAgent: r.userAgent } } };
    const found = await deps.client.callAs(r.principal, 'chatbot', 'DescribeSlackChannelConfigurations', { ChatConfigurationArn: r.configurationArn }, via);
    if (!found.ok) return { ok: false, status: 400, error: { code: found.error.code, message: found.error.message } };
    if (!((found.output.SlackChannelConfigurations ?? []) as { ChatConfigurationArn: string }[]).some((c) => c.ChatConfigurationArn === r.configurationArn)) {
      return { ok: false, status: 404, error: { code: 'ResourceNotFoundException', message: `No channel configuration ${r.configurationArn} in account ${r.principal.accountId}.` } };
    }
    const role = ROLE_ARN.exec(r.roleArn);
    if (!role) return { ok: false, status: 400, error: { code: 'InvalidParameterException', message: `${r.roleArn} is not an IAM role ARN.` } };
    // The role must exist, and the chooser must be allowed to see it.
    const got = await deps.client.callAs(r.principal, 'iam', 'GetRole', { RoleName: role[2] }, via);
    if (!got.ok) return { ok: false, status: 400, error: { code: got.error.code, message: got.error.message } };
    try {
      const begun = await channels.beginUserRoleMapping({ principal: r.principal, region: deps.config.region, configurationArn: r.configurationArn, roleArn: r.roleArn });
      return { ok: true, authorizationUrl: begun.authorizationUrl };
    } catch (e) {
      if (isAwsError(e)) return { ok: false, status: 400, error: { code: e.code, message: e.message } };
      throw e;
    }
  };
}
