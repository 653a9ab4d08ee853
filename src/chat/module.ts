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
import type { OnBehalfOf } from '../server/pipeline.js';
import { isReadOnly } from '../trail/record.js';
import { normalizeSlackText } from './command.js';

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

/** A command the console's test panel runs as a channel would, for the signed-in user, without posting to Slack. */
export interface ChatTestRun {
  configurationArn: string;
  command: string;
  /** The signed-in user: the command has the channel's role and guardrails, and only what this user may do too. */
  user: OnBehalfOf;
  /** The user confirmed a command that changes resources (the channel's Run button). */
  confirmed: boolean;
  /** The Slack user whose linked role a user-authorization configuration uses. */
  slackUserId?: string;
}

export interface ChatTestOutcome {
  ok: boolean;
  text: string;
  /** The command changes resources and was not confirmed: nothing ran; ask, as the channel does. */
  confirmationRequired?: boolean;
}

export interface ChatTester {
  runTestCommand(run: ChatTestRun): Promise<ChatTestOutcome>;
}

const testers = new WeakMap<object, ChatTester>();

/** The server's chat tester (for the console), once the chat module is constructed. */
export function chatTesterFor(deps: Pick<ModuleDeps, 'stores'>): ChatTester | undefined {
  return testers.get(deps.stores.documents);
}

/** The channel's confirmation question, for the test panel. */
function confirmationText(command: string): string {
  const shown = normalizeSlackText(command).replace(/^@?aws\s+/i, '').replace(/`/g, "'");
  return `This command changes resources:\n\`${shown}\`\nRun it? It runs with the channel's IAM role and guardrails, and only as far as you are allowed yourself.`;
}

/** A refusal naming the signed-in user came from their own policies, not the channel's: say so. */
function explainUserDenial(text: string, userArn: string): string {
  if (!text.includes(`User: ${userArn} is not authorized`)) return text;
  return `${text.replace(/\n_[^\n]*_$/, '')}\n_You are not allowed this yourself: the test panel runs a channel's commands only as far as the signed-in user may go._`;
}

export function chatModule(deps: ModuleDeps, poster: SlackPoster = new WebApiSlackPoster(deps.config.slack.apiUrl, deps.logger)): Module {
  const store = chatbotStoreFor(deps);
  const directory = chatDirectory(store, deps.clock);
  const executor = new CommandExecutor({
    pipeline: deps.pipeline, registry: deps.registry, credentials: deps.credentials, authorizer: deps.authorizer,
    ids: deps.ids, homeRegion: deps.config.region,
  });
  const conversationDeps = {
    directory, poster, executor, services: deps.registry, documents: deps.stores.documents,
    clock: deps.clock, ids: deps.ids, logger: deps.logger,
  };
  const conversation = new Conversation(conversationDeps);
  const notifier = new ChatNotifier({ directory, poster, documents: deps.stores.documents, logger: deps.logger });
  // Messages SNS publishes to topics AWS Chatbot subscribed (see services/chatbot/topic-subscriptions.ts).
  // Registered now, so no message can ever be sent towards AWS's real endpoint instead.
  const registerEndpoint = () => deps.serviceEndpoints()?.register(CHATBOT_SNS_ENDPOINT, (n) => notifier.deliver(n));
  registerEndpoint();
  const receiver = new SlackReceiver({ signingSecret: deps.config.slack.signingSecret, conversation, clock: deps.clock, logger: deps.logger });
  testers.set(deps.stores.documents, {
    async runTestCommand(run) {
      const config = await directory.channelConfigurationByArn(run.configurationArn);
      if (!config) return { ok: false, text: `No Slack channel configuration ${run.configurationArn}.` };
      const slackUserId = run.slackUserId ?? 'console';
      const roleArn = config.userAuthorizationRequired ? await directory.userRoleArn(run.configurationArn, slackUserId) : config.iamRoleArn;
      if (!roleArn) return { ok: false, text: 'This configuration requires user authorization and the user has no linked role.' };
      const parsed = conversation.parse(run.command);
      // As in the channel, nothing that changes resources runs before the person asking says so.
      if (parsed.kind === 'call' && !isReadOnly(parsed.opName, parsed.service.recording) && !run.confirmed) {
        return { ok: false, confirmationRequired: true, text: confirmationText(run.command) };
      }
      // A conversation whose every call must also be allowed for the signed-in user.
      const asUser = new Conversation({ ...conversationDeps, executor: executor.actingFor(run.user) });
      const answer = await asUser.run(undefined, config, roleArn, parsed, config.channelId, undefined, slackUserId);
      return { ok: answer.ok, text: explainUserDenial(answer.text, run.user.principal.arn) };
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
