// Confirmation before a command that changes something: the pending command is stored, the asker
// is shown the whole command with Run/Cancel buttons, and only the asker's click (once, within ten
// minutes) lets it run. Running it is the conversation's business; this module answers the click.
import type { SlackPoster } from '../core/chat-directory.js';
import type { DocumentStore } from '../storage/documents.js';
import type { Clock, Ids } from '../common/runtime.js';
import { normalizeSlackText, stripBotName } from './command.js';

/** A command text to run for someone in a channel's thread: typed, an alias filled, or a button's. */
export interface ChannelRequest {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  threadTs: string;
}

/** A click on a confirmation's Run or Cancel button. */
export interface ActionClick { teamId: string; user: string; actionId: string; value: string; channel: string; messageTs: string }

export interface PendingCommand {
  id: string;
  teamId: string;
  channel: string;
  user: string;
  text: string;
  threadTs: string;
  createdAt: Date;
  /** The configuration (so the account) it was asked in: confirming runs it there. */
  configurationArn?: string;
}

const PENDING_KIND = 'chat-pending-command';
const PENDING_TTL_MS = 10 * 60 * 1000;
export const CONFIRM_ACTION = 'chattrail_confirm';
export const CANCEL_ACTION = 'chattrail_cancel';

export class Confirmations {
  constructor(private readonly deps: { documents: DocumentStore; poster: SlackPoster; clock: Clock; ids: Ids }) {}

  /** Shows the whole command, parameters and all, so what gets confirmed is what will run. */
  async ask(token: string, c: ChannelRequest, configurationArn: string): Promise<void> {
    const id = this.deps.ids.uuid();
    await this.deps.documents.put<PendingCommand>({ kind: PENDING_KIND, accountId: c.teamId, region: 'global', id },
      { id, teamId: c.teamId, channel: c.channel, user: c.user, text: c.text, threadTs: c.threadTs, createdAt: this.deps.clock.now(), configurationArn });
    const text = `This command changes resources:\n${commandLine(c.text)}\n<@${c.user}>, run it?`;
    await this.deps.poster.post(token, {
      channel: c.channel, thread_ts: c.threadTs, text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', elements: [
          { type: 'button', action_id: CONFIRM_ACTION, style: 'primary', text: { type: 'plain_text', text: 'Run' }, value: id },
          { type: 'button', action_id: CANCEL_ACTION, text: { type: 'plain_text', text: 'Cancel' }, value: id },
        ] },
      ],
    });
  }


  /**
   * Answers a click: the pending command to run now, or undefined when it was cancelled, expired,
   * already answered or clicked by someone else (each told in the channel).
   */
  async answer(token: string, a: ActionClick): Promise<PendingCommand | undefined> {
    const key = { kind: PENDING_KIND, accountId: a.teamId, region: 'global', id: a.value };
    const pending = await this.deps.documents.get<PendingCommand>(key);
    if (!pending) {
      await this.deps.poster.update(token, { channel: a.channel, ts: a.messageTs, text: 'This request has expired or was already answered.' });
      return undefined;
    }
    if (pending.user !== a.user) {
      await this.deps.poster.post(token, { channel: a.channel, thread_ts: pending.threadTs, text: `<@${a.user}>, only <@${pending.user}> can confirm this command.` });
      return undefined;
    }
    // Deleting first makes a double click (or a retried delivery) run the command once.
    if (!(await this.deps.documents.delete(key))) return undefined;
    const expired = this.deps.clock.now().getTime() - new Date(pending.createdAt).getTime() > PENDING_TTL_MS;
    if (a.actionId === CANCEL_ACTION || expired) {
      const outcome = expired ? 'This request expired; ask again.' : `Cancelled by <@${a.user}>.`;
      await this.deps.poster.update(token, { channel: a.channel, ts: a.messageTs, text: outcome, blocks: answeredBlocks(pending.text, outcome) });
      return undefined;
    }
    const running = `Confirmed by <@${a.user}>. Running...`;
    await this.deps.poster.update(token, { channel: a.channel, ts: a.messageTs, text: running, blocks: answeredBlocks(pending.text, running) });
    return pending;
  }
}

/** An answered confirmation keeps showing the command, with who answered in place of the buttons. */
function answeredBlocks(command: string, outcome: string): unknown[] {
  return [
    { type: 'section', text: { type: 'mrkdwn', text: `This command changes resources:\n${commandLine(command)}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] },
  ];
}

/** The command as typed, without the mention, in a code span. */
function commandLine(text: string): string {
  const t = stripBotName(normalizeSlackText(text));
  return `\`${t.replace(/`/g, "'")}\``;
}
