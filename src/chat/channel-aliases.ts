// A channel's aliases are its custom actions with an AliasName (AssociateToConfiguration links
// them): `alias create` makes one with CreateCustomAction and associates it with the channel's
// configuration, `alias delete` deletes it, both with the asking user's session (the channel's role
// or their own) like any command, so both are recorded and `aws chatbot list-custom-actions` shows
// them. `alias list|get` and `run` read the channel's custom actions as AWS Chatbot reads its own.
import type { ChannelConfig, ChannelCustomAction, ChatDirectory } from '../core/chat-directory.js';
import type { ServiceModel, Shape } from '../protocol/model.js';
import type { CommandExecutor } from './executor.js';
import type { ServiceLookup } from './command.js';
import { commandVariables, fillCommand, runUsage, runValues, type AliasRequest } from './aliases.js';
import { deniedHint } from './denials.js';

export interface ChannelAliasesDeps {
  directory: ChatDirectory;
  services: ServiceLookup;
}

/** What alias management answers, and what the channel's log keeps of it. */
export interface AliasAnswer {
  text: string;
  ok: boolean;
  /** Set when an API call was made (create, delete): for the LoggingLevel log. */
  logged?: { command: string; errorCode?: string };
}

const HELP = [
  'Aliases run a command you use often by a short name; `$words` in it are filled when you run it.',
  '`@aws alias create <name> <command>`: e.g. `@aws alias create fns lambda list-functions --region $region`',
  '`@aws alias list`, `@aws alias get <name>`, `@aws alias delete <name>`',
  '`@aws run <name> <value> ...` fills the variables in order; `@aws run <name> --var region=us-west-2` names one.',
  "An alias is a custom action (`aws chatbot list-custom-actions`) associated with this channel's configuration; it runs with your permissions, and asks first when it changes something.",
].join('\n');

/** The Chatbot model's limit on a member of CreateCustomAction (`AliasName`, `Definition.CommandText`). */
function limitOf(model: ServiceModel | undefined, path: string[]): Shape | undefined {
  const op = model?.operation('CreateCustomAction');
  let shape = op?.input ? model!.shape(op.input.shape) : undefined;
  for (const member of path) {
    const ref = shape?.members?.[member];
    shape = ref ? model!.shape(ref.shape) : undefined;
  }
  return shape;
}

export class ChannelAliases {
  constructor(private readonly deps: ChannelAliasesDeps) {}

  /** The channel's aliases, by name. */
  private async aliases(config: ChannelConfig): Promise<ChannelCustomAction[]> {
    return (await this.deps.directory.customActions(config.configurationArn)).filter((a) => a.aliasName !== undefined)
      .sort((a, b) => a.aliasName!.localeCompare(b.aliasName!));
  }

  private async find(config: ChannelConfig, name: string): Promise<ChannelCustomAction | undefined> {
    const all = await this.aliases(config);
    return all.find((a) => a.aliasName === name) ?? all.find((a) => a.aliasName!.toLowerCase() === name.toLowerCase());
  }

  /** `alias list|get|help` (no session needed) and why a request cannot run. */
  async read(req: Extract<AliasRequest, { kind: 'alias' }>, config: ChannelConfig): Promise<AliasAnswer> {
    if (req.verb === 'help') return { ok: true, text: HELP };
    if (req.verb === 'unknown') return { ok: false, text: `\`alias ${req.word}\` is not an alias command.\n${HELP}` };
    if (req.verb === 'list') {
      const all = await this.aliases(config);
      if (!all.length) return { ok: true, text: 'This channel has no aliases yet. `@aws alias create <name> <command>` makes one.' };
      return { ok: true, text: `Aliases in this channel (${all.length}):\n${all.map((a) => `• \`${a.aliasName}\`: \`${a.commandText.replace(/`/g, "'")}\``).join('\n')}` };
    }
    if (req.verb === 'get') {
      if (!req.name) return { ok: false, text: 'Which alias? `@aws alias get <name>`' };
      const a = await this.find(config, req.name);
      if (!a) return { ok: false, text: this.noSuchAlias(req.name) };
      const vars = commandVariables(a.commandText);
      return {
        ok: true,
        text: `*${a.aliasName}*: \`${a.commandText.replace(/`/g, "'")}\`\nVariables: ${vars.length ? vars.map((v) => `\`$${v}\``).join(', ') : 'none'}\nRun it: ${runUsage(a.aliasName!, vars)}\nCustom action: \`${a.arn}\``,
      };
    }
    return { ok: false, text: HELP };
  }

  /** Why `alias create <name> <command>` cannot be made, by the limits the Chatbot model states. */
  checkCreate(name: string | undefined, commandText: string | undefined): string | undefined {
    if (!name || !commandText) return 'Write it as `@aws alias create <name> <command>`, e.g. `@aws alias create fns lambda list-functions --region $region`.';
    const model = this.deps.services.byName('chatbot')?.model;
    const nameShape = limitOf(model, ['AliasName']);
    const textShape = limitOf(model, ['Definition', 'CommandText']);
    if (nameShape?.max !== undefined && name.length > nameShape.max) return `An alias name is at most ${nameShape.max} characters.`;
    if (nameShape?.pattern && !new RegExp(`^(?:${nameShape.pattern})$`).test(name)) return `An alias name is letters, digits, \`-\` and \`_\` only (\`${nameShape.pattern}\`).`;
    if (textShape?.max !== undefined && commandText.length > textShape.max) {
      return `An alias's command is at most ${textShape.max} characters (the Chatbot API's CustomActionDefinition.CommandText); this one has ${commandText.length}.`;
    }
    if (/^(alias|run)(\s|$)/i.test(commandText)) return 'An alias runs an AWS CLI command, not another alias.';
    return undefined;
  }

  /** `alias create` and `alias delete`, as the asking user, through the Chatbot API. */
  async write(req: Extract<AliasRequest, { kind: 'alias'; verb: 'create' | 'delete' }>, config: ChannelConfig, roleArn: string, executor: CommandExecutor): Promise<AliasAnswer> {
    const session = { accountId: config.accountId, configurationArn: config.configurationArn, roleArn, guardrailPolicyArns: config.guardrailPolicyArns };
    const title = `alias ${req.verb}`;
    const failed = (error: { code: string; message: string }, what = title): AliasAnswer => ({
      ok: false, logged: { command: `chatbot ${title}`, errorCode: error.code },
      text: `*${what}* failed: \`${error.code}\`\n${error.message}${deniedHint(error, config.guardrailPolicyArns.length > 0)}`,
    });
    if (req.verb === 'create') {
      const why = this.checkCreate(req.name, req.commandText);
      if (why) return { ok: false, text: why };
      const name = req.name!;
      const done = await executor.inSession(session, async (call) => {
        const created = await call('chatbot', 'CreateCustomAction', { ActionName: name, AliasName: name, Definition: { CommandText: req.commandText } });
        if (!created.ok) return failed(created.error);
        const arn = String(created.output.CustomActionArn);
        const linked = await call('chatbot', 'AssociateToConfiguration', { Resource: arn, ChatConfiguration: config.configurationArn });
        if (linked.ok) return undefined;
        // An alias that is in no channel helps nobody: undone if the session may.
        await call('chatbot', 'DeleteCustomAction', { CustomActionArn: arn });
        return failed(linked.error, `${title} (associating ${arn} with this channel)`);
      });
      if (!done.ok) return this.noRole(roleArn, done.error);
      if (done.value) return done.value;
      const vars = commandVariables(req.commandText!);
      return {
        ok: true, logged: { command: `chatbot ${title}` },
        text: `Alias \`${name}\` created: \`${req.commandText!.replace(/`/g, "'")}\`\nRun it: ${runUsage(name, vars)}`,
      };
    }
    if (!req.name) return { ok: false, text: 'Which alias? `@aws alias delete <name>`' };
    const action = await this.find(config, req.name);
    if (!action) return { ok: false, text: this.noSuchAlias(req.name) };
    const done = await executor.inSession(session, (call) => call('chatbot', 'DeleteCustomAction', { CustomActionArn: action.arn }));
    if (!done.ok) return this.noRole(roleArn, done.error);
    if (!done.value.ok) return failed(done.value.error);
    return { ok: true, logged: { command: `chatbot ${title}` }, text: `Alias \`${action.aliasName}\` deleted (custom action \`${action.arn}\`).` };
  }

  /** `@aws run <name> ...`: the command to run, its variables filled, or why not. */
  async expand(req: Extract<AliasRequest, { kind: 'run' }>, config: ChannelConfig): Promise<{ ok: true; command: string } | { ok: false; message: string }> {
    if (!req.name) return { ok: false, message: 'Which alias? `@aws run <name> [values]`; `@aws alias list` shows this channel\'s aliases.' };
    const action = await this.find(config, req.name);
    if (!action) return { ok: false, message: this.noSuchAlias(req.name) };
    const vars = commandVariables(action.commandText);
    const read = runValues(req.args, vars);
    if (!read.ok) return { ok: false, message: `${read.message}\nRun it: ${runUsage(action.aliasName!, vars)}` };
    const filled = fillCommand(action.commandText, read.values);
    if (filled.ok) return { ok: true, command: filled.command };
    if ('missing' in filled) {
      return { ok: false, message: `\`${action.aliasName}\` needs ${filled.missing.map((v) => `\`$${v}\``).join(', ')}.\nRun it: ${runUsage(action.aliasName!, vars)}` };
    }
    return { ok: false, message: filled.message };
  }

  private noSuchAlias(name: string): string {
    return `This channel has no alias \`${name}\`. \`@aws alias list\` shows its aliases; a custom action is an alias here once it has an alias name and is associated with this channel's configuration.`;
  }

  private noRole(roleArn: string, error: { message: string }): AliasAnswer {
    return { ok: false, text: `I could not assume the role \`${roleArn}\`: ${error.message}\nIts trust policy must allow the service principal \`chatbot.amazonaws.com\` to call \`sts:AssumeRole\`.` };
  }
}
