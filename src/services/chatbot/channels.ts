// AWS Chatbot's channels as the chat side reads them (the `chatChannels` capability): a Slack
// channel's configuration, a workspace's bot token, a user's linked role, where a topic's
// notifications go. Configurations and workspaces are cached until their documents change: the
// store publishes every write, so a deleted or changed configuration governs the very next command.
import type { ChannelConfig, ChannelCustomAction, ChatDirectory } from '../../core/chat-directory.js';
import type { ChangeFeed } from '../../storage/changes.js';
import type { CustomAction, SlackChannelConfiguration } from './records.js';
import { parseChatbotArn } from './arns.js';
import type { ChatbotStore } from './store.js';
import type { UserRoleMapping } from './user-roles.js';

function toChannelConfig(c: SlackChannelConfiguration): ChannelConfig {
  const level = c.LoggingLevel === 'INFO' || c.LoggingLevel === 'NONE' ? c.LoggingLevel : 'ERROR';
  return {
    accountId: c.ChatConfigurationArn.split(':')[4], configurationArn: c.ChatConfigurationArn, configurationName: c.ConfigurationName,
    teamId: c.SlackTeamId, channelId: c.SlackChannelId, iamRoleArn: c.IamRoleArn, guardrailPolicyArns: c.GuardrailPolicyArns ?? [],
    userAuthorizationRequired: c.UserAuthorizationRequired, loggingLevel: level,
  };
}

function toChannelCustomAction(a: CustomAction): ChannelCustomAction {
  return {
    arn: a.CustomActionArn, actionName: a.ActionName, aliasName: a.AliasName, commandText: a.Definition.CommandText,
    attachments: (a.Attachments ?? []).map((t) => ({
      notificationType: t.NotificationType, buttonText: t.ButtonText, variables: t.Variables ?? {},
      criteria: (t.Criteria ?? []).map((c) => ({ operator: c.Operator === 'EQUALS' ? 'EQUALS' : 'HAS_VALUE', variableName: c.VariableName, value: c.Value })),
    })),
  };
}

export function chatbotChannels(store: ChatbotStore, changes: ChangeFeed, userRoles: UserRoleMapping): ChatDirectory {
  // Oldest first: the first is the channel's default account (store.findSlackChannelConfigurations).
  const cache = new Map<string, ChannelConfig[]>();
  const workspaces = new Map<string, Awaited<ReturnType<ChatDirectory['workspace']>> | null>();
  // Bumped by every change, so a read that raced one is not cached.
  let generation = 0;
  changes.onChange(store.slackConfigs.kind, () => { generation++; cache.clear(); });
  changes.onChange([store.installations.kind, store.workspaces.kind], () => { generation++; workspaces.clear(); });
  const directory: ChatDirectory = {
    // Found by listing every account's configurations: worth caching, as every message asks.
    async channelConfiguration(teamId, channelId) {
      return (await directory.channelConfigurations(teamId, channelId))[0];
    },
    async channelConfigurations(teamId, channelId) {
      const key = `${teamId}/${channelId}`;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const seen = generation;
      const configs = (await store.findSlackChannelConfigurations(teamId, channelId)).map(toChannelConfig);
      if (seen !== generation) return configs;
      if (cache.size > 10_000) cache.clear();
      cache.set(key, configs);
      return configs;
    },
    async channelConfigurationByArn(arn) {
      const c = await store.getSlackChannelConfiguration(arn);
      return c && toChannelConfig(c);
    },
    // Reading a workspace unseals its bot token: worth caching too.
    async workspace(teamId) {
      const hit = workspaces.get(teamId);
      if (hit !== undefined) return hit ?? undefined;
      const seen = generation;
      const w = await store.getWorkspace(teamId);
      const workspace = w && { teamId: w.teamId, teamName: w.teamName, botToken: w.botToken, botUserId: w.botUserId, needsReauthorization: w.needsReauthorization };
      if (seen !== generation) return workspace;
      if (workspaces.size > 10_000) workspaces.clear();
      workspaces.set(teamId, workspace ?? null);
      return workspace;
    },
    async userRoleArn(configurationArn, slackUserId) {
      return (await store.getSlackUserIdentity(configurationArn, slackUserId))?.IamRoleArn;
    },
    async markNeedsReauthorization(teamId, slackError, failedToken) {
      await store.markNeedsReauthorization(teamId, slackError, failedToken);
    },
    async notificationTargets(topicArn) {
      const accountId = topicArn.split(':')[4] ?? '';
      const lists = (c: { SnsTopicArns?: string[]; State?: string }) => c.State !== 'DISABLED' && (c.SnsTopicArns ?? []).includes(topicArn);
      const slack = (await store.slackConfigs.list(accountId)).map((r) => r.doc).filter(lists).map(toChannelConfig);
      const chimeWebhookUrls = (await store.chimeConfigs.list(accountId)).map((r) => r.doc).filter(lists)
        .map((c) => ({ configurationArn: c.ChatConfigurationArn, url: store.box.open(c.SealedWebhookUrl) }));
      return { slack, chimeWebhookUrls };
    },
    beginUserRoleMapping: (choice) => userRoles.begin(choice),
    // Associations are stored per account as `<configuration ARN>|<resource ARN>`.
    async customActions(configurationArn) {
      const accountId = parseChatbotArn(configurationArn)?.accountId;
      if (!accountId) return [];
      const out: ChannelCustomAction[] = [];
      for (const { doc } of await store.associations.list(accountId, `${configurationArn}|`)) {
        const r = parseChatbotArn(doc.Resource);
        const action = r?.kind === 'custom-action' && r.accountId === accountId ? await store.customActions.get(accountId, r.name) : undefined;
        if (action) out.push(toChannelCustomAction(action));
      }
      return out;
    },
  };
  return directory;
}
