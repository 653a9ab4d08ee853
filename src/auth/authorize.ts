// Decides whether a principal may perform an action on a resource, by evaluating the IAM policies
// that apply to it: user (and its groups') or role policies ∩ permissions boundary ∩ session
// policy ∩ Chatbot guardrails. Parsed policy sets are cached per principal and dropped whenever
// a user, group, role or managed policy document changes (the document store publishes each write).
import { isSession, type Principal } from '../common/principal.js';
import type { IdentityStore } from '../identity/store.js';
import { evaluateLayers, type ContextValue, type PolicyLayer } from '../policy/evaluate.js';
import { parsePolicyDocument, type PolicyDocument } from '../policy/document.js';
import { MANAGED_POLICIES } from '../policy/managed.js';

/** Which policy set refused a request, in the words AWS's AccessDenied messages use. */
export type DeniedBy = 'identity' | 'permissionsBoundary' | 'sessionPolicy';

export interface AuthorizationResult {
  allowed: boolean;
  explicitDeny: boolean;
  /** Which set refused: the principal's own policies, its permissions boundary, or a session policy (guardrails count as one). */
  deniedBy?: DeniedBy;
}

/** What a principal's permissions are made of, parsed once and cached until IAM changes. */
interface PolicySets {
  identity: PolicyDocument[];
  /** The user's or role's permissions boundary; undefined when it has none. */
  boundary?: PolicyDocument[];
}

/** A user, group or role: what carries identity policies. */
interface PolicyHolder {
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  permissionsBoundary?: string;
}

const ALLOWED: AuthorizationResult = Object.freeze({ allowed: true, explicitDeny: false });

export class Authorizer {
  private readonly cache = new Map<string, PolicySets>();
  private readonly sessionCache = new Map<string, PolicyDocument[]>();
  /** Bumped by every invalidation, so policies loaded across a change are not cached. */
  private generation = 0;
  constructor(private readonly identity: IdentityStore) {
    identity.docs.changes.onChange(POLICY_KINDS, () => this.invalidate());
  }

  /** Forgets every cached policy set: the next request re-reads the policies it needs. */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
    this.sessionCache.clear();
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
    if (principal.type === 'Root' || principal.type === 'AWSService') return ALLOWED;
    // GetCallerIdentity needs no permission in AWS: a caller can always ask who it is.
    if (action === 'sts:GetCallerIdentity') return ALLOWED;
    // Nor does GetSessionToken for a long-term user ("you cannot use policies to control
    // authentication operations"); STS itself refuses it to callers holding session credentials.
    if (action === 'sts:GetSessionToken' && !isSession(principal)) return ALLOWED;
    const sets = await this.policiesOf(principal);
    const layers: PolicyLayer<DeniedBy>[] = [{ kind: 'identity', policies: sets.identity }];
    if (sets.boundary) layers.push({ kind: 'permissionsBoundary', policies: sets.boundary });
    const session = await this.sessionPolicies(principal);
    if (session) layers.push({ kind: 'sessionPolicy', policies: session });
    // A Chatbot channel's guardrails reach the role as session policies: AWS words them so.
    if (guardrails) layers.push({ kind: 'sessionPolicy', policies: guardrails });
    const req = {
      action, resource,
      principal: { arn: principal.arn, accountId: principal.accountId, type: principal.type },
      context: { ...context, 'aws:username': principal.type === 'IAMUser' ? principal.userName : undefined, 'aws:userid': userIdOf(principal) },
    };
    const result = evaluateLayers(req, layers);
    return { allowed: result.decision === 'Allow', explicitDeny: result.decision === 'ExplicitDeny', deniedBy: result.deniedBy };
  }

  private async policiesOf(p: Principal): Promise<PolicySets> {
    const cacheKey = p.type === 'AssumedRole' ? p.roleArn : p.type === 'FederatedUser' ? p.issuer.arn : p.arn;
    const hit = this.cache.get(cacheKey);
    if (hit) return hit;
    const generation = this.generation;
    let holder: PolicyHolder | undefined;
    // The groups a user belongs to lend it their policies; roles belong to no group.
    let groups: PolicyHolder[] = [];
    // A federated user and a GetSessionToken session have the calling user's permissions and boundary.
    if (p.type === 'IAMUser' || p.type === 'FederatedUser') {
      const user = await this.identity.getUser(p.accountId, p.type === 'IAMUser' ? p.userName : p.issuer.userName);
      holder = user;
      if (user) groups = await this.identity.groupsOfUser(p.accountId, user.userId);
    } else if (p.type === 'AssumedRole') {
      holder = await this.identity.getRole(p.accountId, p.roleName);
    }
    const identity: PolicyDocument[] = [];
    for (const h of holder ? [holder, ...groups] : []) {
      for (const text of Object.values(h.inlinePolicies)) identity.push(parsePolicyDocument(text, 'identity'));
      for (const arn of h.attachedPolicies) {
        const doc = await this.managedPolicy(p.accountId, arn);
        if (doc) identity.push(doc);
      }
    }
    let boundary: PolicyDocument[] | undefined;
    if (holder?.permissionsBoundary) {
      // A boundary policy that no longer exists allows nothing, rather than lifting the boundary.
      const doc = await this.managedPolicy(p.accountId, holder.permissionsBoundary);
      boundary = doc ? [doc] : [];
    }
    const sets: PolicySets = { identity, boundary };
    if (generation === this.generation) this.cache.set(cacheKey, sets);
    return sets;
  }

  /** The session policy of role and federated sessions: the inline Policy and the PolicyArns together. */
  private async sessionPolicies(p: Principal): Promise<PolicyDocument[] | undefined> {
    if (p.type !== 'AssumedRole' && p.type !== 'FederatedUser') return undefined;
    if (p.sessionPolicy === undefined && !p.sessionPolicyArns?.length) return undefined;
    const hit = this.sessionCache.get(p.accessKeyId);
    if (hit) return hit;
    const generation = this.generation;
    const docs: PolicyDocument[] = p.sessionPolicy === undefined ? [] : [parsePolicyDocument(p.sessionPolicy, 'identity')];
    for (const arn of p.sessionPolicyArns ?? []) {
      const doc = await this.managedPolicy(p.accountId, arn);
      if (doc) docs.push(doc);
    }
    if (generation !== this.generation) return docs;
    if (this.sessionCache.size >= MAX_CACHED_SESSIONS) this.sessionCache.clear();
    this.sessionCache.set(p.accessKeyId, docs);
    return docs;
  }

  /**
   * An AWS managed policy shipped with chattrail, or the default version of a customer policy of
   * `accountId` whose ARN is exactly `arn` (path and case): a variant or another account's policy is none.
   */
  async managedPolicy(accountId: string, arn: string): Promise<PolicyDocument | undefined> {
    const aws = MANAGED_POLICIES.get(arn);
    if (aws) return aws.document;
    const m = /^arn:aws:iam::(\d{12}):policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    if (!m || m[1] !== accountId) return undefined;
    const policy = await this.identity.getPolicy(accountId, m[2]);
    if (policy?.arn !== arn) return undefined;
    const version = policy.versions.find((v) => v.versionId === policy.defaultVersionId);
    return version ? parsePolicyDocument(version.document, 'identity') : undefined;
  }
}

const MAX_CACHED_SESSIONS = 10_000;
/** The documents policy sets are read from: users and groups (membership too), roles, managed policies. */
const POLICY_KINDS = ['iam-user', 'iam-group', 'iam-role', 'iam-policy'] as const;

function userIdOf(p: Principal): string | undefined {
  switch (p.type) {
    case 'IAMUser': return p.userId;
    case 'AssumedRole': return `${p.roleId}:${p.sessionName}`;
    case 'FederatedUser': return `${p.accountId}:${p.federatedName}`;
    default: return undefined;
  }
}

const DENY_SOURCE: Record<DeniedBy, string> = {
  identity: 'an identity-based policy', permissionsBoundary: 'a permissions boundary', sessionPolicy: 'a session policy',
};
const NO_ALLOW: Record<DeniedBy, string> = {
  identity: 'no identity-based policy', permissionsBoundary: 'no permissions boundary', sessionPolicy: 'no session policy',
};

/** The message AWS gives when no policy allows an action. */
export function accessDeniedMessage(p: Principal, action: string, resource: string, result: AuthorizationResult): string {
  const who = p.arn;
  // STS states no reason: real AssumeRole and GetFederationToken denials end at the resource.
  if (action.startsWith('sts:')) return `User: ${who} is not authorized to perform: ${action} on resource: ${resource}`;
  const by = result.deniedBy ?? 'identity';
  const why = result.explicitDeny ? `with an explicit deny in ${DENY_SOURCE[by]}` : `because ${NO_ALLOW[by]} allows the ${action} action`;
  return `User: ${who} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}
