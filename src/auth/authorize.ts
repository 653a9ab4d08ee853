// Decides whether a principal may perform an action on a resource, by evaluating the IAM policies
// that apply to it (user or role policies, session policies, Chatbot guardrails). Parsed policy
// sets are cached per principal and dropped whenever IAM changes anything.
import type { Principal } from './principal.js';
import type { IdentityStore } from '../services/iam/store.js';
import { evaluateWithBoundary, type ContextValue } from '../policy/evaluate.js';
import { parsePolicyDocument, type PolicyDocument } from '../policy/document.js';
import { MANAGED_POLICIES } from '../policy/managed.js';

export interface AuthorizationResult {
  allowed: boolean;
  explicitDeny: boolean;
  /** Which set refused: the principal's own policies or a boundary (session policy, guardrails). */
  deniedBy?: 'identity' | 'boundary';
}

export class Authorizer {
  private readonly cache = new Map<string, PolicyDocument[]>();
  constructor(private readonly identity: IdentityStore) {}

  /** Any IAM write calls this: the next request re-reads the policies it needs. */
  invalidate(): void {
    this.cache.clear();
  }

  async authorize(
    principal: Principal,
    action: string,
    resource: string,
    context: Record<string, ContextValue>,
    /** Extra policies intersected with the principal's (a Chatbot channel's guardrails). */
    guardrails?: PolicyDocument[],
  ): Promise<AuthorizationResult> {
    // The root user and AWS services acting through chattrail's own code are not policy-bound.
    if (principal.type === 'Root' || principal.type === 'AWSService') return { allowed: true, explicitDeny: false };
    // GetCallerIdentity needs no permission in AWS: a caller can always ask who it is.
    if (action === 'sts:GetCallerIdentity') return { allowed: true, explicitDeny: false };
    const identityPolicies = await this.policiesOf(principal);
    let boundary: PolicyDocument[] | undefined;
    const sessionPolicy = principal.type === 'AssumedRole' || principal.type === 'FederatedUser' ? principal.sessionPolicy : undefined;
    if (sessionPolicy) boundary = [parsePolicyDocument(sessionPolicy, 'identity')];
    if (guardrails) boundary = boundary ? [...boundary, ...guardrails] : guardrails;
    const req = {
      action, resource,
      principal: { arn: principal.arn, accountId: principal.accountId, type: principal.type },
      context: { ...context, 'aws:username': principal.type === 'IAMUser' ? principal.userName : undefined, 'aws:userid': userIdOf(principal) },
    };
    const result = sessionPolicy && guardrails
      // Both a session policy and guardrails must allow: evaluate them as two successive boundaries.
      ? intersectAll(req, identityPolicies, [[parsePolicyDocument(sessionPolicy, 'identity')], guardrails])
      : evaluateWithBoundary(req, identityPolicies, boundary);
    return { allowed: result.decision === 'Allow', explicitDeny: result.decision === 'ExplicitDeny', deniedBy: result.deniedBy };
  }

  private async policiesOf(p: Principal): Promise<PolicyDocument[]> {
    const cacheKey = p.type === 'AssumedRole' ? p.roleArn : p.type === 'FederatedUser' ? p.issuer.arn : p.arn;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    let inline: Record<string, string> = {};
    let attached: string[] = [];
    if (p.type === 'IAMUser' || p.type === 'FederatedUser') {
      const user = await this.identity.getUser(p.accountId, p.type === 'IAMUser' ? p.userName : p.issuer.userName);
      if (user) ({ inlinePolicies: inline, attachedPolicies: attached } = user);
    } else if (p.type === 'AssumedRole') {
      const role = await this.identity.getRole(p.accountId, p.roleName);
      if (role) ({ inlinePolicies: inline, attachedPolicies: attached } = role);
    }
    const docs: PolicyDocument[] = Object.values(inline).map((text) => parsePolicyDocument(text, 'identity'));
    for (const arn of attached) {
      const doc = await this.managedPolicy(p.accountId, arn);
      if (doc) docs.push(doc);
    }
    this.cache.set(cacheKey, docs);
    return docs;
  }

  /** An AWS managed policy shipped with chattrail, or the default version of a customer policy. */
  async managedPolicy(accountId: string, arn: string): Promise<PolicyDocument | undefined> {
    const aws = MANAGED_POLICIES.get(arn);
    if (aws) return aws.document;
    const m = /^arn:aws:iam::(\d{12}):policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m) return undefined;
    const policy = await this.identity.getPolicy(m[1] ?? accountId, m[2]);
    const version = policy?.versions.find((v) => v.versionId === policy.defaultVersionId);
    return version ? parsePolicyDocument(version.document, 'identity') : undefined;
  }
}

function intersectAll(req: Parameters<typeof evaluateWithBoundary>[0], identity: PolicyDocument[], boundaries: PolicyDocument[][]) {
  let last = evaluateWithBoundary(req, identity, boundaries[0]);
  for (const b of boundaries.slice(1)) {
    if (last.decision !== 'Allow') return last;
    last = evaluateWithBoundary(req, identity, b);
  }
  return last;
}

function userIdOf(p: Principal): string | undefined {
  switch (p.type) {
    case 'IAMUser': return p.userId;
    case 'AssumedRole': return `${p.roleId}:${p.sessionName}`;
    case 'FederatedUser': return `${p.accountId}:${p.federatedName}`;
    default: return undefined;
  }
}

/** The message AWS gives when no policy allows an action. */
export function accessDeniedMessage(p: Principal, action: string, resource: string, result: AuthorizationResult): string {
  const who = p.arn;
  // STS states no reason: real AssumeRole and GetFederationToken denials end at the resource.
  if (action.startsWith('sts:')) return `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`;
  const why = result.explicitDeny
    ? `with an explicit deny in ${result.deniedBy === 'boundary' ? 'a session policy' : 'an identity-based policy'}`
    : result.deniedBy === 'boundary'
      ? `because no session policy allows the ${action} action`
      : `because no identity-based policy allows the ${action} action`;
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
