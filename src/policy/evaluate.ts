// Policy evaluation: whether a request is allowed by identity policies, by identity policies
// intersected with a permissions boundary or Chatbot guardrails, by a role's trust policy, or by
// a resource policy. An explicit Deny always wins; an Allow beats the implicit deny.

import type { PolicyDocument, Statement } from './document.js';
import { conditionHolds } from './conditions.js';
import { actionMatches, arnMatches } from './match.js';
import { principalMatches } from './principal.js';
import { contextValue, hasVariables, substituteVariables, type AuthorizationRequest } from './request.js';

export type { AuthorizationRequest, ContextValue, PrincipalType, RequestPrincipal } from './request.js';
export { actionMatches, resourceMatches } from './match.js';

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  decision: Decision;
  /** The Deny that decided, or the first Allow that applied. */
  matchedStatement?: Statement;
}

export interface BoundedEvaluationResult extends EvaluationResult {
  /** Which policy set refused: the identity policies or the boundary/guardrails. */
  deniedBy?: 'identity' | 'boundary';
}

/** Shared, frozen: the common no-match answer allocates nothing. */
const IMPLICIT_DENY: EvaluationResult = Object.freeze({ decision: 'ImplicitDeny' });

export function evaluateIdentityPolicies(req: AuthorizationRequest, policies: readonly PolicyDocument[]): EvaluationResult {
  return evaluateDocuments(req, policies, false);
}

/**
 * The effective permission is the intersection: identity policies must allow, and so must the
 * boundary (a permissions boundary, a session policy, or a Chatbot channel's guardrail policies).
 * `undefined` means no boundary; an empty list allows nothing. A Deny in either set denies.
 */
export function evaluateWithBoundary(
  req: AuthorizationRequest,
  identityPolicies: readonly PolicyDocument[],
  boundaryOrGuardrails: readonly PolicyDocument[] | undefined,
): BoundedEvaluationResult {
  const layers: PolicyLayer<'identity' | 'boundary'>[] = [{ kind: 'identity', policies: identityPolicies }];
  if (boundaryOrGuardrails !== undefined) layers.push({ kind: 'boundary', policies: boundaryOrGuardrails });
  return evaluateLayers(req, layers);
}

/** One set of policies that must allow a request: identity policies, a permissions boundary, a session policy... */
export interface PolicyLayer<K extends string> {
  kind: K;
  policies: readonly PolicyDocument[];
}

export interface LayeredEvaluationResult<K extends string> extends EvaluationResult {
  /** The layer that refused: the one holding the explicit Deny, else the first that did not allow. */
  deniedBy?: K;
}

/**
 * AWS's evaluation across policy types: an explicit Deny in any layer denies; otherwise every
 * layer must allow (the intersection). Layers are listed in the order AWS names them in its
 * AccessDenied messages, identity-based policies first.
 */
export function evaluateLayers<K extends string>(req: AuthorizationRequest, layers: readonly PolicyLayer<K>[]): LayeredEvaluationResult<K> {
  const results = layers.map((l) => evaluateIdentityPolicies(req, l.policies));
  // Every layer is evaluated even when an earlier one refused, so a later explicit Deny is reported as such.
  const denyAt = results.findIndex((r) => r.decision === 'ExplicitDeny');
  if (denyAt >= 0) return { ...results[denyAt], deniedBy: layers[denyAt].kind };
  const refusedAt = results.findIndex((r) => r.decision !== 'Allow');
  if (refusedAt >= 0) return { decision: 'ImplicitDeny', deniedBy: layers[refusedAt].kind };
  return results[0] ?? IMPLICIT_DENY;
}

/**
 * For sts:AssumeRole* : whether the role's trust policy lets this caller in.
 *
 * A service principal acting for another account than the role's (aws:SourceAccount, else the
 * account it acts in) is the confused deputy's case: `{"Service": "chatbot.amazonaws.com"}` alone
 * admits every account's use of that service, so across accounts it is not enough. The policy must
 * let this source in *and* keep an unrelated one out: the same request is evaluated again as if it
 * came from another account (SourceAccount, SourceArn's account and the principal's account all
 * swapped), and must then be refused. A trust policy that names the source account or ARN in a
 * condition (StringEquals aws:SourceAccount, ArnLike aws:SourceArn) passes; one that names only the
 * service, or matches any source with wildcards, does not.
 */
export function evaluateTrustPolicy(req: AuthorizationRequest, trust: PolicyDocument): Decision {
  const decision = evaluateDocuments(req, [trust], true).decision;
  if (decision !== 'Allow' || !serviceActsForAnotherAccount(req)) return decision;
  return evaluateDocuments(asUnrelatedSource(req), [trust], true).decision === 'Allow' ? 'ImplicitDeny' : 'Allow';
}

/** An account id no tenant has (chattrail's ids never start with 0): the unrelated source of the probe. */
const UNRELATED_ACCOUNT = '000000000000';

function serviceActsForAnotherAccount(req: AuthorizationRequest): boolean {
  if (req.principal?.type !== 'AWSService') return false;
  const source = contextValue(req, 'aws:SourceAccount') ?? req.principal.accountId;
  return source !== req.resource.split(':')[4];
}

function asUnrelatedSource(req: AuthorizationRequest): AuthorizationRequest {
  const sourceArn = contextValue(req, 'aws:SourceArn');
  const swapped = typeof sourceArn === 'string' ? sourceArn.split(':').map((part, i) => (i === 4 ? UNRELATED_ACCOUNT : part)).join(':') : undefined;
  return {
    ...req,
    principal: req.principal && { ...req.principal, accountId: UNRELATED_ACCOUNT },
    context: { ...withoutKeys(req.context, ['aws:SourceAccount', 'aws:SourceArn']), 'aws:SourceAccount': UNRELATED_ACCOUNT, 'aws:SourceArn': swapped },
  };
}

/** Drops keys whatever their case, as condition keys are matched. */
function withoutKeys(context: AuthorizationRequest['context'], keys: readonly string[]): AuthorizationRequest['context'] {
  const lower = new Set(keys.map((k) => k.toLowerCase()));
  return Object.fromEntries(Object.entries(context).filter(([k]) => !lower.has(k.toLowerCase())));
}

/** For bucket, topic and function policies. */
export function evaluateResourcePolicy(req: AuthorizationRequest, policy: PolicyDocument): Decision {
  return evaluateDocuments(req, [policy], true).decision;
}

function evaluateDocuments(
  req: AuthorizationRequest,
  documents: readonly PolicyDocument[],
  checkPrincipal: boolean,
): EvaluationResult {
  let allow: Statement | undefined;
  for (const doc of documents) {
    // AWS substitutes variables only under Version 2012-10-17; before it, `${...}` is literal text.
    const variables = doc.Version === '2012-10-17';
    const statements: readonly Statement[] = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    for (const statement of statements) {
      if (!statementApplies(statement, req, variables, checkPrincipal)) continue;
      if (statement.Effect === 'Deny') return { decision: 'ExplicitDeny', matchedStatement: statement };
      if (statement.Effect === 'Allow') allow ??= statement;
    }
  }
  return allow === undefined ? IMPLICIT_DENY : { decision: 'Allow', matchedStatement: allow };
}

function statementApplies(s: Statement, req: AuthorizationRequest, variables: boolean, checkPrincipal: boolean): boolean {
  if (s.Action === undefined && s.NotAction === undefined) return false;
  if (s.Action !== undefined && !anyAction(s.Action, req.action)) return false;
  if (s.NotAction !== undefined && anyAction(s.NotAction, req.action)) return false;
  // No Resource element (trust policies) means the policy's own resource.
  if (s.Resource !== undefined && !anyResource(s.Resource, req, variables)) return false;
  if (s.NotResource !== undefined && anyResource(s.NotResource, req, variables)) return false;
  if (checkPrincipal && !principalApplies(s, req)) return false;
  return s.Condition === undefined || conditionHolds(s.Condition, req, variables, s.Effect === 'Deny');
}

function principalApplies(s: Statement, req: AuthorizationRequest): boolean {
  if (s.Principal !== undefined) return principalMatches(s.Principal, req.principal);
  if (s.NotPrincipal !== undefined) return !principalMatches(s.NotPrincipal, req.principal);
  // Parsed trust/resource policies always name a principal; an unvalidated one fails closed.
  return s.Effect === 'Deny';
}

function anyAction(patterns: string | string[], action: string): boolean {
  if (typeof patterns === 'string') return actionMatches(patterns, action);
  for (const pattern of patterns) if (actionMatches(pattern, action)) return true;
  return false;
}

function anyResource(patterns: string | string[], req: AuthorizationRequest, variables: boolean): boolean {
  if (typeof patterns === 'string') return resourcePatternMatches(patterns, req, variables);
  for (const pattern of patterns) if (resourcePatternMatches(pattern, req, variables)) return true;
  return false;
}

/** A pattern whose variable has no value matches nothing, as in AWS. */
function resourcePatternMatches(pattern: string, req: AuthorizationRequest, variables: boolean): boolean {
  if (!variables || !hasVariables(pattern)) return arnMatches(pattern, req.resource, false);
  const substituted = substituteVariables(pattern, req, true);
  return substituted !== undefined && arnMatches(substituted, req.resource, true);
}
