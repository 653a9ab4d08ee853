// The chat feature: Slack events and button presses in, AWS calls made as AWS Chatbot makes them,
// answers out. Reads channel configurations and bot tokens through the Chatbot service's store.
import type { Module, ModuleDeps } from '../server/module.js';
import type { ChatbotStore } from '../services/chatbot/store.js';
import { chatbotStoreFor } from '../services/chatbot/module.js';
import type { ChannelConfig, ChatDirectory, SlackPoster } from './directory.js';
import { WebApiSlackPoster } from './slack-poster.js';
import { CommandExecutor } from './executor.js';
import { Conversation } from './conversation.js';
import { SlackReceiver } from './slack-receiver.js';
import { ChatNotifier, CHATBOT_SNS_ENDPOINT } from './notifier.js';
import type { SlackChannelConfiguration } from '../services/chatbot/records.js';

function toChannelConfig(c: SlackChannelConfiguration): ChannelConfig {
  const level = c.LoggingLevel === 'INFO' || c.LoggingLevel === 'NONE' ? c.LoggingLevel : 'ERROR';
  return {
    accountId: c.ChatConfigurationArn.split(':')[4], configurationArn: c.ChatConfigurationArn, configurationName: c.ConfigurationName,
    teamId: c.SlackTeamId, channelId: c.SlackChannelId, iamRoleArn: c.IamRoleArn, guardrailPolicyArns: c.GuardrailPolicyArns ?? [],
    userAuthorizationRequired: c.UserAuthorizationRequired, loggingLevel: level,
  };
}

/** How long a channel's configuration is reused before it is read again (changes apply within it). */
const CONFIG_CACHE_MS = 1000;

export function chatDirectory(store: ChatbotStore, clock: { now(): Date }): ChatDirectory {
  const cache = new Map<string, { at: number; config: ChannelConfig | undefined }>();
  const workspaces = new Map<string, { at: number; workspace: Awaited<ReturnType<ChatDirectory['workspace']>> }>();
  return {
    async channelConfiguration(teamId, channelId) {
      const key = `${teamId}/${channelId}`;
      const now = clock.now().getTime();
      const hit = cache.get(key);
      if (hit && now - hit.at < CONFIG_CACHE_MS) return hit.config;
      const c = await store.findSlackChannelConfiguration(teamId, channelId);
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { at: now, config: c && toChannelConfig(c) });
      return c && toChannelConfig(c);
    },
    async channelConfigurationByArn(arn) {
      const c = await store.getSlackChannelConfiguration(arn);
      return c && toChannelConfig(c);
    },
    // Reading a workspace unseals its bot token: reused for the same second as configurations.
    async workspace(teamId) {
      const now = clock.now().getTime();
      const hit = workspaces.get(teamId);
      if (hit && now - hit.at < CONFIG_CACHE_MS) return hit.workspace;
      const w = await store.getWorkspace(teamId);
      const workspace = w && { teamId: w.teamId, teamName: w.teamName, botToken: w.botToken, botUserId: w.botUserId, needsReauthorization: w.needsReauthorization };
      if (workspaces.size > 10_000) workspaces.clear();
      workspaces.set(teamId, { at: now, workspace });
      return workspace;
    },
    async userRoleArn(configurationArn, slackUserId) {
      return (await store.getSlackUserIdentity(configurationArn, slackUserId))?.IamRoleArn;
    },
    async markNeedsReauthorization(teamId, slackError, failedToken) {
      await store.markNeedsReauthorization(teamId, slackError, failedToken);
      workspaces.delete(teamId);
    },
    async notificationTargets(topicArn) {
      const accountId = topicArn.split(':')[4] ?? '';
      const lists = (c: { SnsTopicArns?: string[]; State?: string }) => c.State !== 'DISABLED' && (c.SnsTopicArns ?? []).includes(topicArn);
      const slack = (await store.slackConfigs.list(accountId)).map((r) => r.doc).filter(lists).map(toChannelConfig);
      const chimeWebhookUrls = (await store.chimeConfigs.list(accountId)).map((r) => r.doc).filter(lists)
        .map((c) => ({ configurationArn: c.ChatConfigurationArn, url: store.box.open(c.SealedWebhookUrl) }));
      return { slack, chimeWebhookUrls };
    },
  };
}

/** The console's test panel runs a command as the channel would, without posting to Slack. */
export interface ChatTester {
  runTestCommand(configurationArn: string, command: string, slackUserId?: string): Promise<{ ok: boolean; text: string }>;
}

const testers = new WeakMap<object, ChatTester>();

/** The server's chat tester (for the console), once the chat module is constructed. */
export function chatTesterFor(deps: Pick<ModuleDeps, 'stores'>): ChatTester | undefined {
  return testers.get(deps.stores.documents);
}

export function chatModule(deps: ModuleDeps, poster: SlackPoster = new WebApiSlackPoster(deps.config.slack.apiUrl, deps.logger)): Module {
  const store = chatbotStoreFor(deps);
  const directory = chatDirectory(store, deps.clock);
  const executor = new CommandExecutor({
    pipeline: deps.pipeline, registry: deps.registry, credentials: deps.credentials, authorizer: deps.authorizer,
    ids: deps.ids, homeRegion: deps.config.region,
  });
  const conversation = new Conversation({
    directory, poster, executor, services: deps.registry, documents: deps.stores.documents,
    clock: deps.clock, ids: deps.ids, logger: deps.logger,
  });
  const notifier = new ChatNotifier({ directory, poster, documents: deps.stores.documents, logger: deps.logger });
  // Messages SNS publishes to topics AWS Chatbot subscribed (see services/chatbot/topic-subscriptions.ts).
  // Registered now, so no message can ever be sent towards AWS's real endpoint instead.
  const registerEndpoint = () => deps.serviceEndpoints()?.register(CHATBOT_SNS_ENDPOINT, (n) => notifier.deliver(n));
  registerEndpoint();
  const receiver = new SlackReceiver({ signingSecret: deps.config.slack.signingSecret, conversation, clock: deps.clock, logger: deps.logger });
  testers.set(deps.stores.documents, {
    async runTestCommand(configurationArn, command, slackUserId = 'console') {
      const config = await directory.channelConfigurationByArn(configurationArn);
      if (!config) return { ok: false, text: `No Slack channel configuration ${configurationArn}.` };
      const roleArn = config.userAuthorizationRequired ? await directory.userRoleArn(configurationArn, slackUserId) : config.iamRoleArn;
      if (!roleArn) return { ok: false, text: 'This configuration requires user authorization and the user has no linked role.' };
      return conversation.run(undefined, config, roleArn, conversation.parse(command), config.channelId, undefined, slackUserId);
    },
  });
  return {
    name: 'chat',
    routes: [
      { prefix: '/slack/events', handle: (req) => receiver.events(req) },
      { prefix: '/slack/interactivity', handle: (req) => receiver.interactivity(req) },
    ],
    async start() {
      // SNS is normally constructed first and registration happened above; a different module
      // order still registers here, before requests are served.
      registerEndpoint();
    },
    stop: () => receiver.drain(),
  };
}
