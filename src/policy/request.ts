// The authorization request a policy is evaluated against, and how policies read it: condition
// keys (case-insensitive names, with principal-derived fallbacks) and policy variables such as
// `${aws:username}` substituted into Resource and Condition values.

export type PrincipalType = 'Root' | 'IAMUser' | 'AssumedRole' | 'FederatedUser' | 'AWSService';

export interface RequestPrincipal {
  arn: string;
  accountId: string;
  type: PrincipalType;
  /** For AWSService principals, e.g. `chatbot.amazonaws.com`. */
  service?: string;
}

export type ContextValue = string | string[] | undefined;

export interface AuthorizationRequest {
  /** e.g. `iam:CreateUser`. */
  action: string;
  /** An ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** Absent for anonymous requests (e.g. public bucket reads). */
  principal?: RequestPrincipal;
  /** Condition keys, e.g. `aws:SourceIp`, `aws:username`, `aws:CurrentTime`, `sts:ExternalId`. */
  context: Record<string, ContextValue>;
}

/** A key's value, or undefined when absent. An empty list counts as absent, as AWS treats it. */
export function contextValue(req: AuthorizationRequest, key: string): string | string[] | undefined {
  const context = req.context;
  let value = Object.hasOwn(context, key) ? context[key] : findIgnoringCase(context, key);
  if (value === undefined) value = principalValue(req.principal, key);
  if (Array.isArray(value) && value.length === 0) return undefined;
  return value;
}

function findIgnoringCase(context: Record<string, ContextValue>, key: string): ContextValue {
  let lowerKey: string | undefined;
  for (const name in context) {
    if (name.length !== key.length || !Object.hasOwn(context, name)) continue;
    lowerKey ??= key.toLowerCase();
    if (name.toLowerCase() === lowerKey) return context[name];
  }
  return undefined;
}

const PRINCIPAL_TYPE_VALUES: Record<PrincipalType, string | undefined> = {
  Root: 'Account',
  IAMUser: 'User',
  AssumedRole: 'AssumedRole',
  FederatedUser: 'FederatedUser',
  AWSService: undefined,
};

/** The principal keys are facts about the caller; deriving them saves every caller from copying
 * them into the context (an explicit context value still wins). */
function principalValue(principal: RequestPrincipal | undefined, key: string): string | undefined {
  switch (key.toLowerCase()) {
    case 'aws:principalarn':
      return principal?.arn;
    case 'aws:principalaccount':
      return principal?.accountId;
    case 'aws:principaltype':
      return principal === undefined ? 'Anonymous' : PRINCIPAL_TYPE_VALUES[principal.type];
    case 'aws:principalservicename':
      return principal?.service;
    default:
      return undefined;
  }
}

/**
 * Replaces `${key}` / `${key, 'default'}` with the request's value, and `${*}`, `${?}`, `${$}` with
 * those literal characters. Returns undefined when a variable has no single value and no default:
 * AWS then treats the element as matching nothing.
 *
 * `forPattern`: the result feeds a wildcard matcher, so it is written in escaped form (`\` quotes
 * the next character) and substituted text can never act as a wildcard. Callers check
 * `hasVariables` first; text without variables is returned unchanged and unescaped.
 */
export function substituteVariables(text: string, req: AuthorizationRequest, forPattern: boolean): string | undefined {
  if (!hasVariables(text)) return text;
  let out = '';
  let from = 0;
  for (;;) {
    const start = text.indexOf('${', from);
    const end = start < 0 ? -1 : text.indexOf('}', start + 2);
    if (end < 0) return out + quoteLiteral(text.slice(from), forPattern, false);
    out += quoteLiteral(text.slice(from, start), forPattern, false);
    const value = resolveVariable(text.slice(start + 2, end), req);
    if (value === undefined) return undefined;
    out += quoteLiteral(value, forPattern, true);
    from = end + 1;
  }
}

export function hasVariables(text: string): boolean {
  return text.includes('${');
}

function resolveVariable(body: string, req: AuthorizationRequest): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '*' || trimmed === '?' || trimmed === '$') return trimmed;
  const comma = trimmed.indexOf(',');
  const key = (comma < 0 ? trimmed : trimmed.slice(0, comma)).trim();
  const value = contextValue(req, key);
  // Multivalued keys cannot be variables in AWS; treat them like a missing key.
  if (typeof value === 'string') return value;
  return comma < 0 ? undefined : parseDefault(trimmed.slice(comma + 1));
}

function parseDefault(text: string): string | undefined {
  const t = text.trim();
  return t.length >= 2 && t.startsWith("'") && t.endsWith("'") ? t.slice(1, -1) : undefined;
}

/** In pattern form: policy text keeps its wildcards but its backslashes are quoted; substituted
 * text has its wildcards quoted too. */
function quoteLiteral(text: string, forPattern: boolean, substituted: boolean): string {
  if (!forPattern) return text;
  return text.replace(substituted ? /[\\*?]/g : /\\/g, '\\$&');
}
