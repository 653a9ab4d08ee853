// Access Analyzer's ValidatePolicy checks that chattrail implements: policy grammar (JSON syntax,
// elements, Version, Effect, missing parts), actions and condition keys against AWS's service
// authorization reference, and a few warnings and suggestions, each with AWS's issue code and the
// location (path and span) it concerns. IAM itself keeps accepting unknown actions, as AWS's does.
import { isKnownConditionOperator } from '../../policy/conditions.js';
import { actionsOf, conditionKeyExists } from './iam-catalog.js';
import { JsonSyntaxError, parseJsonTree, positionAt, type JsonEntry, type JsonNode, type Position } from './json-tree.js';

export type FindingType = 'ERROR' | 'SECURITY_WARNING' | 'SUGGESTION' | 'WARNING';
export type PathElement = { index: number } | { key: string } | { value: string };
export interface Finding {
  findingDetails: string;
  findingType: FindingType;
  issueCode: string;
  learnMoreLink: string;
  locations: { path: PathElement[]; span: { start: Position; end: Position } }[];
}
export type PolicyType = 'IDENTITY_POLICY' | 'RESOURCE_POLICY' | 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

const DOCS = 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks';
const TITLES: Record<FindingType, string> = { ERROR: 'error', SECURITY_WARNING: 'security-warning', SUGGESTION: 'suggestion', WARNING: 'general-warning' };
const VERSIONS = ['2012-10-17', '2008-10-17'];
const POLICY_ELEMENTS = ['Version', 'Id', 'Statement'];
const STATEMENT_ELEMENTS = ['Sid', 'Effect', 'Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];

interface Ctx { text: string; findings: Finding[]; policyType: PolicyType; resourceType?: string }
type Where = { path: PathElement[]; start: number; end: number };

function add(c: Ctx, type: FindingType, issueCode: string, details: string, where: Where): void {
  const anchor = issueCode.toLowerCase().replaceAll('_', '-');
  c.findings.push({
    findingDetails: details, findingType: type, issueCode, learnMoreLink: `${DOCS}-${TITLES[type]}-${anchor}`,
    locations: [{ path: where.path, span: { start: positionAt(c.text, where.start), end: positionAt(c.text, where.end) } }],
  });
}

const at = (path: PathElement[], node: { start: number; end: number }): Where => ({ path, start: node.start, end: node.end });
const keyAt = (path: PathElement[], e: JsonEntry): Where => ({ path: [...path, { key: e.key }], start: e.keyStart, end: e.keyEnd });
const entry = (node: JsonNode, key: string): JsonEntry | undefined => (node.kind === 'object' ? node.entries.find((e) => e.key === key) : undefined);

/** Every finding for one policy document, in document order. */
export async function validatePolicy(text: string, policyType: PolicyType, resourceType?: string): Promise<Finding[]> {
  const c: Ctx = { text, findings: [], policyType, resourceType };
  let root: JsonNode;
  try {
    root = parseJsonTree(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const p = positionAt(text, e.offset);
    add(c, 'ERROR', 'JSON_SYNTAX_ERROR', `Fix the JSON syntax error at index ${p.offset} line ${p.line} column ${p.column}.`, { path: [], start: e.offset, end: e.offset });
    return c.findings;
  }
  if (root.kind !== 'object') {
    add(c, 'ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', at([], root));
    return c.findings;
  }
  for (const e of root.entries) if (!POLICY_ELEMENTS.includes(e.key)) add(c, 'ERROR', 'INVALID_POLICY_ELEMENT', `The policy element ${e.key} is not valid.`, keyAt([], e));
  const version = entry(root, 'Version');
  if (!version) {
    add(c, 'WARNING', 'MISSING_VERSION', 'We recommend that you specify the Version element to help you with debugging permission issues.', at([], { start: root.start, end: root.start + 1 }));
  } else if (version.value.kind !== 'string' || !VERSIONS.includes(version.value.value)) {
    add(c, 'ERROR', 'INVALID_VERSION', `The version ${version.value.kind === 'string' ? version.value.value : text.slice(version.value.start, version.value.end)} is not valid. Use one of the following versions: ${VERSIONS.join(', ')}`, at([{ value: 'Version' }], version.value));
  }
  const statement = entry(root, 'Statement');
  if (!statement) {
    add(c, 'ERROR', 'MISSING_STATEMENT', 'Add a Statement element to the policy.', at([], { start: root.start, end: root.start + 1 }));
    return c.findings;
  }
  const path: PathElement[] = [{ value: 'Statement' }];
  if (statement.value.kind === 'array') {
    for (const [i, s] of statement.value.items.entries()) await checkStatement(c, s, [...path, { index: i }]);
  } else {
    await checkStatement(c, statement.value, path);
  }
  return c.findings;
}

async function checkStatement(c: Ctx, s: JsonNode, path: PathElement[]): Promise<void> {
  if (s.kind !== 'object') {
    add(c, 'ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', at(path, s));
    return;
  }
  for (const e of s.entries) if (!STATEMENT_ELEMENTS.includes(e.key)) add(c, 'ERROR', 'INVALID_POLICY_ELEMENT', `The policy element ${e.key} is not valid.`, keyAt(path, e));
  const head = { start: s.start, end: s.start + 1 };
  const effect = entry(s, 'Effect');
  if (!effect) add(c, 'ERROR', 'MISSING_EFFECT', 'Add an Effect element to the policy statement with a value of Allow or Deny.', at(path, head));
  else if (effect.value.kind !== 'string' || !['Allow', 'Deny'].includes(effect.value.value)) {
    add(c, 'ERROR', 'INVALID_EFFECT', `The Effect element value ${text(c, effect.value)} is not valid. Use Allow or Deny.`, at([...path, { value: 'Effect' }], effect.value));
  }
  const actionKey = entry(s, 'Action') ? 'Action' : entry(s, 'NotAction') ? 'NotAction' : undefined;
  if (!actionKey) add(c, 'ERROR', 'MISSING_ACTION', 'Add an Action or NotAction element to the policy statement.', at(path, head));
  const resourceKey = entry(s, 'Resource') ? 'Resource' : entry(s, 'NotResource') ? 'NotResource' : undefined;
  const trustPolicy = c.resourceType === 'AWS::IAM::AssumeRolePolicyDocument';
  if (!resourceKey && !trustPolicy) add(c, 'ERROR', 'MISSING_RESOURCE', 'Add a Resource or NotResource element to the policy statement.', at(path, head));
  const principal = entry(s, 'Principal') ?? entry(s, 'NotPrincipal');
  if (principal && (c.policyType === 'IDENTITY_POLICY' || c.policyType === 'SERVICE_CONTROL_POLICY')) {
    add(c, 'ERROR', 'UNSUPPORTED_PRINCIPAL', `The policy type ${c.policyType} does not support the ${principal.key} element. Remove the ${principal.key} element.`, keyAt(path, principal));
  }
  if (!principal && (c.policyType === 'RESOURCE_POLICY' || trustPolicy)) {
    add(c, 'ERROR', 'MISSING_PRINCIPAL', 'Add a Principal element to the policy statement.', at(path, head));
  }
  const actions = actionKey ? await checkActions(c, entry(s, actionKey)!, path) : [];
  if (resourceKey) checkEmptyArray(c, entry(s, resourceKey)!, path, 'EMPTY_ARRAY_RESOURCE', 'This statement includes no resources and does not affect the policy. Specify resources.');
  const condition = entry(s, 'Condition');
  if (condition) await checkCondition(c, condition.value, [...path, { value: 'Condition' }]);
  checkPassRole(c, s, path, actionKey, actions);
}

function text(c: Ctx, node: JsonNode): string {
  return node.kind === 'string' ? node.value : c.text.slice(node.start, node.end);
}

/** String or array of strings; each `service:action` (wildcards allowed) must name what AWS defines. */
async function checkActions(c: Ctx, e: JsonEntry, path: PathElement[]): Promise<string[]> {
  const base: PathElement[] = [...path, { value: e.key }];
  checkEmptyArray(c, e, path, 'EMPTY_ARRAY_ACTION', 'This statement includes no actions and does not affect the policy. Specify actions.');
  const items: [JsonNode, PathElement[]][] = e.value.kind === 'array' ? e.value.items.map((n, i) => [n, [...base, { index: i }]]) : [[e.value, base]];
  const names: string[] = [];
  for (const [node, p] of items) {
    if (node.kind !== 'string') { add(c, 'ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type String.', at(p, node)); continue; }
    names.push(node.value);
    if (node.value === '*') continue;
    const colon = node.value.indexOf(':');
    if (colon <= 0) { add(c, 'ERROR', 'INVALID_ACTION', `The action ${node.value} does not exist.`, at(p, node)); continue; }
    const service = node.value.slice(0, colon);
    const known = /[*?]/.test(service) ? undefined : await actionsOf(service);
    if (!known) { add(c, 'ERROR', 'INVALID_SERVICE_IN_ACTION', `The service ${service} specified in the action does not exist.`, at(p, node)); continue; }
    const pattern = wildcard(node.value.slice(colon + 1));
    if (!known.some((a) => pattern.test(a))) add(c, 'ERROR', 'INVALID_ACTION', `The action ${node.value} does not exist.`, at(p, node));
  }
  return names;
}

function wildcard(glob: string): RegExp {
  return new RegExp(`^${glob.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

function checkEmptyArray(c: Ctx, e: JsonEntry, path: PathElement[], code: string, details: string): void {
  if (e.value.kind === 'array' && e.value.items.length === 0) add(c, 'SUGGESTION', code, details, at([...path, { value: e.key }], e.value));
}

/** `{ operator: { key: value(s) } }`: known operators, and keys AWS defines. */
async function checkCondition(c: Ctx, node: JsonNode, path: PathElement[]): Promise<void> {
  if (node.kind !== 'object') { add(c, 'ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', at(path, node)); return; }
  for (const op of node.entries) {
    if (!isKnownConditionOperator(op.key)) {
      add(c, 'ERROR', 'INVALID_CONDITION_OPERATOR', `The condition operator ${op.key} is not valid. Use a valid condition operator.`, keyAt(path, op));
      continue;
    }
    if (op.value.kind !== 'object') { add(c, 'ERROR', 'DATA_TYPE_MISMATCH', 'The text does not match the expected JSON data type Object.', at([...path, { value: op.key }], op.value)); continue; }
    for (const k of op.value.entries) await checkConditionKey(c, k, [...path, { value: op.key }]);
  }
}

async function checkConditionKey(c: Ctx, k: JsonEntry, path: PathElement[]): Promise<void> {
  const colon = k.key.indexOf(':');
  if (colon <= 0) {
    add(c, 'ERROR', 'INVALID_CONDITION_KEY_FORMAT', `The condition key format ${k.key} is not valid. Use the format service:keyname.`, keyAt(path, k));
    return;
  }
  if (await conditionKeyExists(k.key)) return;
  const service = k.key.slice(0, colon);
  if (service.toLowerCase() === 'aws') add(c, 'ERROR', 'INVALID_GLOBAL_CONDITION_KEY', `The condition key ${k.key} does not exist. Use a valid condition key.`, keyAt(path, k));
  else add(c, 'ERROR', 'INVALID_SERVICE_CONDITION_KEY', `The condition key ${k.key} does not exist in the service ${service}. Use a valid condition key.`, keyAt(path, k));
}

/** Allow iam:PassRole (named, or by an `iam:` wildcard) on `*` without iam:PassedToService: any role to any service. */
function checkPassRole(c: Ctx, s: JsonNode, path: PathElement[], actionKey: string | undefined, actions: string[]): void {
  const effect = entry(s, 'Effect');
  const resource = entry(s, 'Resource');
  if (actionKey !== 'Action' || effect?.value.kind !== 'string' || effect.value.value !== 'Allow' || !resource) return;
  const passes = actions.some((a) => (a.includes(':') && a.split(':')[0].toLowerCase() === 'iam' && wildcard(a.split(':')[1]).test('passrole')));
  const resources = resource.value.kind === 'array' ? resource.value.items : [resource.value];
  const star = resources.findIndex((r) => r.kind === 'string' && r.value === '*');
  const condition = entry(s, 'Condition');
  const scoped = condition !== undefined && /"iam:PassedToService"/i.test(c.text.slice(condition.value.start, condition.value.end));
  if (!passes || star < 0 || scoped) return;
  const p: PathElement[] = resource.value.kind === 'array' ? [...path, { value: 'Resource' }, { index: star }] : [...path, { value: 'Resource' }];
  add(c, 'SECURITY_WARNING', 'PASS_ROLE_WITH_STAR_IN_RESOURCE',
    'Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.',
    at(p, resources[star]));
}
