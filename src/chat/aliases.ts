// Command aliases as a channel types them: `@aws alias create|list|get|delete ...` and
// `@aws run <alias> [value ...] [--var name=value ...]`. Reads the words, finds a command's
// `$variables` (in order of first appearance) and fills them: no I/O here (channel-aliases.ts acts).
import { normalizeSlackText, stripBotName, tokenize } from './command.js';

export type AliasRequest =
  | { kind: 'alias'; verb: 'create'; name?: string; commandText?: string }
  | { kind: 'alias'; verb: 'list' | 'help' }
  | { kind: 'alias'; verb: 'get'; name?: string }
  | { kind: 'alias'; verb: 'delete'; name?: string }
  | { kind: 'alias'; verb: 'unknown'; word: string }
  | { kind: 'run'; name?: string; args: string[] }
  | { kind: 'error'; message: string };

/** `$name` or `${name}`: names as CreateCustomAction's Variables keys are written ([A-Za-z0-9-_]+). */
const VARIABLE = /\$\{([A-Za-z0-9_-]+)\}|\$([A-Za-z0-9_-]+)/g;

/** The alias or run request a message makes, or undefined when it is an ordinary command. */
export function aliasRequest(text: string): AliasRequest | undefined {
  const body = stripBotName(normalizeSlackText(text));
  const m = /^(alias|run)(?:\s+|$)([\s\S]*)$/i.exec(body);
  if (!m) return undefined;
  const rest = m[2].trim();
  if (m[1].toLowerCase() === 'run') {
    try {
      const [name, ...args] = tokenize(rest);
      return { kind: 'run', name, args };
    } catch (e) {
      return { kind: 'error', message: `I could not read that command: ${(e as Error).message}.` };
    }
  }
  const [, verb = '', after = ''] = /^(\S*)\s*([\s\S]*)$/.exec(rest) ?? [];
  const word = verb.toLowerCase();
  if (word === 'create') {
    const c = /^(\S+)(?:\s+([\s\S]*))?$/.exec(after.trim());
    return { kind: 'alias', verb: 'create', name: c?.[1], commandText: c?.[2] ? commandOf(c[2]) : undefined };
  }
  const named = after.trim().split(/\s+/)[0] || undefined;
  if (word === 'get') return { kind: 'alias', verb: 'get', name: named };
  if (word === 'delete') return { kind: 'alias', verb: 'delete', name: named };
  if (word === 'list') return { kind: 'alias', verb: 'list' };
  if (word === '' || word === 'help' || word === '--help' || word === '-help') return { kind: 'alias', verb: 'help' };
  return { kind: 'alias', verb: 'unknown', word: verb };
}

/** An alias's command as stored: without a leading `aws` (or a mention), as CLI examples write it. */
function commandOf(text: string): string {
  return stripBotName(text.trim()).trim();
}

/** The command's variables, each once, in the order they first appear. */
export function commandVariables(commandText: string): string[] {
  const seen: string[] = [];
  for (const m of commandText.matchAll(VARIABLE)) {
    const name = m[1] ?? m[2];
    if (!seen.includes(name)) seen.push(name);
  }
  return seen;
}

/** A token written so `tokenize` reads it back unchanged (only whitespace, quotes and backslashes matter to it). */
export function quoteToken(token: string): string {
  if (/^[^\s'"\\]+$/.test(token)) return token;
  if (!token.includes("'")) return `'${token}'`;
  return `"${token.replace(/(["\\])/g, '\\$1')}"`;
}

export type Filled = { ok: true; command: string } | { ok: false; missing: string[] } | { ok: false; message: string };

/**
 * The command with its variables replaced by `values`. Values replace within words, never split or
 * join them: a value with spaces or quotes stays one parameter value, as if typed in quotes.
 */
export function fillCommand(commandText: string, values: Record<string, string>): Filled {
  const missing = commandVariables(commandText).filter((v) => values[v] === undefined);
  if (missing.length) return { ok: false, missing };
  let tokens: string[];
  try {
    tokens = tokenize(commandText);
  } catch (e) {
    return { ok: false, message: `The alias's command cannot be read: ${(e as Error).message}.` };
  }
  const filled = tokens.map((t) => t.replace(VARIABLE, (_m, braced: string | undefined, bare: string | undefined) => values[braced ?? bare ?? ''] ?? ''));
  return { ok: true, command: filled.map(quoteToken).join(' ') };
}

/**
 * Reads `@aws run <alias>`'s words: `--var name=value` (or `-var`) names a variable; other words
 * fill the remaining variables in order of first appearance.
 */
export function runValues(args: string[], variables: string[]): { ok: true; values: Record<string, string> } | { ok: false; message: string } {
  const values: Record<string, string> = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--var' || a === '-var') {
      const pair = args[++i];
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) return { ok: false, message: '`--var` takes `name=value`, for example `--var region=us-west-2`.' };
      const name = pair.slice(0, eq).replace(/^\$/, '');
      if (!variables.includes(name)) {
        return { ok: false, message: `This alias has no variable \`${name}\`${variables.length ? `; its variables are ${variables.map((v) => `\`$${v}\``).join(', ')}` : ''}.` };
      }
      values[name] = pair.slice(eq + 1);
    } else {
      positional.push(a);
    }
  }
  const open = variables.filter((v) => values[v] === undefined);
  if (positional.length > open.length) {
    return { ok: false, message: `Too many values: this alias takes ${variables.length ? variables.map((v) => `\`$${v}\``).join(', ') : 'no values'}, and \`${positional.slice(open.length).join(' ')}\` is left over.` };
  }
  positional.forEach((p, i) => { values[open[i]] = p; });
  return { ok: true, values };
}

/** How to run an alias, for replies. */
export function runUsage(name: string, variables: string[]): string {
  return `\`@aws run ${name}${variables.map((v) => ` <${v}>`).join('')}\`${variables.length ? ` or \`@aws run ${name} ${variables.map((v) => `--var ${v}=<value>`).join(' ')}\`` : ''}`;
}
