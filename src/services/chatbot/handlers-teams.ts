// Chatbot's Microsoft Teams resources: channel configurations, the teams they belong to, and
// user identities. chattrail does not talk to Microsoft Teams; it keeps these resources exactly as
// the API defines them. A team becomes "configured" with its first channel configuration; like a
// Slack channel, a Teams channel has at most one configuration per account.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import { MAX_CONFIGURATIONS } from './deps.js';
import type { Tag, TeamsChannelConfiguration } from './records.js';
import { configurationArn, configurationName } from './arns.js';
import { pages, rowId } from './pagination.js';
import { checkConfigurationMembers, guardrailsOf } from './handlers-slack.js';
import { passConfigurationRole } from './roles.js';

export const TEAMS_CONFIG_TYPE = 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration';

interface CreateInput {
  ChannelId: string; ChannelName?: string; TeamId: string; TeamName?: string; TenantId: string; SnsTopicArns?: string[];
  IamRoleArn: string; ConfigurationName: string; LoggingLevel?: string; GuardrailPolicyArns?: string[];
  UserAuthorizationRequired?: boolean; Tags?: Tag[];
}
type UpdateInput = Partial<Pick<CreateInput, 'ChannelName' | 'SnsTopicArns' | 'IamRoleArn' | 'LoggingLevel' | 'GuardrailPolicyArns' | 'UserAuthorizationRequired'>> & {
  ChatConfigurationArn: string; ChannelId: string;
};

export function teamsHandlers(deps: ChatbotDeps): Record<string, Handler> {
  const { store } = deps;

  async function channelTaken(accountId: string, teamId: string, channelId: string, except?: string) {
    const all = await store.teamsConfigs.list(accountId);
    return all.find((r) => r.doc.TeamId === teamId && r.doc.ChannelId === channelId && r.id !== except)?.doc;
  }

  async function findConfig(ctx: CallContext, arn: string): Promise<TeamsChannelConfiguration> {
    const name = configurationName(arn, 'microsoft-teams-channel', ctx.accountId);
    const cfg = name === undefined ? undefined : await store.teamsConfigs.get(ctx.accountId, name);
    if (!cfg) throw new AwsError('ResourceNotFoundException', `No Microsoft Teams channel configuration ${arn} exists in account ${ctx.accountId}.`);
    ctx.addResource(TEAMS_CONFIG_TYPE, cfg.ChatConfigurationArn);
    return cfg;
  }

  return {
    async CreateMicrosoftTeamsChannelConfiguration(i: CreateInput, ctx: CallContext) {
      const tags = checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const all = await store.teamsConfigs.list(ctx.accountId);
      if (all.some((r) => r.id === i.ConfigurationName)) {
        throw new AwsError('ConflictException', `A Microsoft Teams channel configuration named ${i.ConfigurationName} already exists.`);
      }
      const taken = await channelTaken(ctx.accountId, i.TeamId, i.ChannelId);
      if (taken) throw new AwsError('ConflictException', `Microsoft Teams channel ${i.ChannelId} is already configured by ${taken.ChatConfigurationArn}.`);
      if (all.length >= MAX_CONFIGURATIONS) throw new AwsError('LimitExceededException', `Account ${ctx.accountId} already has ${MAX_CONFIGURATIONS} Microsoft Teams channel configurations.`);
      const team = await store.teams.get(ctx.accountId, i.TeamId);
      if (team && team.TenantId !== i.TenantId) {
        throw new AwsError('InvalidParameterException', `Team ${i.TeamId} is configured with tenant ${team.TenantId}, not ${i.TenantId}.`);
      }
      const arn = configurationArn(ctx.accountId, 'microsoft-teams-channel', i.ConfigurationName);
      const prefs = await store.accountPreferences(ctx.accountId);
      const cfg: TeamsChannelConfiguration = {
        ChannelId: i.ChannelId, ChannelName: i.ChannelName, TeamId: i.TeamId, TeamName: i.TeamName ?? team?.TeamName, TenantId: i.TenantId,
        ChatConfigurationArn: arn, IamRoleArn: i.IamRoleArn, SnsTopicArns: i.SnsTopicArns ?? [], ConfigurationName: i.ConfigurationName,
        LoggingLevel: i.LoggingLevel ?? 'NONE', GuardrailPolicyArns: guardrailsOf(i.GuardrailPolicyArns),
        UserAuthorizationRequired: i.UserAuthorizationRequired ?? prefs.UserAuthorizationRequired,
        Tags: tags, State: 'ENABLED', AccountId: ctx.accountId, CreatedAt: ctx.clock.now(),
      };
      if (!(await store.teamsConfigs.create(ctx.accountId, i.ConfigurationName, cfg))) {
        throw new AwsError('ConflictException', `A Microsoft Teams channel configuration named ${i.ConfigurationName} already exists.`);
      }
      if (!team) await store.teams.put(ctx.accountId, i.TeamId, { TenantId: i.TenantId, TeamId: i.TeamId, TeamName: i.TeamName, State: 'ENABLED' });
      ctx.addResource(TEAMS_CONFIG_TYPE, arn);
      await deps.subscribeTopics(ctx.accountId, cfg.SnsTopicArns);
      return { ChannelConfiguration: cfg };
    },

    async GetMicrosoftTeamsChannelConfiguration(i: { ChatConfigurationArn: string }, ctx: CallContext) {
      return { ChannelConfiguration: await findConfig(ctx, i.ChatConfigurationArn) };
    },

    async UpdateMicrosoftTeamsChannelConfiguration(i: UpdateInput, ctx: CallContext) {
      checkConfigurationMembers(i);
      await passConfigurationRole(ctx, deps.roles, i.IamRoleArn);
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      const taken = i.ChannelId !== cfg.ChannelId ? await channelTaken(ctx.accountId, cfg.TeamId, i.ChannelId, cfg.ConfigurationName) : undefined;
      if (taken) throw new AwsError('ConflictException', `Microsoft Teams channel ${i.ChannelId} is already configured by ${taken.ChatConfigurationArn}.`);
      const next: TeamsChannelConfiguration = {
        ...cfg, ChannelId: i.ChannelId, ChannelName: i.ChannelName ?? (i.ChannelId === cfg.ChannelId ? cfg.ChannelName : undefined),
        IamRoleArn: i.IamRoleArn ?? cfg.IamRoleArn, SnsTopicArns: i.SnsTopicArns ?? cfg.SnsTopicArns, LoggingLevel: i.LoggingLevel ?? cfg.LoggingLevel,
        GuardrailPolicyArns: i.GuardrailPolicyArns ? guardrailsOf(i.GuardrailPolicyArns) : cfg.GuardrailPolicyArns,
        UserAuthorizationRequired: i.UserAuthorizationRequired ?? cfg.UserAuthorizationRequired,
      };
      await store.teamsConfigs.put(ctx.accountId, cfg.ConfigurationName, next);
      if (i.SnsTopicArns) await deps.subscribeTopics(ctx.accountId, i.SnsTopicArns);
      return { ChannelConfiguration: next };
    },

    async DeleteMicrosoftTeamsChannelConfiguration(i: { ChatConfigurationArn: string }, ctx: CallContext) {
      const cfg = await findConfig(ctx, i.ChatConfigurationArn);
      await store.teamsConfigs.delete(ctx.accountId, cfg.ConfigurationName);
      for (const r of await store.teamsUsers.list(ctx.accountId, `${cfg.ConfigurationName}/`)) await store.teamsUsers.delete(ctx.accountId, r.id);
      for (const r of await store.associations.list(ctx.accountId, `${cfg.ChatConfigurationArn}|`)) await store.associations.delete(ctx.accountId, r.id);
      return {};
    },

    async ListMicrosoftTeamsChannelConfigurations(i: { TeamId?: string }, ctx: CallContext) {
      let rows = await store.teamsConfigs.list(ctx.accountId);
      if (i.TeamId !== undefined) rows = rows.filter((r) => r.doc.TeamId === i.TeamId);
      const page = pages.list('ListMicrosoftTeamsChannelConfigurations', i, ctx, rows, rowId, { parent: i.TeamId });
      return page.output(page.items.map((r) => r.doc));
    },

    async ListMicrosoftTeamsConfiguredTeams(i: object, ctx: CallContext) {
      const page = pages.list('ListMicrosoftTeamsConfiguredTeams', i, ctx, await store.teams.list(ctx.accountId), rowId);
      return page.output(page.items.map((r) => r.doc));
    },

    async DeleteMicrosoftTeamsConfiguredTeam(i: { TeamId: string }, ctx: CallContext) {
      if (!(await store.teams.get(ctx.accountId, i.TeamId))) {
        throw new AwsError('InvalidParameterException', `Microsoft Teams team ${i.TeamId} is not configured in account ${ctx.accountId}.`);
      }
      const inUse = (await store.teamsConfigs.list(ctx.accountId)).filter((r) => r.doc.TeamId === i.TeamId);
      if (inUse.length) {
        throw new AwsError('InvalidParameterException', `Team ${i.TeamId} still has ${inUse.length} channel configuration(s) (${inUse.map((r) => r.id).join(', ')}); delete them first.`);
      }
      await store.teams.delete(ctx.accountId, i.TeamId);
      return {};
    },

    async ListMicrosoftTeamsUserIdentities(i: { ChatConfigurationArn?: string }, ctx: CallContext) {
      let prefix: string | undefined;
      if (i.ChatConfigurationArn !== undefined) {
        const name = configurationName(i.ChatConfigurationArn, 'microsoft-teams-channel', ctx.accountId);
        if (name === undefined) return { TeamsUserIdentities: [] };
        prefix = `${name}/`;
      }
      const page = pages.list('ListMicrosoftTeamsUserIdentities', i, ctx, await store.teamsUsers.list(ctx.accountId, prefix), rowId, { parent: prefix });
      return page.output(page.items.map((r) => r.doc));
    },

    async DeleteMicrosoftTeamsUserIdentity(i: { ChatConfigurationArn: string; UserId: string }, ctx: CallContext) {
      const name = configurationName(i.ChatConfigurationArn, 'microsoft-teams-channel', ctx.accountId);
      const id = `${name}/${i.UserId}`;
      if (name === undefined || !(await store.teamsUsers.delete(ctx.accountId, id))) {
        throw new AwsError('ResourceNotFoundException', `Microsoft Teams user ${i.UserId} has no identity in ${i.ChatConfigurationArn}.`);
      }
      ctx.addResource(TEAMS_CONFIG_TYPE, i.ChatConfigurationArn);
      return {};
    },
  };
}
