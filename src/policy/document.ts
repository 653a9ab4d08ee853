// IAM policy documents: their types, and parsing the JSON text a caller sends (CreatePolicy,
// CreateRole's trust policy, PutBucketPolicy...) into a validated, normalized document.
// Rejections carry AWS's MalformedPolicyDocument wording; size limits are the caller's job.

import { isKnownConditionOperator, type ConditionBlock, type ConditionScalar, type ConditionValue } from './conditions.js';

export type Effect = 'Allow' | 'Deny';
export type PrincipalSpec = '*' | Record<string, string | string[]>;

export interface Statement {
  Sid?: string;
  Effect: Effect;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: PrincipalSpec;
  NotPrincipal?: PrincipalSpec;
  Condition?: ConditionBlock;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: Statement[];
}

/** Identity policies attach to users/roles/groups; trust policies say who may assume a role;
 * resource policies sit on a bucket, topic or function. Each has different required elements. */
export type PolicyKind = 'identity' | 'trust' | 'resource';

/** Not an AwsError on purpose: the code differs by service (IAM: MalformedPolicyDocument,
 * S3: MalformedPolicy, SNS: InvalidParameter), so the calling handler maps it. */
export class PolicyParseError extends Error {
  readonly code = 'MalformedPolicyDocument';
  constructor(message: string) {
    super(message);
    this.name = 'PolicyParseError';
  }
}

const SYNTAX = 'Syntax errors in policy.';
/** The only versions IAM accepts; anything else is refused as AWS does. */
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const DOCUMENT_FIELDS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_FIELDS = new Set([
  'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition',
]);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);

export function parsePolicyDocument(text: string, kind: PolicyKind): PolicyDocument {
  const raw = parseJson(text);
  if (!isObject(raw)) throw new PolicyParseError(SYNTAX);
  for (const field of Object.keys(raw)) if (!DOCUMENT_FIELDS.has(field)) throw new PolicyParseError(SYNTAX);
  const doc: PolicyDocument = { Statement: parseStatements(raw.Statement, kind) };
  if (raw.Version !== undefined) doc.Version = parseVersion(raw.Version);
  if (raw.Id !== undefined) {
    if (typeof raw.Id !== 'string') throw new PolicyParseError(SYNTAX);
    doc.Id = raw.Id;
  }
  return doc;
}

/** IAM hands documents back URL-encoded (GetPolicyVersion, GetRole), and clients echo that. */
function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const candidate of [() => body, () => decodeURIComponent(body), () => decodeURIComponent(body.replace(/\+/g, '%20'))]) {
    try {
      return JSON.parse(candidate());
    } catch {
      // try the next decoding
    }
  }
  throw new PolicyParseError(SYNTAX);
}

function parseVersion(value: unknown): string {
  if (typeof value !== 'string') throw new PolicyParseError(SYNTAX);
  if (!VERSIONS.has(value)) throw new PolicyParseError('The policy failed legacy parsing');
  return value;
}

function parseStatements(value: unknown, kind: PolicyKind): Statement[] {
  if (value === undefined) throw new PolicyParseError('Missing required field Statement');
  const list = Array.isArray(value) ? value : [value];
  const sids = new Set<string>();
  return list.map((item: unknown) => {
    const statement = parseStatement(item, kind);
    if (statement.Sid !== undefined && statement.Sid !== '') {
      if (sids.has(statement.Sid)) throw new PolicyParseError('Statement IDs (SID) in a single policy must be unique.');
      sids.add(statement.Sid);
    }
    return statement;
  });
}

function parseStatement(raw: unknown, kind: PolicyKind): Statement {
  if (!isObject(raw)) throw new PolicyParseError(SYNTAX);
  for (const field of Object.keys(raw)) if (!STATEMENT_FIELDS.has(field)) throw new PolicyParseError(SYNTAX);
  const statement: Statement = { Effect: parseEffect(raw) };
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== 'string') throw new PolicyParseError(SYNTAX);
    statement.Sid = raw.Sid;
  }
  parseActions(raw, statement);
  parseResources(raw, statement, kind);
  parsePrincipals(raw, statement, kind);
  if (raw.Condition !== undefined) statement.Condition = parseCondition(raw.Condition);
  return statement;
}

function parseEffect(raw: Record<string, unknown>): Effect {
  const effect = raw.Effect;
  if (effect === undefined) throw new PolicyParseError('Missing required field Effect');
  if (effect !== 'Allow' && effect !== 'Deny') throw new PolicyParseError(`Invalid effect: ${String(effect)}`);
  return effect;
}

function parseActions(raw: Record<string, unknown>, out: Statement): void {
  const pair = exclusivePair(raw, 'Action', 'NotAction');
  if (pair === undefined) throw new PolicyParseError('Policy statement must contain actions.');
  for (const action of asList(pair.value)) {
    if (action !== '*' && !action.includes(':')) {
      throw new PolicyParseError('Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.');
    }
  }
  out[pair.name] = pair.value;
}

function parseResources(raw: Record<string, unknown>, out: Statement, kind: PolicyKind): void {
  const pair = exclusivePair(raw, 'Resource', 'NotResource');
  if (pair === undefined) {
    if (kind === 'identity') throw new PolicyParseError('Policy statement must contain resources.');
    return;
  }
  for (const resource of asList(pair.value)) {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      throw new PolicyParseError(`Resource ${resource} must be in ARN format or "*".`);
    }
  }
  out[pair.name] = pair.value;
}

function parsePrincipals(raw: Record<string, unknown>, out: Statement, kind: PolicyKind): void {
  if (kind === 'identity') {
    if (raw.Principal !== undefined || raw.NotPrincipal !== undefined) {
      throw new PolicyParseError('Policy document should not specify a principal.');
    }
    return;
  }
  if (raw.Principal !== undefined && raw.NotPrincipal !== undefined) throw new PolicyParseError(SYNTAX);
  if (raw.Principal === undefined && raw.NotPrincipal === undefined) {
    throw new PolicyParseError('Missing required field Principal');
  }
  if (raw.Principal !== undefined) out.Principal = parsePrincipal(raw.Principal);
  else out.NotPrincipal = parsePrincipal(raw.NotPrincipal);
}

function parsePrincipal(value: unknown): PrincipalSpec {
  if (value === '*') return '*';
  if (!isObject(value)) throw new PolicyParseError(SYNTAX);
  const spec: Record<string, string | string[]> = {};
  for (const [type, ids] of Object.entries(value)) {
    if (!PRINCIPAL_TYPES.has(type)) throw new PolicyParseError(`Invalid principal in policy: "${type}"`);
    if (!isStringOrList(ids)) throw new PolicyParseError(SYNTAX);
    for (const id of asList(ids)) {
      if (id === '') throw new PolicyParseError(`Invalid principal in policy: "${type}":""`);
    }
    spec[type] = ids;
  }
  if (Object.keys(spec).length === 0) throw new PolicyParseError(SYNTAX);
  return spec;
}

function parseCondition(value: unknown): ConditionBlock {
  if (!isObject(value)) throw new PolicyParseError(SYNTAX);
  const block: ConditionBlock = {};
  for (const [operator, keys] of Object.entries(value)) {
    if (!isKnownConditionOperator(operator)) throw new PolicyParseError(`Invalid Condition type : ${operator}`);
    if (!isObject(keys)) throw new PolicyParseError(SYNTAX);
    const parsed: Record<string, ConditionValue> = {};
    for (const [key, v] of Object.entries(keys)) {
      if (!isConditionValue(v)) throw new PolicyParseError(SYNTAX);
      parsed[key] = v;
    }
    block[operator] = parsed;
  }
  return block;
}

/** Exactly one of `name`/`notName`, as a non-empty string or list of strings. */
function exclusivePair<K extends 'Action' | 'Resource'>(
  raw: Record<string, unknown>,
  name: K,
  notName: `Not${K}`,
): { name: K | `Not${K}`; value: string | string[] } | undefined {
  const positive = raw[name];
  const negative = raw[notName];
  if (positive !== undefined && negative !== undefined) throw new PolicyParseError(SYNTAX);
  const field: K | `Not${K}` = positive !== undefined ? name : notName;
  const value = positive !== undefined ? positive : negative;
  if (value === undefined) return undefined;
  if (!isStringOrList(value)) throw new PolicyParseError(SYNTAX);
  if (Array.isArray(value) && value.length === 0) return undefined;
  return { name: field, value };
}

function asList(value: string | string[]): string[] {
  return typeof value === 'string' ? [value] : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrList(value: unknown): value is string | string[] {
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

function isScalar(value: unknown): value is ConditionScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function isConditionValue(value: unknown): value is ConditionValue {
  return isScalar(value) || (Array.isArray(value) && value.every(isScalar));
}

/**
 * A resource policy (a bucket's) parsed once per distinct text: the same few policies are checked on
 * every call to their resource and by every delivery into it. Throws PolicyParseError as
 * parsePolicyDocument does.
 */
const parsedResourcePolicies = new Map<string, PolicyDocument>();
export function parsedResourcePolicy(text: string): PolicyDocument {
  let doc = parsedResourcePolicies.get(text);
  if (!doc) {
    doc = parsePolicyDocument(text, 'resource');
    if (parsedResourcePolicies.size > 1000) parsedResourcePolicies.clear();
    parsedResourcePolicies.set(text, doc);
  }
  return doc;
}
