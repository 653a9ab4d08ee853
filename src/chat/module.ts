// The chat feature: Slack events and button presses in, AWS calls made as AWS Chatbot makes them,
// answers out. Reads channel configurations and bot tokens through the `chatChannels` capability
// (the Chatbot module's), and offers `channelCommands`: a command run as a channel would run it.
import type { Module, ModuleDeps } from '../core/module.js';
import type { ChatDirectory, SlackPoster } from '../core/chat-directory.js';
import type { ChannelCommands } from '../core/capabilities.js';
import { WebApiSlackPoster } from './slack-poster.js';
import { CommandExecutor } from './executor.js';
import { Conversation } from './conversation.js';
import { SlackReceiver } from './slack-receiver.js';
import { ChatNotifier } from './notifier.js';
import { NotificationDrops } from './drops.js';
import { CHATBOT_SNS_ENDPOINT } from '../core/chat-directory.js';
import { isReadOnly } from '../records/record.js';
import { normalizeSlackText } from './command.js';
import { OrgPolicyGate } from './org-policy.js';
import { SlackApi } from '../slack/client.js';

/** The Chatbot module's channels, found on first use (modules are assembled in any order). */
function channelsOf(deps: Pick<ModuleDeps, 'chatChannels'>): ChatDirectory {
  const source = (): ChatDirectory => {
    const found = deps.chatChannels();
    if (!found) throw new Error('the chat module needs the Chatbot module\'s channels, and this server has none');
    return found;
  };
  return {
    channelConfiguration: (teamId, channelId) => source().channelConfiguration(teamId, channelId),
    channelConfigurations: (teamId, channelId) => source().channelConfigurations(teamId, channelId),
    channelConfigurationByArn: (arn) => source().channelConfigurationByArn(arn),
    workspace: (teamId) => source().workspace(teamId),
    userRoleArn: (configurationArn, slackUserId) => source().userRoleArn(configurationArn, slackUserId),
    markNeedsReauthorization: (teamId, slackError, failedToken) => source().markNeedsReauthorization(teamId, slackError, failedToken),
    notificationTargets: (topicArn) => source().notificationTargets(topicArn),
    customActions: (configurationArn) => source().customActions(configurationArn),
    beginUserRoleMapping: (choice) => source().beginUserRoleMapping(choice),
  };
}

/** Organizations' chat applications policies (the organizations module's), with Slack telling public from private channels. */
function orgPolicyGate(deps: ModuleDeps): OrgPolicyGate {
  const slack = new SlackApi({ apiUrl: deps.config.slack.apiUrl, logger: deps.logger });
  return new OrgPolicyGate({
    policies: () => deps.chatPolicies(), logger: deps.logger,
    channelIsPrivate: async (token, channelId) => (await slack.channelInfo(token, channelId)).isPrivate,
  });
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
  const directory = channelsOf(deps);
  const executor = new CommandExecutor({ client: deps.client, credentials: deps.credentials, authorizer: deps.authorizer, homeRegion: deps.config.region });
  const conversationDeps = {
    directory, poster, executor, services: deps.registry, documents: deps.stores.documents,
    clock: deps.clock, ids: deps.ids, logger: deps.logger,
    consoleUrl: () => deps.config.publicUrl ?? deps.baseUrl(),
    policies: { getRole: (a: string, n: string) => deps.identity.getRole(a, n), managedPolicy: (a: string, arn: string) => deps.authorizer.managedPolicy(a, arn) },
    orgPolicies: orgPolicyGate(deps),
  };
  const conversation = new Conversation(conversationDeps);
  const drops = new NotificationDrops({ documents: deps.stores.documents, clock: deps.clock, logger: deps.logger });
  const notifier = new ChatNotifier({ directory, poster, documents: deps.stores.documents, ids: deps.ids, logger: deps.logger, drops });
  // Messages SNS publishes to topics AWS Chatbot subscribed (see services/chatbot/topic-subscriptions.ts).
  // Registered now, so no message can ever be sent towards AWS's real endpoint instead.
  const registerEndpoint = () => deps.serviceEndpoints()?.register(CHATBOT_SNS_ENDPOINT, (n) => notifier.deliver(n));
  registerEndpoint();
  const receiver = new SlackReceiver({ signingSecret: deps.config.slack.signingSecret, conversation, clock: deps.clock, logger: deps.logger });
  const channelCommands: ChannelCommands = {
    async runForUser(run) {
      const config = await directory.channelConfigurationByArn(run.configurationArn);
      if (!config) return { ok: false, text: `No Slack channel configuration ${run.configurationArn}.` };
      const slackUserId = run.slackUserId ?? 'console';
      const roleArn = (await directory.userRoleArn(run.configurationArn, slackUserId)) ?? (config.userAuthorizationRequired ? undefined : config.iamRoleArn);
      if (!roleArn) return { ok: false, text: 'This configuration requires user authorization and the user has no linked role.' };
      // `run <alias>` runs the alias's command, filled, exactly as if it had been typed.
      const expanded = await conversation.expandRun(run.command, config);
      if (expanded && !expanded.ok) return { ok: false, text: expanded.message };
      const command = expanded ? expanded.command : run.command;
      const parsed = conversation.parse(command);
      // As in the channel, nothing that changes resources runs before the person asking says so.
      if (parsed.kind === 'call' && !isReadOnly(parsed.opName, parsed.service.recording) && !run.confirmed) {
        return { ok: false, confirmationRequired: true, text: confirmationText(command) };
      }
      // A conversation whose every call must also be allowed for the signed-in user.
      const asUser = new Conversation({ ...conversationDeps, executor: executor.actingFor(run.user) });
      const answer = await asUser.run(undefined, config, roleArn, parsed, config.channelId, undefined, slackUserId);
      return { ok: answer.ok, text: explainUserDenial(answer.text, run.user.principal.arn) };
    },
  };
  return {
    name: 'chat',
    channelCommands,
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
