// Reads a chat message in the AWS CLI's syntax (`@aws lambda list-functions --region us-west-2`)
// into a service, an operation and an input typed by the model, or explains what is wrong.
import type { ServiceDefinition } from '../core/service.js';
import { awsServiceNames, partitionRegions, type ServiceModel, type Shape } from '../protocol/model.js';
import { readJsonValue } from '../protocol/json-shapes.js';
import { readScalar } from '../protocol/xml.js';
import { CLI_SERVICE_NAMES, cliName, suggest } from './cli-names.js';
import { parseShorthand, type ShorthandValue } from './shorthand.js';
import { highLevelS3 } from './s3-commands.js';
import { protectedAction, protectionMessage } from './protection.js';

export type ParsedCommand =
  | { kind: 'help'; service?: ServiceDefinition; cliService?: string; opName?: string; word?: string }
  | { kind: 'call'; service: ServiceDefinition; cliService: string; opName: string; input: Record<string, unknown>; region?: string; output: 'text' | 'json' }
  | { kind: 'error'; message: string; /** The protection policy's entry that refused the command. */ refusedBy?: string };

export interface ServiceLookup {
  /** Builds a forwarded service on first use (its model loads then). */
  byName(name: string): ServiceDefinition | undefined;
  /** Every service's model name, without building any. */
  names(): string[];
}

/**
 * Slack wraps text: `<@U123>` mentions, `&lt;` entities, smart quotes, and links. A link with a label
 * is something Slack recognised in what was typed (`x.com` arrives as `<http://x.com|x.com>`): the
 * label is what the person wrote. Phones turn `--` into a dash.
 */
export function normalizeSlackText(text: string): string {
  return text
    .replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, ' ')
    .replace(/<(https?:\/\/[^|>]+)\|([^>]*)>/g, '$2')
    .replace(/<(https?:\/\/[^|>]+)>/g, '$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/[\u201c\u201d]/g, '"').replace(/[\u2018\u2019]/g, "'").replace(/[\u2013\u2014]/g, '--')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    .trim();
}

/**
 * The names that address the bot when they arrive as typed rather than as a Slack mention: `@aws`
 * (AWS Chatbot's name), `@Amazon Q` and `@Q` (its name since the rename), and a bare `aws`.
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/intro-to-the-aws-cli-in-slack.html
 */
const BOT_NAME = /^(?:@aws|@amazon\s+q|@amazonq|@q|aws)(?=\s|$)\s*/i;

/** The command without the name it was addressed to. */
export function stripBotName(text: string): string {
  return text.replace(BOT_NAME, '');
}

/** Splits like a POSIX shell: quotes group, backslash escapes. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; has = true; }
    else if (c === '\\' && i + 1 < text.length) { cur += text[++i]; has = true; }
    else if (/\s/.test(c)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else { cur += c; has = true; }
  }
  if (quote) throw new Error(`unterminated ${quote} quote`);
  if (has || cur) out.push(cur);
  return out;
}

/** The service a CLI service name (`s3api`, `ec2`, `cloudwatch`) names, if served here. */
function serviceNamed(lookup: ServiceLookup, cliService: string): ServiceDefinition | undefined {
  const name = cliService.toLowerCase();
  return lookup.byName(name) ?? (CLI_SERVICE_NAMES[name] ? lookup.byName(CLI_SERVICE_NAMES[name]) : undefined);
}

/** The CLI's names of every service served here (`s3api`, not `s3`). */
export function cliServiceNames(lookup: ServiceLookup): string[] {
  const byModel = new Map(Object.entries(CLI_SERVICE_NAMES).map(([cli, model]) => [model, cli]));
  return lookup.names().map((n) => byModel.get(n) ?? n);
}

const operationNameCache = new WeakMap<ServiceModel, Map<string, string>>();

const servedNameCache = new WeakMap<ServiceDefinition, Map<string, string>>();

/** CLI name → operation name, for the operations this server has a handler for. */
export function servedOperationNames(service: ServiceDefinition): Map<string, string> {
  let names = servedNameCache.get(service);
  if (!names) {
    names = new Map([...operationNames(service.model)].filter(([, op]) => service.handlers[op] !== undefined));
    servedNameCache.set(service, names);
  }
  return names;
}

let awsServices: Set<string> | undefined;

/** Why a service name is not served: a real AWS service chattrail does not emulate, or a typo. */
function unknownService(svcName: string, lookup: ServiceLookup): string {
  const name = svcName.toLowerCase();
  awsServices ??= new Set(awsServiceNames());
  const served = cliServiceNames(lookup);
  if (awsServices.has(name)) {
    // Natives are a handful; with a backend the list is every service the emulator serves.
    if (served.length > 20) return `chattrail does not serve \`${name}\`: it is neither emulated here nor served by the backend emulator.`;
    return `chattrail does not serve \`${name}\`: it emulates ${served.sort().map((n) => `\`${n}\``).join(', ')}, `
      + 'and forwards other services to a backend emulator when started with `CHATTRAIL_BACKEND=moto` (or `CHATTRAIL_BACKEND_URL`).';
  }
  const hint = suggest(name, served);
  return `\`${svcName}\` is not an AWS service.${hint.length ? ` Did you mean ${hint.map((h) => `\`${h}\``).join(' or ')}?` : ''} Try \`@aws help\`.`;
}

/** CLI name → operation name, computed once per model (every chat message needs it). */
export function operationNames(model: ServiceModel): Map<string, string> {
  let names = operationNameCache.get(model);
  if (!names) {
    names = new Map([...model.operations.keys()].map((op) => [cliName(op), op]));
    operationNameCache.set(model, names);
  }
  return names;
}

export function parseCommand(text: string, lookup: ServiceLookup): ParsedCommand {
  let tokens: string[];
  try {
    tokens = tokenize(stripBotName(normalizeSlackText(text)));
  } catch (e) {
    return { kind: 'error', message: `I could not read that command: ${(e as Error).message}.` };
  }
  const [svcName, opCli, ...rest] = tokens;
  if (!svcName || isHelp(svcName)) return { kind: 'help' };
  // Refused before anything else, served here or not: AWS refuses these whatever the role allows.
  const refusedBy = opCli && !isHelp(opCli) ? protectedAction(svcName, opCli) : undefined;
  if (refusedBy) return { kind: 'error', message: protectionMessage(svcName, opCli, refusedBy), refusedBy };
  const service = serviceNamed(lookup, svcName);
  const s3 = svcName.toLowerCase() === 's3' && opCli ? highLevelS3(opCli.toLowerCase(), rest) : undefined;
  if (s3) return { kind: 'error', message: s3 };
  if (!service) return { kind: 'error', message: unknownService(svcName, lookup) };
  if (!opCli || isHelp(opCli)) return { kind: 'help', service, cliService: svcName.toLowerCase(), word: rest[0] };
  const ops = servedOperationNames(service);
  const opName = ops.get(opCli.toLowerCase());
  const unserved = opName ? undefined : operationNames(service.model).get(opCli.toLowerCase());
  if (unserved) {
    return { kind: 'error', message: `chattrail does not implement \`${svcName.toLowerCase()} ${opCli.toLowerCase()}\` (${service.model.metadata.serviceId} ${unserved}) yet. \`@aws ${svcName.toLowerCase()} help\` lists the commands it runs.` };
  }
  if (!opName) {
    const hint = suggest(opCli.toLowerCase(), ops.keys());
    return { kind: 'error', message: `\`${svcName} ${opCli}\` is not a command I know.${hint.length ? ` Did you mean ${hint.map((h) => `\`${svcName} ${h}\``).join(' or ')}?` : ''} Try \`@aws ${svcName} help\`.` };
  }
  if (rest[0] === 'help' || rest.includes('--help') || rest.includes('-help')) return { kind: 'help', service, cliService: svcName.toLowerCase(), opName };
  try {
    const { input, region, output } = parseArguments(service.model, opName, rest, svcName);
    return { kind: 'call', service, cliService: svcName.toLowerCase(), opName, input, region, output };
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
}

/** `help`, `--help`, and `-help` as AWS Chatbot accepts one hyphen for two. */
function isHelp(word: string): boolean {
  return word === 'help' || word === '--help' || word === '-help';
}

/** The CLI's global options chat commands accept. */
const GLOBAL_OPTIONS = new Set(['--region', '--output']);
/** CLI options that mean nothing in chat and are passed over quietly, with how many values they take. */
const IGNORED_OPTIONS: Record<string, number> = { '--no-paginate': 0, '--no-cli-pager': 0, '--debug': 0, '--color': 1, '--cli-read-timeout': 1, '--cli-connect-timeout': 1 };
/** CLI options that cannot apply in chat, and why. */
const REFUSED_OPTIONS: Record<string, string> = {
  '--query': 'JMESPath `--query` filtering is not available in chat commands. Use the command\'s own filter parameters, or `--output json`; long results come with the full answer attached as a file.',
  '--profile': 'commands run as this channel\'s IAM role (or your linked role), so there is no profile to choose.',
  '--endpoint-url': 'commands run against this deployment; there is no endpoint to choose.',
  '--no-sign-request': 'commands always run signed, as this channel\'s IAM role.',
  '--cli-input-json': 'write the parameters as `--name value` instead.',
  '--generate-cli-skeleton': '`@aws <service> <command> help` lists a command\'s parameters.',
};
const LIMIT_MEMBERS = ['MaxResults', 'MaxItems', 'MaxRecords', 'Limit', 'MaxKeys'];

let regions: Set<string> | undefined;
function knownRegions(): Set<string> {
  regions ??= new Set(partitionRegions());
  return regions;
}

/** AWS Chatbot accepts `-region` as well as `--region` (phones turn `--` into a dash): one-hyphen names are read as options when they name one. */
function canonicalFlag(token: string, known: (flag: string) => boolean): string | undefined {
  if (token.startsWith('--')) return token;
  if (/^-[A-Za-z][\w-]*$/.test(token) && known(`-${token}`)) return `-${token}`;
  return undefined;
}

function parseArguments(model: ServiceModel, opName: string, args: string[], svcName: string) {
  const op = model.operation(opName)!;
  const shape = op.input ? model.shape(op.input.shape) : undefined;
  const members = new Map(Object.entries(shape?.members ?? {}).map(([name, ref]) => [`--${cliName(name)}`, name]));
  const input: Record<string, unknown> = {};
  let region: string | undefined;
  let output: 'text' | 'json' = 'text';
  const known = (f: string) => members.has(f) || GLOBAL_OPTIONS.has(f) || f in IGNORED_OPTIONS || f in REFUSED_OPTIONS || (f.startsWith('--no-') && members.has(`--${f.slice(5)}`));
  for (let i = 0; i < args.length;) {
    const flag = canonicalFlag(args[i], known);
    if (!flag) throw new Error(`Unexpected \`${args[i]}\`: parameters are written \`--name value\`.`);
    if (flag in REFUSED_OPTIONS) throw new Error(`\`${flag}\` is not supported here: ${REFUSED_OPTIONS[flag]}`);
    const values: string[] = [];
    let j = i + 1;
    while (j < args.length && !canonicalFlag(args[j], known)) values.push(args[j++]);
    i = j;
    if (flag in IGNORED_OPTIONS) {
      if (values.length !== IGNORED_OPTIONS[flag]) throw new Error(`\`${flag}\` takes ${IGNORED_OPTIONS[flag] ? 'one value' : 'no value'}.`);
      continue;
    }
    if (GLOBAL_OPTIONS.has(flag)) {
      if (values.length !== 1) throw new Error(`\`${flag}\` takes one value.`);
      if (flag === '--region') region = checkRegion(values[0]);
      else if (values[0] === 'json' || values[0] === 'text' || values[0] === 'table') output = values[0] === 'json' ? 'json' : 'text';
      else throw new Error('`--output` is json, text or table.');
      continue;
    }
    const negated = flag.startsWith('--no-') && !members.has(flag) ? `--${flag.slice(5)}` : undefined;
    const memberName = members.get(negated ?? flag);
    if (!memberName) {
      const limit = (flag === '--max-items' || flag === '--page-size') && LIMIT_MEMBERS.find((m) => shape?.members?.[m]);
      if (limit) throw new Error(`\`${flag}\` is an AWS CLI paging option; \`${svcName} ${cliName(opName)}\` takes \`--${cliName(limit)}\` for the number of results.`);
      // The CLI's global options are suggested too: `--regoin` is a typo of `--region`.
      const hint = suggest(flag, [...members.keys(), ...GLOBAL_OPTIONS]);
      throw new Error(`Unknown option \`${flag}\` for \`${svcName} ${cliName(opName)}\`.${hint.length ? ` Did you mean ${hint.map((h) => `\`${h}\``).join(' or ')}?` : ''}`);
    }
    const memberShape = model.shape(shape!.members![memberName].shape);
    if (memberShape.type === 'boolean' && values.length === 0) {
      input[memberName] = !negated;
      continue;
    }
    if (values.length === 0) throw new Error(`\`${flag}\` needs a value.`);
    input[memberName] = typedValue(model, memberShape, values, flag);
  }
  const missing = (shape?.required ?? []).filter((r) => input[r] === undefined);
  if (missing.length) {
    throw new Error(`The following arguments are required: ${missing.map((m) => `\`--${cliName(m)}\``).join(', ')}`);
  }
  return { input, region, output };
}

function checkRegion(region: string): string {
  if (knownRegions().has(region)) return region;
  const hint = suggest(region, knownRegions());
  throw new Error(`\`${region}\` is not an AWS Region.${hint.length ? ` Did you mean ${hint.map((h) => `\`${h}\``).join(' or ')}?` : ''}`);
}

/** A scalar typed by its shape; numbers the model calls integers must be whole. */
function scalar(shape: Shape, text: string, flag?: string): unknown {
  if ((shape.type === 'integer' || shape.type === 'long') && !/^\s*-?\d+\s*$/.test(text)) throw new Error(`\`${text}\` is not a whole number`);
  return readScalar(shape, text, flag);
}

function typedValue(model: ServiceModel, shape: Shape, values: string[], flag: string): unknown {
  const joined = values.join(' ');
  try {
    switch (shape.type) {
      case 'list': {
        const item = model.shape(shape.member!.shape);
        if (values.length === 1 && values[0].trim().startsWith('[')) return readJsonValue(model, shape, JSON.parse(values[0]), flag);
        return values.map((v) => (item.type === 'structure' || item.type === 'map' ? structured(model, item, v, flag) : scalar(item, v, flag)));
      }
      case 'structure': case 'map':
        return structured(model, shape, joined, flag);
      default:
        if (values.length > 1) throw new Error(`\`${flag}\` takes one value; quote it if it has spaces.`);
        return scalar(shape, values[0], flag);
    }
  } catch (e) {
    throw new Error(`Bad value for \`${flag}\`: ${(e as Error).message}`);
  }
}

function structured(model: ServiceModel, shape: Shape, text: string, flag: string): unknown {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) return readJsonValue(model, shape, JSON.parse(t), flag);
  return fromShorthand(model, shape, parseShorthand(t));
}

function fromShorthand(model: ServiceModel, shape: Shape, v: ShorthandValue): unknown {
  switch (shape.type) {
    case 'structure': {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Error('expected key=value pairs');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const ref = shape.members?.[k];
        if (!ref) throw new Error(`unknown key \`${k}\` (expected ${Object.keys(shape.members ?? {}).join(', ')})`);
        out[k] = fromShorthand(model, model.shape(ref.shape), x);
      }
      return out;
    }
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Error('expected key=value pairs');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = fromShorthand(model, model.shape(shape.value!.shape), x);
      return out;
    }
    case 'list': {
      const items = Array.isArray(v) ? v : [v];
      return items.map((x) => fromShorthand(model, model.shape(shape.member!.shape), x));
    }
    default:
      if (typeof v !== 'string') throw new Error('expected a plain value');
      return scalar(shape, v);
  }
}
