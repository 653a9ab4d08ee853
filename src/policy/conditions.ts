// The Condition element: every IAM condition operator, the `IfExists` suffix, the `ForAnyValue:` /
// `ForAllValues:` set prefixes, and AWS's rules for missing keys. Operators AND together, keys
// within an operator AND together, and a key's several policy values OR together.

import { arnMatches, equalsIgnoreCase, stringMatches } from './match.js';
import { ipInCidr } from './ip.js';
import { contextValue, hasVariables, substituteVariables, type AuthorizationRequest } from './request.js';

/** `escaped`: the policy value came out of variable substitution in pattern form. */
type Test = (actual: string, policy: string, escaped: boolean) => boolean;

interface BaseOperator {
  test: Test;
  /** Negated operators (StringNotEquals...) hold when no policy value matches, and when the key is absent. */
  negated: boolean;
  /** Policy values are wildcard patterns, so variables are substituted in escaped form. */
  pattern: boolean;
}

type SetQualifier = 'none' | 'any' | 'all';

interface ParsedOperator {
  /** `null` for the Null operator, which tests presence rather than values. */
  base: BaseOperator | null;
  ifExists: boolean;
  set: SetQualifier;
}

const stringEquals: Test = (a, p) => a === p;
const stringEqualsIgnoreCase: Test = (a, p) => equalsIgnoreCase(a, p);
const stringLike: Test = (a, p, escaped) => stringMatches(p, a, escaped);
const arnLike: Test = (a, p, escaped) => arnMatches(p, a, escaped);
const ipAddress: Test = (a, p) => ipInCidr(a, p);
const bool: Test = (a, p) => equalsIgnoreCase(a, p);

function numeric(compare: (a: number, p: number) => boolean): Test {
  return (a, p) => {
    const x = parseNumber(a);
    const y = parseNumber(p);
    return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
  };
}

function date(compare: (a: number, p: number) => boolean): Test {
  return (a, p) => {
    const x = parseDate(a);
    const y = parseDate(p);
    return !Number.isNaN(x) && !Number.isNaN(y) && compare(x, y);
  };
}

const eq = (a: number, p: number): boolean => a === p;
const lt = (a: number, p: number): boolean => a < p;
const le = (a: number, p: number): boolean => a <= p;
const gt = (a: number, p: number): boolean => a > p;
const ge = (a: number, p: number): boolean => a >= p;

function op(test: Test, negated = false, pattern = false): BaseOperator {
  return { test, negated, pattern };
}

/** Keyed by lower-case name: operator names are matched case-insensitively. */
const BASE_OPERATORS = new Map<string, BaseOperator>([
  ['stringequals', op(stringEquals)],
  ['stringnotequals', op(stringEquals, true)],
  ['stringequalsignorecase', op(stringEqualsIgnoreCase)],
  ['stringnotequalsignorecase', op(stringEqualsIgnoreCase, true)],
  ['stringlike', op(stringLike, false, true)],
  ['stringnotlike', op(stringLike, true, true)],
  ['numericequals', op(numeric(eq))],
  ['numericnotequals', op(numeric(eq), true)],
  ['numericlessthan', op(numeric(lt))],
  ['numericlessthanequals', op(numeric(le))],
  ['numericgreaterthan', op(numeric(gt))],
  ['numericgreaterthanequals', op(numeric(ge))],
  ['dateequals', op(date(eq))],
  ['datenotequals', op(date(eq), true)],
  ['datelessthan', op(date(lt))],
  ['datelessthanequals', op(date(le))],
  ['dategreaterthan', op(date(gt))],
  ['dategreaterthanequals', op(date(ge))],
  ['bool', op(bool)],
  ['binaryequals', op(stringEquals)],
  ['ipaddress', op(ipAddress)],
  ['notipaddress', op(ipAddress, true)],
  // AWS documents ArnEquals and ArnLike identically: both accept wildcards per ARN segment.
  ['arnequals', op(arnLike, false, true)],
  ['arnlike', op(arnLike, false, true)],
  ['arnnotequals', op(arnLike, true, true)],
  ['arnnotlike', op(arnLike, true, true)],
]);

const operatorCache = new Map<string, ParsedOperator | undefined>();
const OPERATOR_CACHE_LIMIT = 1000;

export function isKnownConditionOperator(name: string): boolean {
  return parseOperator(name) !== undefined;
}

/**
 * Whether a statement's Condition holds. `variables`: the document's Version enables `${...}`.
 * `onUnknownOperator`: what an operator this code does not know evaluates to; callers pass
 * `true` for Deny statements and `false` for Allow so an unvalidated document fails closed.
 */
export function conditionHolds(
  block: ConditionBlock,
  req: AuthorizationRequest,
  variables: boolean,
  onUnknownOperator: boolean,
): boolean {
  for (const name in block) {
    const keys = block[name];
    if (keys === undefined) continue;
    const parsed = parseOperator(name);
    if (parsed === undefined) {
      if (!onUnknownOperator) return false;
      continue;
    }
    for (const key in keys) {
      const value = keys[key];
      if (value !== undefined && !keyHolds(parsed, contextValue(req, key), value, req, variables)) return false;
    }
  }
  return true;
}

function parseOperator(name: string): ParsedOperator | undefined {
  if (operatorCache.has(name)) return operatorCache.get(name);
  const parsed = parseOperatorName(name.toLowerCase());
  if (operatorCache.size >= OPERATOR_CACHE_LIMIT) operatorCache.clear();
  operatorCache.set(name, parsed);
  return parsed;
}

function parseOperatorName(lower: string): ParsedOperator | undefined {
  let set: SetQualifier = 'none';
  let rest = lower;
  if (rest.startsWith('foranyvalue:')) [set, rest] = ['any', rest.slice('foranyvalue:'.length)];
  else if (rest.startsWith('forallvalues:')) [set, rest] = ['all', rest.slice('forallvalues:'.length)];
  if (rest === 'null') return { base: null, ifExists: false, set };
  const ifExists = rest.endsWith('ifexists');
  const base = BASE_OPERATORS.get(ifExists ? rest.slice(0, -'ifexists'.length) : rest);
  return base === undefined ? undefined : { base, ifExists, set };
}

function keyHolds(
  parsed: ParsedOperator,
  actual: string | string[] | undefined,
  policy: ConditionValue,
  req: AuthorizationRequest,
  variables: boolean,
): boolean {
  const base = parsed.base;
  if (base === null) return nullHolds(actual !== undefined, policy);
  if (actual === undefined) return missingKeyHolds(parsed, base);
  if (typeof actual === 'string') return base.negated !== matchesAnyValue(base, actual, policy, req, variables);
  switch (parsed.set) {
    case 'none':
      // A multivalued key without a set prefix: matching any value is a match.
      return base.negated !== actual.some((a) => matchesAnyValue(base, a, policy, req, variables));
    case 'any':
      return actual.some((a) => base.negated !== matchesAnyValue(base, a, policy, req, variables));
    case 'all':
      return actual.every((a) => base.negated !== matchesAnyValue(base, a, policy, req, variables));
  }
}

/** AWS: IfExists and ForAllValues hold on an absent key, ForAnyValue fails, and otherwise
 * negated operators hold while positive ones fail. */
function missingKeyHolds(parsed: ParsedOperator, base: BaseOperator): boolean {
  if (parsed.ifExists || parsed.set === 'all') return true;
  if (parsed.set === 'any') return false;
  return base.negated;
}

/** `Null: {key: true}` holds when the key is absent, `false` when present. */
function nullHolds(present: boolean, policy: ConditionValue): boolean {
  const values = Array.isArray(policy) ? policy : [policy];
  return values.some((v) => {
    const text = String(v).toLowerCase();
    return text === 'true' ? !present : text === 'false' && present;
  });
}

/** The positive test against each policy value (OR); values whose variables cannot be resolved
 * match nothing. */
function matchesAnyValue(
  base: BaseOperator,
  actual: string,
  policy: ConditionValue,
  req: AuthorizationRequest,
  variables: boolean,
): boolean {
  if (!Array.isArray(policy)) return matchesValue(base, actual, policy, req, variables);
  for (const value of policy) if (matchesValue(base, actual, value, req, variables)) return true;
  return false;
}

function matchesValue(
  base: BaseOperator,
  actual: string,
  value: string | number | boolean,
  req: AuthorizationRequest,
  variables: boolean,
): boolean {
  const text = typeof value === 'string' ? value : String(value);
  if (!variables || !hasVariables(text)) return base.test(actual, text, false);
  const substituted = substituteVariables(text, req, base.pattern);
  return substituted !== undefined && base.test(actual, substituted, base.pattern);
}

function parseNumber(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}

const EPOCH_SECONDS = /^\s*-?\d+(\.\d+)?\s*$/;

/** Milliseconds since the epoch, from ISO 8601 or epoch seconds (AWS accepts both). */
export function parseDate(text: string): number {
  return EPOCH_SECONDS.test(text) ? Number(text) * 1000 : Date.parse(text);
}

export type ConditionScalar = string | number | boolean;

export type ConditionValue = ConditionScalar | ConditionScalar[];

/** operator (e.g. `StringEquals`, `ForAnyValue:StringLike`) → condition key → value(s). */
export type ConditionBlock = Record<string, Record<string, ConditionValue>>;
