// Chatbot's Slack resources: channel configurations, user identities and workspace authorizations.
// A configuration may only name a workspace its account has authorized, and a channel chattrail's
// bot can see in Slack (checked with conversations.info through the workspace's stored token).
// A configuration shows DISABLED while its workspace needs authorizing again (e.g. token revoked).
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import { DEFAULT_GUARDRAILS, MAX_CONFIGURATIONS } from './deps.js';
import type { SlackChannelConfiguration, SlackInstallation, SlackUserIdentity, Tag } from './records.js';
import { checkGuardrailArns, checkRoleArn, checkTopicArns, configurationArn, configurationName } from './arns.js';
import { pages, rowId } from './pagination.js';
import { slackFailure } from './slack-errors.js';
import { SlackCallError } from '../../slack/client.js';
import { slackUserIdentityId } from './store.js';
import { tagsForCreate } from './tags.js';
import { passConfigurationRole } from './roles.js';

export const SLACK_CONFIG_TYPE = 'AWS::Chatbot::SlackChannelConfiguration';

interface CreateInput {
  SlackTeamId: string; SlackChannelId: string; SlackChannelName?: string; SnsTopicArns?: string[]; IamRoleArn: string;
  ConfigurationName: string; LoggingLevel?: string; GuardrailPolicyArns?: string[]; UserAuthorizationRequired?: boolean; Tags?: Tag[];
}
type UpdateInput = Partial<Omit<CreateInput, 'SlackTeamId' | 'ConfigurationName' | 'Tags'>> & { ChatConfigurationArn: string; SlackChannelId: string };

/** Common checks of the members configurations of every kind share; returns the tags to store. */
export function checkConfigurationMembers(i: { IamRoleArn?: string; SnsTopicArns?: string[]; GuardrailPolicyArns?: string[]; Tags?: Tag[] }): Tag[] {
  if (i.IamRoleArn !== undefined) checkRoleArn(i.IamRoleArn);
  checkTopicArns(i.SnsTopicArns);
  checkGuardrailArns(i.GuardrailPolicyArns?.filter((a) => a !== ''));
  return tagsForCreate(i.Tags, 'InvalidParameterException');
}

/** The configuration as callers see it: DISABLED, saying why, while its workspace cannot be used. */
export function withWorkspaceState(cfg: SlackChannelConfiguration, inst: SlackInstallation | undefined): SlackChannelConfiguration {
  if (inst && !inst.needsReauthorization) return cfg;
  return {
    ...cfg, State: 'DISABLED',
    StateReason: inst?.reauthorizationReason ?? `chattrail is no longer installed in Slack workspace ${cfg.SlackTeamId}; authorize it again (GetSlackOAuthParameters).`,
  };
}

export function guardrailsOf(arns: string[] | undefined): string[] {
  const given = arns?.filter((a) => a !== '');
  return given && given.length ? given : [...DEFAULT_GUARDRAILS];
}

export function slackHandlers(deps: ChatbotDeps): Record<string, Handler> {
  const { store } = deps;

  async function requireWorkspace(ctx: CallContext, teamId: string) {
    const ws = await store.workspaces.get(ctx.accountId, teamId);
    if (!ws) {
      throw new AwsError('InvalidParameterException', `Slack workspace ${teamId} is not authorized for account ${ctx.accountId}. Authorize it first (GetSlackOAuthParameters, then RedeemSlackOAuthCode).`);
    }
    const inst = await store.installation(teamId);
    if (!inst || inst.needsReauthorization) {
      throw new AwsError('InvalidRequestException', inst?.reauthorizationReason ?? `chattrail is no longer installed in Slack workspace ${teamId}; authorize it again.`);
    }
    return ws;
  }

  /** The channel as Slack knows it, seen with the workspace's bot token. */
  async function slackChannel(opName: string, teamId: string, channelId: string) {
    try {
      return await store.withWorkspaceToken(teamId, (token) => store.slack.channelInfo(token, channelId));
    } catch (e) {
      if (e instanceof SlackCallError && e.slackError === 'channel_not_found') {
        throw new AwsError('InvalidParameterException', `Slack channel ${channelId} was not found in workspace ${teamId}, or it is private and chattrail's bot (@aws) has not been invited to it.`);
      }
      throw slackFailure(opName, e, teamId);
    }
  }

  async function channelTaken(accountId: string, teamId: string, channelId: string, except?: string) {
    const all = await store.slackConfigs.list(accountId);
    return all.find((r) => r.doc.SlackTeamId === teamId && r.doc.SlackChannelId === channelId && r.id !== except)?.doc;
  }

  async function findConfig(ctx: CallContext, arn: string): Promise<SlackChannelConfiguration> {
    const name = configurationName(arn, 'slack-channel', ctx.accountId);
    const cfg = name === undefined ? undefined : await store.slackConfigs.get(ctx.accountId, name);
    if (!cfg) throw new AwsError('ResourceNotFoundException', `No Slack channel configuration ${arn} exists in account ${ctx.accountId}.`);
    ctx.addResource(SLACK_CONFIG_TYPE, cfg.ChatConfigurationArn);
    return cfg;
  }

  return {
    async CreateSlackChannelConfiguration(i: CreateInput, ctx: CallContext) {
      const tags = checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const ws = await requireWorkspace(ctx, i.SlackTeamId);
      const arn = configurationArn(ctx.accountId, 'slack-channel', i.ConfigurationName);
      if (await store.slackConfigs.get(ctx.accountId, i.ConfigurationName)) {
        throw new AwsError('ConflictException', `A Slack channel configuration named ${i.ConfigurationName} already exists.`);
      }
      const taken = await channelTaken(ctx.accountId, i.SlackTeamId, i.SlackChannelId);
      if (taken) throw new AwsError('ConflictException', `Slack channel ${i.SlackChannelId} is already configured by ${taken.ChatConfigurationArn}.`);
      if ((await store.slackConfigs.list(ctx.accountId)).length >= MAX_CONFIGURATIONS) {
        throw new AwsError('LimitExceededException', `Account ${ctx.accountId} already has ${MAX_CONFIGURATIONS} Slack channel configurations.`);
      }
      const channel = await slackChannel('CreateSlackChannelConfiguration', i.SlackTeamId, i.SlackChannelId);
      const prefs = await store.accountPreferences(ctx.accountId);
      const cfg: SlackChannelConfiguration = {
        SlackTeamName: ws.SlackTeamName, SlackTeamId: i.SlackTeamId, SlackChannelId: i.SlackChannelId,
        SlackChannelName: i.SlackChannelName ?? channel.name, ChatConfigurationArn: arn, IamRoleArn: i.IamRoleArn,
        SnsTopicArns: i.SnsTopicArns ?? [], ConfigurationName: i.ConfigurationName, LoggingLevel: i.LoggingLevel ?? 'NONE',
        GuardrailPolicyArns: guardrailsOf(i.GuardrailPolicyArns),
        UserAuthorizationRequired: i.UserAuthorizationRequired ?? prefs.UserAuthorizationRequired,
        Tags: tags, State: 'ENABLED', AccountId: ctx.accountId, CreatedAt: ctx.clock.now(),
      };
      if (!(await store.slackConfigs.create(ctx.accountId, i.ConfigurationName, cfg))) {
        throw new AwsError('ConflictException', `A Slack channel configuration named ${i.ConfigurationName} already exists.`);
      }
      ctx.addResource(SLACK_CONFIG_TYPE, arn);
      await deps.subscribeTopics(ctx.accountId, cfg.SnsTopicArns);
      return { ChannelConfiguration: cfg };
    },

    async UpdateSlackChannelConfiguration(i: UpdateInput, ctx: CallContext) {
      checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      let channelName = i.SlackChannelName;
      if (i.SlackChannelId !== cfg.SlackChannelId) {
        await requireWorkspace(ctx, cfg.SlackTeamId);
        const taken = await channelTaken(ctx.accountId, cfg.SlackTeamId, i.SlackChannelId, cfg.ConfigurationName);
        if (taken) throw new AwsError('ConflictException', `Slack channel ${i.SlackChannelId} is already configured by ${taken.ChatConfigurationArn}.`);
        channelName ??= (await slackChannel('UpdateSlackChannelConfiguration', cfg.SlackTeamId, i.SlackChannelId)).name;
      }
      const next: SlackChannelConfiguration = {
        ...cfg, SlackChannelId: i.SlackChannelId, SlackChannelName: channelName ?? cfg.SlackChannelName,
        IamRoleArn: i.IamRoleArn ?? cfg.IamRoleArn, SnsTopicArns: i.SnsTopicArns ?? cfg.SnsTopicArns,
        LoggingLevel: i.LoggingLevel ?? cfg.LoggingLevel,
        GuardrailPolicyArns: i.GuardrailPolicyArns ? guardrailsOf(i.GuardrailPolicyArns) : cfg.GuardrailPolicyArns,
        UserAuthorizationRequired: i.UserAuthorizationRequired ?? cfg.UserAuthorizationRequired,
      };
      await store.slackConfigs.put(ctx.accountId, cfg.ConfigurationName, next);
      if (i.SnsTopicArns) await deps.subscribeTopics(ctx.accountId, i.SnsTopicArns);
      return { ChannelConfiguration: withWorkspaceState(next, await store.installation(next.SlackTeamId)) };
    },

    async DeleteSlackChannelConfiguration(i: { ChatConfigurationArn: string }, ctx: CallContext) {
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      await store.slackConfigs.delete(ctx.accountId, cfg.ConfigurationName);
      // Its user identities and custom action associations have nothing left to belong to.
      for (const r of await store.slackUsers.list(ctx.accountId, `${cfg.ConfigurationName}/`)) await store.slackUsers.delete(ctx.accountId, r.id);
      for (const r of await store.associations.list(ctx.accountId, `${cfg.ChatConfigurationArn}|`)) await store.associations.delete(ctx.accountId, r.id);
      return {};
    },

    async DescribeSlackChannelConfigurations(i: { ChatConfigurationArn?: string }, ctx: CallContext) {
      let rows = await store.slackConfigs.list(ctx.accountId);
      if (i.ChatConfigurationArn !== undefined) rows = rows.filter((r) => r.doc.ChatConfigurationArn === i.ChatConfigurationArn);
      const page = pages.list('DescribeSlackChannelConfigurations', i, ctx, rows, rowId);
      const installs = new Map<string, Promise<SlackInstallation | undefined>>();
      const installOf = (teamId: string) => installs.get(teamId) ?? installs.set(teamId, store.installation(teamId)).get(teamId)!;
      return page.output(await Promise.all(page.items.map(async ({ doc }) => withWorkspaceState(doc, await installOf(doc.SlackTeamId)))));
    },

    async DescribeSlackUserIdentities(i: { ChatConfigurationArn?: string }, ctx: CallContext) {
      let prefix: string | undefined;
      if (i.ChatConfigurationArn !== undefined) {
        const name = configurationName(i.ChatConfigurationArn, 'slack-channel', ctx.accountId);
        if (name === undefined) return { SlackUserIdentities: [] };
        prefix = `${name}/`;
      }
      const page = pages.list('DescribeSlackUserIdentities', i, ctx, await store.slackUsers.list(ctx.accountId, prefix), rowId, { parent: prefix });
      return page.output(page.items.map((r) => r.doc));
    },

    async DeleteSlackUserIdentity(i: { ChatConfigurationArn: string; SlackTeamId: string; SlackUserId: string }, ctx: CallContext) {
      const name = configurationName(i.ChatConfigurationArn, 'slack-channel', ctx.accountId);
      const id = name === undefined ? undefined : slackUserIdentityId(name, i.SlackUserId);
      const found: SlackUserIdentity | undefined = id === undefined ? undefined : await store.slackUsers.get(ctx.accountId, id);
      if (!found || found.SlackTeamId !== i.SlackTeamId) {
        throw new AwsError('ResourceNotFoundException', `Slack user ${i.SlackUserId} of workspace ${i.SlackTeamId} has no identity in ${i.ChatConfigurationArn}.`);
      }
      await store.slackUsers.delete(ctx.accountId, id!);
      ctx.addResource(SLACK_CONFIG_TYPE, i.ChatConfigurationArn);
      return {};
    },

    async DescribeSlackWorkspaces(i: object, ctx: CallContext) {
      const page = pages.list('DescribeSlackWorkspaces', i, ctx, await store.workspaces.list(ctx.accountId), rowId);
      const out = [];
      for (const { doc: ws } of page.items) {
        const inst = await store.installation(ws.SlackTeamId);
        const disabled = !inst || inst.needsReauthorization;
        out.push({
          SlackTeamId: ws.SlackTeamId, SlackTeamName: inst?.teamName ?? ws.SlackTeamName, State: disabled ? 'DISABLED' : 'ENABLED',
          StateReason: disabled ? inst?.reauthorizationReason ?? 'chattrail is not installed in this workspace; authorize it again.' : undefined,
        });
      }
      return page.output(out);
    },

    async DeleteSlackWorkspaceAuthorization(i: { SlackTeamId: string }, ctx: CallContext) {
      if (!(await store.workspaces.get(ctx.accountId, i.SlackTeamId))) {
        throw new AwsError('InvalidParameterException', `Slack workspace ${i.SlackTeamId} is not authorized for account ${ctx.accountId}.`);
      }
      const inUse = (await store.slackConfigs.list(ctx.accountId)).filter((r) => r.doc.SlackTeamId === i.SlackTeamId);
      if (inUse.length) {
        throw new AwsError('InvalidParameterException', `Slack workspace ${i.SlackTeamId} still has ${inUse.length} channel configuration(s) in this account (${inUse.map((r) => r.id).join(', ')}); delete them first.`);
      }
      await store.workspaces.delete(ctx.accountId, i.SlackTeamId);
      await store.dropInstallationIfUnused(i.SlackTeamId);
      return {};
    },
  };
}
