// AWS Chatbot's notification side: SNS hands over each message published to a topic that Chatbot
// is subscribed to; every Slack channel configuration (and Chime webhook) of the topic's account
// that lists the topic gets it, formatted as Chatbot formats it. Custom notifications carrying a
// metadata.threadId reply in the thread their first message started, across restarts.
import type { ServiceNotification } from '../server/module.js';
import type { DocumentStore } from '../storage/documents.js';
import type { Logger } from '../server/runtime.js';
import type { ChatDirectory, SlackPoster } from './directory.js';
import { formatNotification, type ChatNotification } from './notification-format.js';
import { slackAuthFailure } from './slack-poster.js';

/** The endpoint AWS Chatbot subscribes to topics, as `aws sns list-subscriptions-by-topic` shows it. */
export const CHATBOT_SNS_ENDPOINT = 'https://global.sns-api.chatbot.amazonaws.com';

const THREAD_KIND = 'chat-notification-thread';

interface ThreadDoc { channel: string; ts: string }

export interface NotifierDeps {
  directory: ChatDirectory;
  poster: SlackPoster;
  documents: DocumentStore;
  logger: Logger;
  /** Posts to Chime webhooks (injected for tests). */
  fetch?: typeof fetch;
}

export class ChatNotifier {
  constructor(private readonly deps: NotifierDeps) {}

  async deliver(n: ServiceNotification): Promise<void> {
    const formatted = formatNotification(n.message);
    if (!formatted.ok) {
      this.deps.logger.warn('AWS Chatbot does not deliver this SNS message', { topicArn: n.topicArn, messageId: n.messageId, reason: formatted.reason });
      return;
    }
    const targets = await this.deps.directory.notificationTargets(n.topicArn);
    await Promise.all([
      ...targets.slack.map((c) => this.toSlack(c, n, formatted.notification).catch(async (e: unknown) => {
        const code = slackAuthFailure(e);
        if (code) await this.deps.directory.markNeedsReauthorization(c.teamId, code);
        this.deps.logger.warn('notification not posted to Slack', { configuration: c.configurationArn, messageId: n.messageId, error: (e as Error).message });
      })),
      ...targets.chimeWebhookUrls.map((w) => this.toChime(w.url, formatted.notification).catch((e: unknown) => {
        this.deps.logger.warn('notification not posted to Chime', { configuration: w.configurationArn, messageId: n.messageId, error: (e as Error).message });
      })),
    ]);
  }

  private async toSlack(config: { accountId: string; configurationArn: string; configurationName: string; teamId: string; channelId: string }, n: ServiceNotification, msg: ChatNotification): Promise<void> {
    const ws = await this.deps.directory.workspace(config.teamId);
    if (!ws || ws.needsReauthorization) throw new Error(`Slack workspace ${config.teamId} needs to be authorized again`);
    const threadKey = msg.threadId && { kind: THREAD_KIND, accountId: config.accountId, region: 'global', id: `${config.configurationName}/${msg.threadId}` };
    const thread = threadKey ? await this.deps.documents.get<ThreadDoc>(threadKey) : undefined;
    const posted = await this.deps.poster.post(ws.botToken, { channel: config.channelId, text: msg.text, blocks: msg.blocks, thread_ts: thread?.ts });
    if (threadKey && !thread && posted.ts) await this.deps.documents.put<ThreadDoc>(threadKey, { channel: config.channelId, ts: posted.ts });
    this.deps.logger.debug('notification posted', { configuration: config.configurationArn, messageId: n.messageId });
  }

  private async toChime(url: string, msg: ChatNotification): Promise<void> {
    const res = await (this.deps.fetch ?? fetch)(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Content: msg.text }), signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Chime webhook answered ${res.status}`);
  }
}
