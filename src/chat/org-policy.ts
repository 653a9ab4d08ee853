// Organizations' chat applications policies (CHATBOT_POLICY) in the channel: before a command
// runs, the effective policy of the configuration's account must allow Slack, the workspace, the
// channel's type (public or private) and the configuration's role setting (a channel role, or
// each user's own role). A refusal names the policy that set the refusing setting, and is logged.
// Syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_chatbot_syntax.html
import type { ChannelConfig } from '../core/chat-directory.js';
import type { ChatPolicyLookup, ChatPolicyRef, EffectiveChatPolicy } from '../core/chat-policies.js';
import type { Logger } from '../common/runtime.js';

export type ChannelType = 'public' | 'private';

/** What the policy is checked against. */
export interface ChannelFacts {
  teamId: string;
  /** channel_role: the configuration's role; user_role: each user's own (UserAuthorizationRequired). */
  roleSetting: 'user_role' | 'channel_role';
  /** Asked only when the policy restricts channel types; undefined when Slack cannot tell. */
  channelType(): Promise<ChannelType | undefined>;
}

export interface PolicyRefusal {
  /** The setting that refused, as a path in the effective policy. */
  setting: string;
  policy?: ChatPolicyRef;
  why: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined);
const list = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

/** The first setting of the effective policy that refuses a Slack channel, if any. */
export async function slackRefusal(eff: EffectiveChatPolicy, facts: ChannelFacts): Promise<PolicyRefusal | undefined> {
  const chatbot = obj(eff.content.chatbot);
  const slack = obj(obj(chatbot?.platforms)?.slack);
  const refuse = (setting: string, why: string): PolicyRefusal => ({ setting, why, policy: eff.sources[setting] });
  // The platform's own client setting, else the policy's default for every chat application.
  const clientAt = slack?.client !== undefined ? 'chatbot/platforms/slack/client' : 'chatbot/default/client';
  const client = slack?.client ?? obj(chatbot?.default)?.client;
  if (client === 'disabled') return refuse(clientAt, 'Slack is not an allowed chat application in this organization');
  const workspaces = list(slack?.workspaces);
  if (workspaces && !workspaces.includes('*') && !workspaces.includes(facts.teamId)) {
    return refuse('chatbot/platforms/slack/workspaces', `the Slack workspace ${facts.teamId} is not one of the allowed workspaces`);
  }
  // A workspace's overrides replace the defaults, setting by setting.
  const override = obj(obj(slack?.overrides)?.[facts.teamId]);
  const settingAt = (name: string) => (override?.[name] !== undefined ? `chatbot/platforms/slack/overrides/${facts.teamId}/${name}` : `chatbot/platforms/slack/default/${name}`);
  const types = list(override?.supported_channel_types ?? obj(slack?.default)?.supported_channel_types);
  if (types) {
    const type = await facts.channelType();
    if (!type) return refuse(settingAt('supported_channel_types'), `only ${types.join(' and ')} channels are allowed, and Slack did not say whether this channel is public or private`);
    if (!types.includes(type)) return refuse(settingAt('supported_channel_types'), `${type} channels are not allowed (allowed: ${types.join(', ') || 'none'})`);
  }
  const roles = list(override?.supported_role_settings ?? obj(slack?.default)?.supported_role_settings);
  if (roles && !roles.includes(facts.roleSetting)) {
    const what = facts.roleSetting === 'user_role' ? 'user-level roles (each user\'s own IAM role)' : 'a channel-level role (one IAM role for the channel)';
    return refuse(settingAt('supported_role_settings'), `configurations using ${what} are not allowed (allowed: ${roles.join(', ') || 'none'})`);
  }
  return undefined;
}

/** What the channel is told. */
export function refusalText(r: PolicyRefusal): string {
  const named = r.policy ? `the chat applications policy *${r.policy.policyName}* (\`${r.policy.policyId}\`)` : 'a chat applications policy';
  return `This command was refused by ${named} of your AWS organization: ${r.why} (\`${r.setting.replace(/\//g, '.')}\`). Nothing was run. The organization's management account can change the policy (AWS Organizations, CHATBOT_POLICY).`;
}

export interface OrgPolicyGateDeps {
  /** The organizations module's capability; absent on a server without it. */
  policies(): ChatPolicyLookup | undefined;
  /** Whether a channel is private, by conversations.info with the workspace's bot token. */
  channelIsPrivate(token: string, channelId: string): Promise<boolean>;
  logger: Logger;
}

export class OrgPolicyGate {
  constructor(private readonly deps: OrgPolicyGateDeps) {}

  /**
   * The channel's answer when the organization's policy refuses the command; undefined to go on.
   * `roleArn` is the role it would run with: the member's own (a user role) or the channel's.
   */
  async refusal(config: ChannelConfig, token: string, slackUser: string, roleArn: string): Promise<string | undefined> {
    const eff = await this.deps.policies()?.effectiveChatPolicy(config.accountId);
    if (!eff) return undefined;
    const refused = await slackRefusal(eff, {
      teamId: config.teamId,
      roleSetting: config.userAuthorizationRequired || roleArn !== config.iamRoleArn ? 'user_role' : 'channel_role',
      channelType: async () => {
        try {
          return (await this.deps.channelIsPrivate(token, config.channelId)) ? 'private' : 'public';
        } catch (e) {
          this.deps.logger.warn('could not read the channel type for the organization policy', { channel: config.channelId, error: (e as Error).message });
          return undefined;
        }
      },
    });
    if (!refused) return undefined;
    // No API call was made, so no CloudTrail record exists: the log keeps it, as for the protection policy.
    if (config.loggingLevel !== 'NONE') {
      this.deps.logger.warn('chat command refused by an organization policy', {
        configuration: config.configurationArn, channel: config.channelId, slackUser, organization: eff.organizationId,
        policyId: refused.policy?.policyId, policyName: refused.policy?.policyName, setting: refused.setting,
      });
    }
    return refusalText(refused);
  }
}
