// `@aws preferences`, kept per channel. The one preference chattrail keeps is where updates of a
// threaded notification (custom notifications' metadata.threadId) appear: in the thread and the
// channel (Slack's "also send to channel", AWS Chatbot's default) or in the thread only ("Display
// notification updates in threads"). AWS's admin guide does not document the command's screens;
// this follows the option as AWS Chatbot's channel preferences name it.
import type { DocumentStore } from '../storage/documents.js';
import type { Clock } from '../common/runtime.js';
import { normalizeSlackText, stripBotName } from './command.js';

const KIND = 'chat-channel-preferences';

export type NotificationUpdates = 'threads-and-channel' | 'threads-only';

export interface ChannelPreferences {
  notificationUpdates: NotificationUpdates;
  updatedBy?: string;
  updatedAt?: Date;
}

export const DEFAULT_PREFERENCES: ChannelPreferences = { notificationUpdates: 'threads-and-channel' };
const VALUES: Record<NotificationUpdates, string> = {
  'threads-and-channel': 'in the thread and also in the channel (the default)',
  'threads-only': 'in threads only ("Display notification updates in threads")',
};
const USAGE = 'Usage: `@aws preferences` shows them; `@aws preferences notification-updates threads-only` or `... threads-and-channel` changes where updates of a threaded notification appear.';

export type PreferencesRequest = { kind: 'show' } | { kind: 'set'; notificationUpdates: NotificationUpdates } | { kind: 'error'; message: string };

/** `preferences [notification-updates <value>]`; undefined for any other text. */
export function preferencesRequest(text: string): PreferencesRequest | undefined {
  const words = stripBotName(normalizeSlackText(text)).trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'preferences') return undefined;
  if (words.length === 1) return { kind: 'show' };
  const value = words[2]?.toLowerCase();
  if (words.length === 3 && words[1].toLowerCase() === 'notification-updates' && (value === 'threads-only' || value === 'threads-and-channel')) {
    return { kind: 'set', notificationUpdates: value };
  }
  return { kind: 'error', message: USAGE };
}

function keyOf(teamId: string, channel: string) {
  return { kind: KIND, accountId: teamId, region: 'global', id: channel };
}

/** A channel's preferences (the notifier reads them for every threaded notification). */
export async function channelPreferences(documents: DocumentStore, teamId: string, channel: string): Promise<ChannelPreferences> {
  return (await documents.get<ChannelPreferences>(keyOf(teamId, channel))) ?? DEFAULT_PREFERENCES;
}

export class ChannelPreferencesStore {
  constructor(private readonly documents: DocumentStore, private readonly clock: Clock) {}

  get(teamId: string, channel: string): Promise<ChannelPreferences> {
    return channelPreferences(this.documents, teamId, channel);
  }

  /** Shows or changes the channel's preferences; any member of a configured channel may. */
  async answer(req: Exclude<PreferencesRequest, { kind: 'error' }>, teamId: string, channel: string, user: string): Promise<string> {
    if (req.kind === 'show') {
      const p = await this.get(teamId, channel);
      return `Preferences of this channel:\n• Notification updates: ${VALUES[p.notificationUpdates]}${p.updatedBy ? ` (set by <@${p.updatedBy}>)` : ''}\n${USAGE}`;
    }
    await this.documents.put<ChannelPreferences>(keyOf(teamId, channel), { notificationUpdates: req.notificationUpdates, updatedBy: user, updatedAt: this.clock.now() });
    return `<@${user}> set this channel's notification updates to appear ${VALUES[req.notificationUpdates]}.`;
  }
}
