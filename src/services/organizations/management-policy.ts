// Management policies (the syntax CHATBOT_POLICY shares with tag, backup and AI opt-out policies):
// a JSON tree whose settings carry inheritance operators. Parsing checks a document against its
// type's schema (field names are case-insensitive, identifiers keep their spelling) and answers
// MalformedPolicyDocumentException naming the first fault.
// Syntax: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_mgmt.html
import { AwsError } from '../../protocol/errors.js';

export type ValueOperator = '@@assign' | '@@append' | '@@remove';
export const VALUE_OPERATORS: readonly ValueOperator[] = ['@@assign', '@@append', '@@remove'];
const CHILD_CONTROL = '@@operators_allowed_for_child_policies';
const CHILD_CONTROL_VALUES = ['@@all', '@@none', ...VALUE_OPERATORS];

/** One node of a parsed policy: its operators (on settings) and its fields or identifiers. */
export interface PolicyNode {
  assign?: string | string[];
  append?: string[];
  remove?: string[];
  /** @@operators_allowed_for_child_policies as written (lower case). */
  allowedForChildren?: string[];
  children: Record<string, PolicyNode>;
}

/** What a policy type accepts where: fixed fields, identifiers, or a setting. */
export type Schema =
  | { kind: 'fields'; fields: Record<string, Schema>; required?: string[] }
  | { kind: 'ids'; key: (k: string) => boolean; keyWord: string; value: Schema; max?: number }
  | { kind: 'scalar'; values: readonly string[] }
  | { kind: 'list'; item: (v: string) => boolean; itemWord: string; max?: number };

const MALFORMED = 'The provided policy document does not meet the requirements of the specified policy type.';
export const malformed = (why: string) => new AwsError('MalformedPolicyDocumentException', `${MALFORMED} ${why}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks a policy's text; throws MalformedPolicyDocumentException. */
export function parseManagementPolicy(text: string, schema: Schema): PolicyNode {
  let json: unknown;
  try { json = JSON.parse(text); } catch { throw malformed('The policy is not valid JSON.'); }
  if (!isObject(json)) throw malformed('A policy is a JSON object.');
  return parseNode(json, schema, '');
}

function parseNode(obj: Record<string, unknown>, schema: Schema, path: string): PolicyNode {
  const node: PolicyNode = { children: {} };
  const seen = new Set<string>();
  for (const [rawKey, value] of Object.entries(obj)) {
    const isOperator = rawKey.startsWith('@@');
    // Identifiers (workspace, tenant ids) keep their spelling; field names and operators do not.
    const key = isOperator || schema.kind !== 'ids' ? rawKey.toLowerCase() : rawKey;
    const at = path ? `${path}.${key}` : key;
    if (seen.has(key)) throw malformed(`\`${at}\` appears twice.`);
    seen.add(key);
    if (isOperator) { operator(node, key, value, schema, at); continue; }
    const inner = childSchema(schema, key, at);
    if (!isObject(value)) throw malformed(`\`${at}\` must be a JSON object.`);
    node.children[key] = parseNode(value, inner, at);
  }
  if (schema.kind === 'fields') {
    for (const r of schema.required ?? []) if (!node.children[r]) throw malformed(`The policy must contain \`${path ? `${path}.` : ''}${r}\`.`);
  }
  if (schema.kind === 'ids' && schema.max !== undefined && Object.keys(node.children).length > schema.max) {
    throw malformed(`\`${path}\` lists more than ${schema.max} ${schema.keyWord}s.`);
  }
  return node;
}

function childSchema(schema: Schema, key: string, at: string): Schema {
  if (schema.kind === 'fields') {
    const s = schema.fields[key];
    if (!s) throw malformed(`\`${at}\` is not a field of this policy type.`);
    return s;
  }
  if (schema.kind === 'ids') {
    if (!schema.key(key)) throw malformed(`\`${at}\` is not a valid ${schema.keyWord}.`);
    return schema.value;
  }
  throw malformed(`\`${at}\` cannot be used inside a setting: a setting holds only operators such as @@assign.`);
}

function stringList(value: unknown, at: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw malformed(`\`${at}\` takes a list of strings.`);
  if (!value.length) throw malformed(`\`${at}\` takes at least one value.`);
  return value as string[];
}

function operator(node: PolicyNode, op: string, value: unknown, schema: Schema, at: string): void {
  if (op === CHILD_CONTROL) {
    const ops = stringList(value, at).map((v) => v.toLowerCase());
    const bad = ops.find((v) => !CHILD_CONTROL_VALUES.includes(v));
    if (bad) throw malformed(`\`${at}\` allows ${CHILD_CONTROL_VALUES.join(', ')}, not \`${bad}\`.`);
    if (ops.length > 1 && (ops.includes('@@all') || ops.includes('@@none'))) throw malformed(`\`${at}\`: @@all and @@none stand alone.`);
    node.allowedForChildren = ops;
    return;
  }
  if (!(VALUE_OPERATORS as readonly string[]).includes(op)) throw malformed(`\`${at}\` is not an inheritance operator.`);
  if (schema.kind === 'scalar') {
    if (op !== '@@assign') throw malformed(`\`${at}\`: ${op} works only on settings that take a list.`);
    if (typeof value !== 'string' || !schema.values.includes(value)) throw malformed(`\`${at}\` must be one of ${schema.values.join(', ')}.`);
    node.assign = value;
    return;
  }
  if (schema.kind !== 'list') throw malformed(`\`${at}\`: operators apply to settings; this is a block of settings.`);
  const list = stringList(value, at);
  const bad = list.find((v) => !schema.item(v));
  if (bad !== undefined) throw malformed(`\`${at}\`: \`${bad}\` is not a valid ${schema.itemWord}.`);
  if (schema.max !== undefined && list.length > schema.max) throw malformed(`\`${at}\` lists more than ${schema.max} values.`);
  if (op === '@@assign') node.assign = list;
  else if (op === '@@append') node.append = list;
  else node.remove = list;
}

// --- The chat applications policy (CHATBOT_POLICY) ---
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_chatbot_syntax.html

const client: Schema = { kind: 'scalar', values: ['enabled', 'disabled'] };
const oneOf = (values: string[], word: string, max?: number): Schema => ({ kind: 'list', item: (v) => values.includes(v), itemWord: word, max });
const channelTypes = oneOf(['public', 'private'], 'channel type (public or private)');
const roleSettings = oneOf(['user_role', 'channel_role'], 'role setting (user_role or channel_role)');
/** Slack workspace (team) ids: T0123ABCD, or E... for Enterprise Grid. */
const slackWorkspace = (v: string) => /^[A-Za-z0-9]{1,255}$/.test(v);
const teamsId = (v: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);
const slackSettings: Schema = { kind: 'fields', fields: { supported_channel_types: channelTypes, supported_role_settings: roleSettings } };
const teamsSettings: Schema = { kind: 'fields', fields: { supported_role_settings: roleSettings } };

export const CHATBOT_POLICY_SCHEMA: Schema = {
  kind: 'fields', required: ['chatbot'],
  fields: {
    chatbot: {
      kind: 'fields',
      fields: {
        platforms: {
          kind: 'fields',
          fields: {
            slack: {
              kind: 'fields',
              fields: {
                client,
                workspaces: { kind: 'list', item: (v) => v === '*' || slackWorkspace(v), itemWord: 'Slack workspace id', max: 255 },
                default: slackSettings,
                overrides: { kind: 'ids', key: slackWorkspace, keyWord: 'Slack workspace id', value: slackSettings, max: 255 },
              },
            },
            microsoft_teams: {
              kind: 'fields',
              fields: {
                client,
                tenants: { kind: 'ids', key: (k) => k === '*' || teamsId(k), keyWord: 'Microsoft Teams tenant id', max: 36,
                  value: { kind: 'list', item: (v) => v === '*' || teamsId(v), itemWord: 'Microsoft Teams team id', max: 36 } },
                default: teamsSettings,
                overrides: { kind: 'ids', key: teamsId, keyWord: 'Microsoft Teams tenant id', max: 36,
                  value: { kind: 'ids', key: teamsId, keyWord: 'Microsoft Teams team id', value: teamsSettings, max: 36 } },
              },
            },
            chime: { kind: 'fields', fields: { client } },
          },
        },
        default: { kind: 'fields', fields: { client } },
      },
    },
  },
};

/** The policy types chattrail enforces, with the schema their content must follow. */
export const ENFORCED_TYPES: Record<string, Schema> = { CHATBOT_POLICY: CHATBOT_POLICY_SCHEMA };
