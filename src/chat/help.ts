// The answers to `@aws help`, `@aws <service> help [word]` and `@aws <service> <command> help`,
// written from the models so they list exactly what this server speaks, and fit one Slack message.
import type { ServiceDefinition } from '../core/service.js';
import type { MemberRef, Operation, ServiceModel, Shape } from '../protocol/model.js';
import { isReadOnly } from '../records/record.js';
import { cliName } from './cli-names.js';
import { cliServiceNames, servedOperationNames, type ServiceLookup } from './command.js';

const HELP_CHARS = 3000;

/** botocore keeps the documentation the typed model leaves out; it is HTML. */
function firstSentence(html: string | undefined): string {
  const text = (html ?? '').replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  const s = m ? m[1] : text;
  return s.length > 200 ? `${s.slice(0, 197)}...` : s;
}

export function cliServiceName(s: ServiceDefinition): string {
  return s.model.name === 's3' ? 's3api' : s.model.name;
}

export function generalHelp(services: ServiceLookup): string {
  const names = cliServiceNames(services).sort();
  return [
    "Ask me with the AWS CLI's syntax: `@aws <service> <command> [--parameter value ...] [--region <region>] [--output json]`.",
    `Services: ${names.map((n) => `\`${n}\``).join(', ')}.`,
    'Example: `@aws lambda list-functions --region us-west-2`. `@aws <service> help` lists a service\'s commands, `@aws <service> <command> help` its parameters.',
    'Parameters may also be written with one hyphen (`-region`), which phones do not turn into a dash. Commands that change something ask you to confirm first.',
    'Aliases: `@aws alias create <name> <command with $variables>`, `@aws alias list`, `@aws run <name> <values>`; `@aws alias help` says more.',
  ].join('\n');
}

/** The service's commands this server runs, filtered by `word` when given; cut at a whole name with a pointer to the filter. */
export function serviceHelp(service: ServiceDefinition, cliService: string, word?: string): string {
  const all = [...servedOperationNames(service).keys()].sort();
  const ops = word ? all.filter((o) => o.includes(word.toLowerCase())) : all;
  if (!ops.length) return `No \`${cliService}\` command contains \`${word}\`. \`@aws ${cliService} help\` lists them all.`;
  const head = word ? `\`${cliService}\` commands with \`${word}\` (${ops.length} of ${all.length}): ` : `\`${cliService}\` commands (${ops.length}): `;
  let text = head;
  let shown = 0;
  for (const o of ops) {
    const item = `${shown ? ', ' : ''}\`${o}\``;
    if (text.length + item.length > HELP_CHARS) break;
    text += item;
    shown++;
  }
  if (shown < ops.length) text += `, ... and ${ops.length - shown} more. Narrow the list with a word: \`@aws ${cliService} help ${word ? 'get' : 'list'}\`.`;
  return `${text}\n\`@aws ${cliService} <command> help\` shows a command's parameters.`;
}

/** What to type for a structured parameter: the shorthand skeleton (`Key=string,Value=string`). */
function skeleton(model: ServiceModel, shape: Shape, depth = 0): string {
  if (depth > 1) return '...';
  switch (shape.type) {
    case 'structure':
      return Object.entries(shape.members ?? {}).map(([k, ref]) => {
        const inner = model.shape(ref.shape);
        const v = skeleton(model, inner, depth + 1);
        return `${k}=${inner.type === 'structure' || inner.type === 'map' ? `{${v}}` : inner.type === 'list' ? `[${v}]` : v}`;
      }).join(',');
    case 'map': return 'KeyName1=string,KeyName2=string';
    case 'list': {
      const item = model.shape(shape.member!.shape);
      return item.type === 'structure' ? `${skeleton(model, item, depth)} ...` : `${item.type} ${item.type} ...`;
    }
    default: return shape.enum ? shape.enum.slice(0, 4).join('|') + (shape.enum.length > 4 ? '|...' : '') : shape.type;
  }
}

function parameterLine(model: ServiceModel, name: string, ref: MemberRef, required: boolean): string {
  const shape = model.shape(ref.shape);
  const flag = `--${cliName(name)}`;
  const kind = shape.type === 'boolean' ? `${flag} | --no-${cliName(name)}` : `${flag} ${shape.type === 'structure' || shape.type === 'list' || shape.type === 'map' ? skeleton(model, shape) : `<${shape.enum ? skeleton(model, shape) : shape.type}>`}`;
  return `${required ? '*required*' : 'optional'}  \`${kind}\``;
}

export function operationHelp(service: ServiceDefinition, cliService: string, opName: string): string {
  const model = service.model;
  const op = model.operation(opName) as (Operation & { documentation?: string }) | undefined;
  const shape = op?.input ? model.shape(op.input.shape) : undefined;
  const required = new Set(shape?.required ?? []);
  const members = Object.entries(shape?.members ?? {}).sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)) || a.localeCompare(b));
  const lines = [`*${cliService} ${cliName(opName)}*: ${firstSentence(op?.documentation) || opName}`];
  lines.push(members.length ? members.map(([n, ref]) => parameterLine(model, n, ref, required.has(n))).join('\n') : 'No parameters.');
  lines.push(isReadOnly(opName, service.recording) ? 'Reads only; runs at once.' : 'Changes resources: I will ask you to confirm before running it.');
  const text = lines.join('\n');
  return text.length > HELP_CHARS ? `${text.slice(0, text.lastIndexOf('\n', HELP_CHARS))}\n...` : text;
}
