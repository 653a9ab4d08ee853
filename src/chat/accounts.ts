// Several accounts per channel: each AWS account that configures the same Slack channel is one the
// channel reaches (AWS Chatbot's switch-role asks "the account that you want to switch roles for").
// A member's commands run in the account they chose with `@aws set default-account <id>`,
// remembered per member and channel, else in the channel's oldest configuration's account.
import type { ChannelConfig } from '../core/chat-directory.js';
import type { DocumentStore } from '../storage/documents.js';
import type { Clock } from '../common/runtime.js';
import { normalizeSlackText, stripBotName } from './command.js';

const KIND = 'chat-default-account';

interface DefaultAccountDoc {
  accountId: string;
  setAt: Date;
}

/** `set default-account [<12-digit id>]`; undefined for any other text. */
export function defaultAccountRequest(text: string): { accountId?: string } | { error: string } | undefined {
  const words = stripBotName(normalizeSlackText(text)).trim().split(/\s+/);
  if (words[0]?.toLowerCase() !== 'set' || words[1]?.toLowerCase() !== 'default-account') return undefined;
  if (words.length === 2) return {};
  if (words.length > 3 || !/^\d{12}$/.test(words[2])) return { error: 'Usage: `@aws set default-account <12-digit account ID>`, one of the accounts `@aws set default-account` lists.' };
  return { accountId: words[2] };
}

export class DefaultAccounts {
  constructor(private readonly documents: DocumentStore, private readonly clock: Clock) {}

  /** The configuration a member's command runs through: their chosen account's, else the oldest. */
  async pick(configs: ChannelConfig[], teamId: string, channel: string, user: string): Promise<ChannelConfig | undefined> {
    if (configs.length < 2) return configs[0];
    const chosen = await this.documents.get<DefaultAccountDoc>(this.keyOf(teamId, channel, user));
    return configs.find((c) => c.accountId === chosen?.accountId) ?? configs[0];
  }

  /** Answers `set default-account ...` for a member of a channel that reaches `configs`. */
  async answer(req: { accountId?: string }, configs: ChannelConfig[], teamId: string, channel: string, user: string): Promise<string> {
    const current = await this.pick(configs, teamId, channel, user);
    const list = configs.map((c) => `• ${c.accountId} (configuration ${c.configurationName})${c === current ? ' ← your default' : ''}`).join('\n');
    if (!req.accountId) return `<@${user}>, this channel reaches ${configs.length === 1 ? 'one account' : `${configs.length} accounts`}:\n${list}\nChoose with \`@aws set default-account <account ID>\`.`;
    const target = configs.find((c) => c.accountId === req.accountId);
    if (!target) return `Account ${req.accountId} has no configuration for this channel. It reaches:\n${list}`;
    await this.documents.put<DefaultAccountDoc>(this.keyOf(teamId, channel, user), { accountId: target.accountId, setAt: this.clock.now() });
    return `<@${user}>, your commands in this channel now run in account ${target.accountId} (configuration ${target.configurationName}).`;
  }

  private keyOf(teamId: string, channel: string, user: string) {
    return { kind: KIND, accountId: teamId, region: 'global', id: `${channel}/${user}` };
  }
}
