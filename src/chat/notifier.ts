// AWS Chatbot's notification side: SNS hands over each message published to a topic that Chatbot
// is subscribed to; every Slack channel configuration (and Chime webhook) of the topic's account
// that lists the topic gets it, formatted as Chatbot formats it. Custom notifications carrying a
// metadata.threadId reply in the thread their first message started, across restarts.
import crypto from 'node:crypto';
import type { ServiceNotification } from '../core/module.js';
import type { DocumentKey, DocumentStore } from '../storage/documents.js';
import type { Ids, Logger } from '../common/runtime.js';
import type { ChannelConfig, ChatDirectory, SlackPoster } from '../core/chat-directory.js';
import { formatNotification, type ChatNotification } from './notification-format.js';
import { slackAuthFailure } from './slack-poster.js';
import { buttonsBlock, matchingButtons } from './action-buttons.js';
import { reasonOf, type DropReason, type NotificationDrops } from './drops.js';
import { channelPreferences } from './preferences.js';

const THREAD_KIND = 'chat-notification-thread';
/** A custom action button on a posted notification: what its click runs (conversation.ts reads it). */
export const BUTTON_KIND = 'chat-action-button';

export interface ActionButtonDoc {
  teamId: string;
  channel: string;
  configurationArn: string;
  customActionArn: string;
  buttonText: string;
  /** The variables of the command, as the notification filled them. */
  variables: Record<string, string>;
}
/** Notifications being formatted and posted at once; more wait their turn (a Publish flood stays bounded). */
const MAX_CONCURRENT = 16;

interface ThreadDoc { channel: string; ts: string }

export interface NotifierDeps {
  directory: ChatDirectory;
  poster: SlackPoster;
  documents: DocumentStore;
  ids: Ids;
  logger: Logger;
  /** Posts to Chime webhooks (injected for tests). */
  fetch?: typeof fetch;
  /** The per-configuration rate and the counts of dropped notifications; without it drops are only logged. */
  drops?: NotificationDrops;
}

export class ChatNotifier {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Thread openers being posted: later messages of the same thread wait for the opener's ts. */
  private readonly opening = new Map<string, Promise<string | undefined>>();

  constructor(private readonly deps: NotifierDeps) {}

  /** Never rejects: SNS has already answered the publisher; failures are logged. */
  async deliver(n: ServiceNotification): Promise<void> {
    if (this.running >= MAX_CONCURRENT) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      await this.deliverNow(n);
    } catch (e) {
      this.deps.logger.error('notification delivery failed', { topicArn: n.topicArn, messageId: n.messageId, error: (e as Error).message });
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private async deliverNow(n: ServiceNotification): Promise<void> {
    const formatted = formatNotification(n.message);
    const targets = await this.deps.directory.notificationTargets(n.topicArn);
    if (!formatted.ok) {
      this.deps.logger.warn('AWS Chatbot does not deliver this SNS message', { topicArn: n.topicArn, messageId: n.messageId, reason: formatted.reason });
      const arns = [...targets.slack.map((c) => c.configurationArn), ...targets.chimeWebhookUrls.map((w) => w.configurationArn)];
      await Promise.all(arns.map((arn) => this.dropped(arn, reasonOf(formatted.reason), n, formatted.reason)));
      return;
    }
    await Promise.all([
      ...targets.slack.map((c) => (this.admitted(c.configurationArn, n) ? this.toSlack(c, n, formatted.notification) : undefined)),
      ...targets.chimeWebhookUrls.map((w) => (this.admitted(w.configurationArn, n) ? this.toChime(w.url, formatted.notification).catch((e: unknown) => {
        this.deps.logger.warn('notification not posted to Chime', { configuration: w.configurationArn, messageId: n.messageId, error: (e as Error).message });
      }) : undefined)),
    ]);
  }

  /** Within the configuration's rate; a notification beyond it is dropped (and counted), not queued. */
  private admitted(configurationArn: string, n: ServiceNotification): boolean {
    if (!this.deps.drops || this.deps.drops.admit(configurationArn)) return true;
    void this.dropped(configurationArn, 'throttled', n, 'more notifications in one second than the configuration takes');
    return false;
  }

  private async dropped(configurationArn: string, reason: DropReason, n: ServiceNotification, detail: string): Promise<void> {
    await this.deps.drops?.drop(configurationArn, reason, n, detail);
  }

  private async toSlack(config: ChannelConfig, n: ServiceNotification, msg: ChatNotification): Promise<void> {
    const ws = await this.deps.directory.workspace(config.teamId);
    if (!ws || ws.needsReauthorization) {
      this.deps.logger.warn('notification not posted: the Slack workspace needs to be authorized again', { configuration: config.configurationArn, messageId: n.messageId });
      await this.dropped(config.configurationArn, 'workspace-unauthorized', n, 'the Slack workspace needs to be authorized again');
      return;
    }
    const blocks = [...msg.blocks, ...await this.buttons(config, msg)];
    // A thread's later messages also show in the channel unless the channel chose threads only (`@aws preferences`).
    const broadcast = msg.threadId ? (await channelPreferences(this.deps.documents, config.teamId, config.channelId)).notificationUpdates !== 'threads-only' : false;
    const post = async (threadTs?: string) => (await this.deps.poster.post(ws.botToken, {
      channel: config.channelId, text: msg.text, blocks, thread_ts: threadTs, ...(threadTs && broadcast ? { reply_broadcast: true } : {}),
    })).ts;
    try {
      if (msg.threadId) await this.inThread(config, msg.threadId, post);
      else await post();
    } catch (e) {
      const code = slackAuthFailure(e);
      if (code) await this.deps.directory.markNeedsReauthorization(config.teamId, code, ws.botToken);
      this.deps.logger.warn('notification not posted to Slack', { configuration: config.configurationArn, messageId: n.messageId, error: (e as Error).message });
      await this.dropped(config.configurationArn, 'slack-refused', n, (e as Error).message);
    }
  }

  /**
   * The buttons of the configuration's custom actions whose attachments match the notification.
   * Each click's command and variables are stored under the button's value (Slack caps values at
   * 2,000 characters; a command's five variables may hold 1,024 each). A failure costs the buttons, never the message.
   */
  private async buttons(config: ChannelConfig, msg: ChatNotification): Promise<unknown[]> {
    try {
      const matched = matchingButtons(msg.event, await this.deps.directory.customActions(config.configurationArn));
      if (!matched.length) return [];
      const stored = [];
      for (const b of matched) {
        const id = this.deps.ids.uuid();
        await this.deps.documents.put<ActionButtonDoc>({ kind: BUTTON_KIND, accountId: config.teamId, region: 'global', id }, {
          teamId: config.teamId, channel: config.channelId, configurationArn: config.configurationArn,
          customActionArn: b.action.arn, buttonText: b.text, variables: b.variables,
        });
        stored.push({ text: b.text, id });
      }
      return [buttonsBlock(stored)];
    } catch (e) {
      this.deps.logger.warn('custom action buttons not attached', { configuration: config.configurationArn, error: (e as Error).message });
      return [];
    }
  }

  /**
   * The first message of a thread id opens the thread; the rest reply to it. Thread ids come from
   * publishers, so they are hashed into the document id; a thread opened in a channel the
   * configuration no longer uses is not reused.
   */
  private async inThread(config: ChannelConfig, threadId: string, post: (threadTs?: string) => Promise<string>): Promise<void> {
    const key: DocumentKey = {
      kind: THREAD_KIND, accountId: config.accountId, region: 'global',
      id: `${config.configurationName}/${crypto.createHash('sha256').update(threadId).digest('hex')}`,
    };
    const memo = `${key.accountId}/${key.id}`;
    const prior = this.opening.get(memo);
    const priorTs = prior && await prior.catch(() => undefined);
    if (priorTs) {
      await post(priorTs);
      return;
    }
    // Set before any await, so every message of the thread arriving meanwhile waits for this one.
    const resolving = (async () => {
      const stored = await this.deps.documents.get<ThreadDoc>(key);
      if (stored && stored.channel === config.channelId) {
        await post(stored.ts);
        return stored.ts;
      }
      const ts = await post();
      if (ts) await this.deps.documents.put<ThreadDoc>(key, { channel: config.channelId, ts });
      return ts;
    })();
    this.opening.set(memo, resolving);
    try {
      await resolving;
    } finally {
      if (this.opening.get(memo) === resolving) this.opening.delete(memo);
    }
  }

  private async toChime(url: string, msg: ChatNotification): Promise<void> {
    const res = await (this.deps.fetch ?? fetch)(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Content: msg.text }), signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`Chime webhook answered ${res.status}`);
  }
}
