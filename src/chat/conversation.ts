// One chat exchange: a message mentioning the bot becomes a command (typed, or an alias filled by
// `@aws run`), checked against the channel's configuration, confirmed with buttons when it changes
// something, run, and answered in the thread. A notification's custom action button runs the same way.
import type { ChatDirectory, ChannelConfig, SlackPoster } from '../core/chat-directory.js';
import { parseCommand, type ParsedCommand, type ServiceLookup } from './command.js';
import { generalHelp, operationHelp, serviceHelp } from './help.js';
import { cliName } from './cli-names.js';
import { formatResult } from './format.js';
import { slackAuthFailure } from './slack-poster.js';
import { Confirmations, type ActionClick, type ChannelRequest } from './confirmations.js';
import type { CommandExecutor } from './executor.js';
import { isReadOnly } from '../records/record.js';
import type { DocumentStore } from '../storage/documents.js';
import { aliasRequest, fillCommand, type AliasRequest } from './aliases.js';
import { ChannelAliases } from './channel-aliases.js';
import { deniedHint } from './denials.js';
import { explainDenial, type PolicySource } from './explain.js';
import { BUTTON_KIND, type ActionButtonDoc } from './notifier.js';
import { DefaultAccounts, defaultAccountRequest } from './accounts.js';
import { ChannelPreferencesStore, preferencesRequest } from './preferences.js';
import { isSwitchRole, needsOwnRoleMessage, switchRoleMessage, type RoleMessage } from './user-roles.js';
import type { OrgPolicyGate } from './org-policy.js';
import type { Clock, Ids } from '../common/runtime.js';
import type { Logger } from '../common/runtime.js';

export { deniedHint };
export { CANCEL_ACTION, CONFIRM_ACTION } from './confirmations.js';

export interface IncomingMessage {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  ts: string;
  threadTs?: string;
}

/** The bot token a handler is using, so a Slack auth failure condemns that token only. */
interface TokenInUse { token?: string }

/** A click on a custom action button of a notification. */
export interface ButtonClick {
  teamId: string;
  user: string;
  value: string;
  channel: string;
  messageTs: string;
  /** The thread the notification is in, when it is a reply. */
  threadTs?: string;
}

export interface ConversationDeps {
  directory: ChatDirectory;
  poster: SlackPoster;
  executor: CommandExecutor;
  services: ServiceLookup;
  documents: DocumentStore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  /** Where a refusal's explanation reads the role's and the guardrails' policies. */
  policies: PolicySource;
  /** How long a command may take before the channel is told it timed out (AWS's 15 s by default). */
  commandTimeoutMs?: number;
  /** Organizations' chat applications policies, checked before a command runs (org-policy.ts). */
  orgPolicies?: Pick<OrgPolicyGate, 'refusal'>;
  /** This server's public base URL: where a member's "choose user role" link leads. */
  consoleUrl?: () => string;
}

/**
 * "AWS CLI commands run from AWS Chatbot have an execution timeout of 15 seconds" (adminguide,
 * intro-to-the-aws-cli-in-slack.html). The call itself is not cancelled: it completes and is recorded.
 */
export const COMMAND_TIMEOUT_MS = 15_000;

export class Conversation {
  private readonly aliases: ChannelAliases;
  private readonly accounts: DefaultAccounts;
  private readonly preferences: ChannelPreferencesStore;
  private readonly confirmations: Confirmations;
  constructor(private readonly deps: ConversationDeps) {
    this.confirmations = new Confirmations(deps);
    this.aliases = new ChannelAliases({ directory: deps.directory, services: deps.services });
    this.accounts = new DefaultAccounts(deps.documents, deps.clock);
    this.preferences = new ChannelPreferencesStore(deps.documents, deps.clock);
  }

  /** Handles a message; every outcome (including refusals) ends with a reply in the thread. */
  async onMessage(m: IncomingMessage): Promise<void> {
    await this.watchingToken(m.teamId, (used) => this.handleMessage(m, used));
  }

  /** A button press on a confirmation: only the person who asked may run or cancel it. */
  async onAction(a: ActionClick): Promise<void> {
    await this.watchingToken(a.teamId, (used) => this.handleAction(a, used));
  }

  /** A click on a custom action button: its command runs as the clicking user would run it. */
  async onButton(c: ButtonClick): Promise<void> {
    await this.watchingToken(c.teamId, (used) => this.handleButton(c, used));
  }

  /** A revoked or invalid bot token marks the workspace, as AWS Chatbot does, instead of failing silently forever. */
  private async watchingToken(teamId: string, work: (used: TokenInUse) => Promise<void>): Promise<void> {
    const used: TokenInUse = {};
    try {
      await work(used);
    } catch (e) {
      const code = slackAuthFailure(e);
      // Only the token that failed is condemned: a workspace authorized again meanwhile keeps working.
      if (code && used.token) await this.deps.directory.markNeedsReauthorization(teamId, code, used.token);
      throw e;
    }
  }

  private async handleMessage(m: IncomingMessage, used: TokenInUse): Promise<void> {
    const ws = await this.deps.directory.workspace(m.teamId);
    if (!ws || ws.needsReauthorization) {
      this.deps.logger.warn('message from a workspace without a usable bot token', { teamId: m.teamId });
      return;
    }
    used.token = ws.botToken;
    const threadTs = m.threadTs ?? m.ts;
    const reply = (text: string, blocks?: unknown[]) => this.deps.poster.post(ws.botToken, { channel: m.channel, text, blocks, thread_ts: threadTs });
    const configs = await this.deps.directory.channelConfigurations(m.teamId, m.channel);
    const config = await this.accounts.pick(configs, m.teamId, m.channel, m.user);
    if (!config) {
      await reply(`This channel is not configured for AWS commands yet. An administrator can connect it with:\n\`aws chatbot create-slack-channel-configuration --slack-team-id ${m.teamId} --slack-channel-id ${m.channel} --configuration-name <name> --iam-role-arn <role ARN trusting chatbot.amazonaws.com>\``);
      return;
    }
    if (isSwitchRole(m.text)) { await this.switchRole(ws.botToken, m.teamId, m.channel, m.user, threadTs); return; }
    const setAccount = defaultAccountRequest(m.text);
    if (setAccount) { await reply('error' in setAccount ? setAccount.error : await this.accounts.answer(setAccount, configs, m.teamId, m.channel, m.user)); return; }
    const prefs = preferencesRequest(m.text);
    if (prefs) { await reply(prefs.kind === 'error' ? prefs.message : await this.preferences.answer(prefs, m.teamId, m.channel, m.user)); return; }
    const request = aliasRequest(m.text);
    let text = m.text;
    if (request?.kind === 'error') { await reply(request.message); return; }
    if (request?.kind === 'alias') { await reply(await this.aliasAnswer(request, config, m.user, ws.botToken)); return; }
    if (request?.kind === 'run') {
      const expanded = await this.aliases.expand(request, config);
      if (!expanded.ok) { await reply(expanded.message); return; }
      text = expanded.command;
    }
    await this.execute(ws.botToken, config, { teamId: m.teamId, channel: m.channel, user: m.user, text, threadTs });
  }

  /** A command text, however it came, checked and confirmed and run exactly as a typed one. */
  private async execute(token: string, config: ChannelConfig, c: ChannelRequest): Promise<void> {
    const reply = (text: string) => this.deps.poster.post(token, { channel: c.channel, text, thread_ts: c.threadTs });
    const parsed = this.parse(c.text);
    if (parsed.kind === 'error') {
      this.logRefusal(config, c.user, parsed);
      await reply(parsed.message);
      return;
    }
    if (parsed.kind === 'help') { await reply(this.helpText(parsed)); return; }
    const roleArn = await this.roleFor(config, c.user);
    if (!roleArn) {
      const ask = this.needsOwnRole(config, c.user);
      await this.deps.poster.post(token, { channel: c.channel, text: ask.text, blocks: ask.blocks, thread_ts: c.threadTs });
      return;
    }
    const refused = await this.deps.orgPolicies?.refusal(config, token, c.user, roleArn);
    if (refused) { await reply(refused); return; }
    if (!isReadOnly(parsed.opName, parsed.service.recording)) {
      await this.confirmations.ask(token, c, config.configurationArn);
      return;
    }
    await this.run(token, config, roleArn, parsed, c.channel, c.threadTs, c.user);
  }

  /** `alias ...`: reads answer at once; create and delete call the Chatbot API as the asking user. */
  private async aliasAnswer(req: Extract<AliasRequest, { kind: 'alias' }>, config: ChannelConfig, user: string, token: string): Promise<string> {
    if (req.verb !== 'create' && req.verb !== 'delete') return (await this.aliases.read(req, config)).text;
    const roleArn = await this.roleFor(config, user);
    if (!roleArn) return this.needsOwnRole(config, user).text;
    // Writing an alias is a command run in the channel: the organization's chat policy applies to it too.
    const refused = await this.deps.orgPolicies?.refusal(config, token, user, roleArn);
    if (refused) return refused;
    const answer = await this.aliases.write(req, config, roleArn, this.deps.executor);
    if (answer.logged) this.log(config, user, answer.logged.command, answer.ok, answer.logged.errorCode);
    return answer.text;
  }

  private async handleButton(c: ButtonClick, used: TokenInUse): Promise<void> {
    const ws = await this.deps.directory.workspace(c.teamId);
    if (!ws || ws.needsReauthorization) return;
    used.token = ws.botToken;
    const threadTs = c.threadTs ?? c.messageTs;
    const reply = (text: string) => this.deps.poster.post(ws.botToken, { channel: c.channel, text, thread_ts: threadTs });
    const button = await this.deps.documents.get<ActionButtonDoc>({ kind: BUTTON_KIND, accountId: c.teamId, region: 'global', id: c.value });
    // A value names a button of this channel's notification, or nothing runs.
    if (!button || button.channel !== c.channel) { await reply('This button no longer runs anything.'); return; }
    const config = await this.deps.directory.channelConfigurationByArn(button.configurationArn);
    if (!config || config.teamId !== c.teamId || config.channelId !== c.channel) {
      await reply('The channel configuration changed since this notification was posted; its buttons no longer run.');
      return;
    }
    const action = (await this.deps.directory.customActions(config.configurationArn)).find((a) => a.arn === button.customActionArn);
    if (!action) { await reply(`The custom action \`${button.customActionArn}\` is no longer associated with this channel.`); return; }
    const filled = fillCommand(action.commandText, button.variables);
    if (!filled.ok) {
      await reply('missing' in filled ? `*${button.buttonText}* now needs ${filled.missing.map((v) => `\`$${v}\``).join(', ')}, which this notification does not have.` : filled.message);
      return;
    }
    await reply(`<@${c.user}> chose *${button.buttonText}*: \`${filled.command.replace(/`/g, "'")}\``);
    await this.execute(ws.botToken, config, { teamId: c.teamId, channel: c.channel, user: c.user, text: filled.command, threadTs });
  }

  private async handleAction(a: ActionClick, used: TokenInUse): Promise<void> {
    const ws = await this.deps.directory.workspace(a.teamId);
    if (!ws) return;
    used.token = ws.botToken;
    const pending = await this.confirmations.answer(ws.botToken, a);
    if (!pending) return;
    const configs = await this.deps.directory.channelConfigurations(pending.teamId, pending.channel);
    const config = pending.configurationArn ? configs.find((x) => x.configurationArn === pending.configurationArn) : configs[0];
    const roleArn = config && await this.roleFor(config, pending.user);
    if (!config || !roleArn) {
      await this.deps.poster.post(ws.botToken, { channel: pending.channel, thread_ts: pending.threadTs, text: 'The channel configuration changed since you asked; please ask again.' });
      return;
    }
    await this.run(ws.botToken, config, roleArn, this.parse(pending.text), pending.channel, pending.threadTs, pending.user);
  }

  /** A member's own user role, when they mapped one, else the channel role unless the channel requires user roles. */
  private async roleFor(config: ChannelConfig, slackUser: string): Promise<string | undefined> {
    const own = await this.deps.directory.userRoleArn(config.configurationArn, slackUser);
    return own ?? (config.userAuthorizationRequired ? undefined : config.iamRoleArn);
  }

  private needsOwnRole(config: ChannelConfig, user: string): RoleMessage {
    return needsOwnRoleMessage(this.deps.consoleUrl?.() ?? '', config, user);
  }

  /** `@aws switch-role`: the member's role in each account the channel reaches, with links to choose another. */
  private async switchRole(token: string, teamId: string, channel: string, user: string, threadTs: string): Promise<void> {
    const configs = await this.deps.directory.channelConfigurations(teamId, channel);
    const roles = await Promise.all(configs.map((c) => this.deps.directory.userRoleArn(c.configurationArn, user)));
    const m = switchRoleMessage(this.deps.consoleUrl?.() ?? '', configs, user, roles);
    await this.deps.poster.post(token, { channel, text: m.text, blocks: m.blocks, thread_ts: threadTs });
  }

  /**
   * `run <alias> ...` as the command it fills, for the console's test panel; undefined for any
   * other text. Alias management is the channel's own: the panel only runs.
   */
  async expandRun(text: string, config: ChannelConfig): Promise<{ ok: true; command: string } | { ok: false; message: string } | undefined> {
    const request = aliasRequest(text);
    if (!request) return undefined;
    if (request.kind === 'error') return { ok: false, message: request.message };
    if (request.kind === 'alias') return { ok: false, message: '`alias` commands are made in the channel itself; here you can `run <alias>`.' };
    return this.aliases.expand(request, config);
  }

  /** Reads a command text against the services this server speaks. */
  parse(text: string): ParsedCommand {
    return parseCommand(text, this.deps.services);
  }

  /** Runs a parsed command for a channel and posts the answer; also used by the console's test panel. */
  async run(token: string | undefined, config: ChannelConfig, roleArn: string, parsed: ParsedCommand, channel: string, threadTs: string | undefined, user: string): Promise<{ text: string; ok: boolean }> {
    let answer: { text: string; ok: boolean; attachment?: { filename: string; content: string } };
    if (parsed.kind !== 'call') {
      if (parsed.kind === 'error') this.logRefusal(config, user, parsed);
      answer = { text: parsed.kind === 'error' ? parsed.message : this.helpText(parsed), ok: parsed.kind === 'help' };
    } else {
      const running = this.deps.executor.run({
        accountId: config.accountId, configurationArn: config.configurationArn, roleArn, guardrailPolicyArns: config.guardrailPolicyArns,
        serviceName: parsed.service.model.name, opName: parsed.opName, input: parsed.input, region: parsed.region,
      });
      const outcome = await withTimeout(running, this.deps.commandTimeoutMs ?? COMMAND_TIMEOUT_MS);
      if (outcome === 'timeout') {
        const title = `${parsed.cliService} ${cliName(parsed.opName)}`;
        answer = { ok: false, text: timeoutText(title, this.deps.commandTimeoutMs ?? COMMAND_TIMEOUT_MS) };
        this.log(config, user, title, false, 'CommandTimeout');
        // The call goes on and is recorded; its failure, if any, is only logged now.
        running.catch((e: unknown) => this.deps.logger.warn('timed-out chat command failed', { error: (e as Error).message }));
        if (token) await this.deps.poster.post(token, { channel, thread_ts: threadTs, text: answer.text });
        return { text: answer.text, ok: false };
      }
      // IAM and Organizations answer from one global endpoint whatever region was asked for.
      const title = `${parsed.cliService} ${cliName(parsed.opName)} (${parsed.service.recording.globalRegion ? 'global' : outcome.region})`;
      if (outcome.ok) {
        answer = { ...formatResult(title, outcome.output, parsed.output), ok: true };
      } else if (outcome.stage === 'assume-role') {
        answer = { ok: false, text: `I could not assume the role \`${roleArn}\`: ${outcome.error.message}\nIts trust policy must allow the service principal \`chatbot.amazonaws.com\` to call \`sts:AssumeRole\`.` };
      } else {
        // Denials are the usual surprise in chat: say which layer refused, and which policy.
        const why = await explainDenial(outcome.error, {
          roleArn, usersOwnRole: config.userAuthorizationRequired || roleArn !== config.iamRoleArn, configurationArn: config.configurationArn,
          guardrailPolicyArns: config.guardrailPolicyArns, region: outcome.region, now: this.deps.clock.now(),
        }, this.deps.policies);
        answer = { ok: false, text: `*${title}* failed: \`${outcome.error.code}\`\n${outcome.error.message}${why}` };
      }
      this.log(config, user, title, answer.ok, outcome.ok ? undefined : outcome.error.code);
    }
    if (token) {
      await this.deps.poster.post(token, { channel, thread_ts: threadTs, text: answer.text });
      if (answer.attachment) await this.deps.poster.upload(token, { channel, thread_ts: threadTs, ...answer.attachment });
    }
    return { text: answer.text, ok: answer.ok };
  }

  /** The configuration's LoggingLevel decides what chattrail's log keeps of chat commands. */
  private log(config: ChannelConfig, user: string, command: string, ok: boolean, errorCode?: string): void {
    if (config.loggingLevel === 'NONE' || (config.loggingLevel === 'ERROR' && ok)) return;
    const fields = { configuration: config.configurationArn, channel: config.channelId, slackUser: user, command, errorCode };
    if (ok) this.deps.logger.info('chat command', fields);
    else this.deps.logger.warn('chat command failed', fields);
  }

  /**
   * A command the protection policy refused made no API call, so (as in AWS) no CloudTrail record
   * exists for it: chattrail's log keeps it (a warning) unless the LoggingLevel is NONE.
   */
  private logRefusal(config: ChannelConfig, user: string, parsed: Extract<ParsedCommand, { kind: 'error' }>): void {
    if (!parsed.refusedBy || config.loggingLevel === 'NONE') return;
    this.deps.logger.warn('chat command refused by the protection policy', { configuration: config.configurationArn, channel: config.channelId, slackUser: user, action: parsed.refusedBy });
  }

  private helpText(parsed: Extract<ParsedCommand, { kind: 'help' }>): string {
    if (!parsed.service || !parsed.cliService) return generalHelp(this.deps.services);
    if (parsed.opName) return operationHelp(parsed.service, parsed.cliService, parsed.opName);
    return serviceHelp(parsed.service, parsed.cliService, parsed.word);
  }
}

/** The command's outcome, or 'timeout' when it takes longer than `ms`. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), ms); });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the channel is told when a command outlasts the timeout. */
export function timeoutText(title: string, ms: number): string {
  return `*${title}* timed out: commands in chat have ${Math.round(ms / 1000)} seconds to answer, as in AWS Chatbot. The call was made and may still complete (CloudTrail records it); run long jobs asynchronously, e.g. \`lambda invoke --invocation-type Event\`.`;
}

