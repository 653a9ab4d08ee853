// Notifications AWS Chatbot would not post, counted per channel configuration where its owner can
// see them (the console's chat client page reads `dropCounts`), and the per-configuration rate
// beyond which notifications are dropped (ten a second, as issue 14 states AWS's rate).
import type { DocumentKey, DocumentStore } from '../storage/documents.js';
import type { Clock, Logger } from '../common/runtime.js';

export const DROPS_KIND = 'chat-notification-drops';
/** Notifications a configuration takes per second; more in the same second are dropped, not queued. */
export const NOTIFICATIONS_PER_SECOND = 10;

export type DropReason = 'not-json' | 'unknown-schema' | 'invalid-custom' | 'throttled' | 'workspace-unauthorized' | 'slack-refused';

/** One configuration's dropped notifications, by reason, and the latest one. */
export interface DropCounts {
  configurationArn: string;
  total: number;
  byReason: Partial<Record<DropReason, number>>;
  last?: { reason: DropReason; detail: string; topicArn: string; messageId: string; at: string };
}

/** The formatter's words for why AWS Chatbot does not deliver a message, as a reason. */
export function reasonOf(formatterReason: string): DropReason {
  if (/not JSON/.test(formatterReason)) return 'not-json';
  if (/^custom notifications need/.test(formatterReason)) return 'invalid-custom';
  return 'unknown-schema';
}

/** Where a configuration's counts are kept: its account, and its ARN's resource part. */
export function dropsKey(configurationArn: string): DocumentKey {
  const parts = configurationArn.split(':');
  return { kind: DROPS_KIND, accountId: parts[4] ?? 'unknown', region: 'global', id: parts.slice(5).join(':') };
}

export class NotificationDrops {
  /** Per configuration: the second being counted and how many it took. */
  private readonly windows = new Map<string, { second: number; taken: number }>();

  constructor(private readonly deps: { documents: DocumentStore; clock: Clock; logger: Logger }) {}

  /** Whether a configuration may take one more notification this second (a fixed one-second window). */
  admit(configurationArn: string): boolean {
    const second = Math.floor(this.deps.clock.now().getTime() / 1000);
    const w = this.windows.get(configurationArn);
    if (!w || w.second !== second) {
      // Old windows are forgotten as they are replaced; the map holds one entry per configuration.
      this.windows.set(configurationArn, { second, taken: 1 });
      return true;
    }
    if (w.taken >= NOTIFICATIONS_PER_SECOND) return false;
    w.taken++;
    return true;
  }

  /** Logs a dropped notification with its reason and counts it for the configuration. Never rejects. */
  async drop(configurationArn: string, reason: DropReason, n: { topicArn: string; messageId: string }, detail: string): Promise<void> {
    this.deps.logger.warn('notification dropped', { configuration: configurationArn, topicArn: n.topicArn, messageId: n.messageId, reason, detail });
    try {
      await this.deps.documents.update<DropCounts>(dropsKey(configurationArn), (cur) => {
        const next: DropCounts = cur ?? { configurationArn, total: 0, byReason: {} };
        return {
          configurationArn, total: next.total + 1, byReason: { ...next.byReason, [reason]: (next.byReason[reason] ?? 0) + 1 },
          last: { reason, detail, topicArn: n.topicArn, messageId: n.messageId, at: this.deps.clock.now().toISOString() },
        };
      });
    } catch (e) {
      this.deps.logger.error('dropped notification not counted', { configuration: configurationArn, error: (e as Error).message });
    }
  }
}

/** A configuration's counts, as the console shows them (zero when nothing was ever dropped). */
export async function dropCounts(documents: DocumentStore, configurationArn: string): Promise<DropCounts> {
  return (await documents.get<DropCounts>(dropsKey(configurationArn))) ?? { configurationArn, total: 0, byReason: {} };
}
