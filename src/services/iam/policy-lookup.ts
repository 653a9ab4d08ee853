// Finding a managed policy by ARN, whether one of the AWS managed policies chattrail ships or a
// customer policy of the caller's account, as one view; and counting who uses each policy.
import crypto from 'node:crypto';
import { AwsError } from '../../protocol/errors.js';
import { MANAGED_POLICIES, type ManagedPolicy as AwsManagedPolicy } from '../../policy/managed.js';
import type { CallContext } from '../../core/service.js';
import type { IdentityStore, ManagedPolicy } from '../../identity/store.js';
import { iamErrors, type Tag } from './common.js';

/** A customer policy as stored, plus the counter that keeps version ids from being reused. */
export type StoredPolicy = ManagedPolicy & { versionsCreated?: number };

export interface PolicyView {
  arn: string;
  name: string;
  path: string;
  policyId: string;
  description?: string;
  defaultVersionId: string;
  versions: { versionId: string; document: string; createDate: Date }[];
  createDate: Date;
  updateDate: Date;
  tags: Tag[];
  /** The stored document for customer policies; undefined for AWS managed ones. */
  stored?: StoredPolicy;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A stable ANPA… id for an AWS managed policy, so repeated GetPolicy calls agree. */
function awsPolicyId(arn: string): string {
  const digest = crypto.createHash('sha256').update(arn).digest();
  let id = 'ANPA';
  for (let i = 0; i < 17; i++) id += ID_ALPHABET[digest[i] & 31];
  return id;
}

export function parsePolicyArn(arn: string): { accountId: string; path: string; name: string } | undefined {
  const m = /^arn:aws:iam::(\d{12}|aws):policy(\/(?:[\x21-\x7e]*\/)?)([\w+=,.@-]+)$/.exec(arn);
  return m ? { accountId: m[1], path: m[2], name: m[3] } : undefined;
}

export function viewOfStored(p: StoredPolicy): PolicyView {
  return {
    arn: p.arn, name: p.policyName, path: p.path, policyId: p.policyId, description: p.description,
    defaultVersionId: p.defaultVersionId, versions: p.versions, createDate: p.createDate, updateDate: p.updateDate,
    tags: p.tags, stored: p,
  };
}

export function awsPolicyViews(): PolicyView[] {
  return [...MANAGED_POLICIES.values()].map(awsPolicyView);
}

/** One AWS managed policy as a view; each version's document is read only when asked for. */
function awsPolicyView(m: AwsManagedPolicy): PolicyView {
  const versions = m.versions.map((v) => {
    const version = { versionId: v.versionId, createDate: new Date(v.createDate) } as PolicyView['versions'][number];
    Object.defineProperty(version, 'document', { enumerable: true, get: () => m.versionText(v.versionId) ?? '' });
    return version;
  });
  return {
    arn: m.arn, name: m.name, path: m.path, policyId: awsPolicyId(m.arn), description: m.description || undefined,
    defaultVersionId: m.defaultVersionId, versions, createDate: new Date(m.createDate), updateDate: new Date(m.updateDate), tags: [],
  };
}

/**
 * The policy an ARN names, if the caller's account can see it. The ARN must be the policy's own,
 * path and case included: policies are authorized by their ARN, so `policy/S3ONLY` reaching
 * `policy/s3only` would act on a policy that a Deny naming it does not cover.
 */
export async function findPolicy(identity: IdentityStore, accountId: string, arn: string): Promise<PolicyView | undefined> {
  const aws = MANAGED_POLICIES.get(arn);
  if (aws) return awsPolicyView(aws);
  const parts = parsePolicyArn(arn);
  if (!parts || parts.accountId !== accountId) return undefined;
  const stored = (await identity.getPolicy(accountId, parts.name)) as StoredPolicy | undefined;
  return stored && stored.arn === arn ? viewOfStored(stored) : undefined;
}

/** A policy the caller may change: customer policies of its account only. */
export async function requireCustomerPolicy(identity: IdentityStore, ctx: CallContext, op: string, arn: string): Promise<StoredPolicy> {
  const parts = parsePolicyArn(arn);
  if (!parts) throw iamErrors.invalidArn(arn);
  if (parts.accountId === 'aws') {
    // AWS managed policies belong to AWS's account: no caller in this one may change them.
    throw new AwsError('AccessDenied', `User: ${ctx.principal.arn} is not authorized to perform: iam:${op} on resource: policy ${arn}`, 403);
  }
  const view = await findPolicy(identity, ctx.accountId, arn);
  if (!view?.stored) throw iamErrors.policyNotFound(arn);
  return view.stored;
}

export async function requireBoundary(identity: IdentityStore, accountId: string, arn: string | undefined): Promise<void> {
  if (arn === undefined) return;
  if (!(await findPolicy(identity, accountId, arn))) {
    throw new AwsError('NoSuchEntity', `Scope ARN: ${arn} does not exist or is not attachable.`);
  }
}

export interface PolicyUsage {
  attachments: Map<string, number>;
  boundaries: Map<string, number>;
}

/** How many users, groups and roles attach each policy, or use it as a permissions boundary. */
export async function policyUsage(identity: IdentityStore, accountId: string): Promise<PolicyUsage> {
  const usage: PolicyUsage = { attachments: new Map(), boundaries: new Map() };
  const bump = (m: Map<string, number>, arn: string) => m.set(arn, (m.get(arn) ?? 0) + 1);
  const holders: { attachedPolicies: string[]; permissionsBoundary?: string }[] = [
    ...(await identity.listUsers(accountId)), ...(await identity.listGroups(accountId)), ...(await identity.listRoles(accountId)),
  ];
  for (const h of holders) {
    for (const arn of h.attachedPolicies) bump(usage.attachments, arn);
    if (h.permissionsBoundary) bump(usage.boundaries, h.permissionsBoundary);
  }
  return usage;
}

/** The name at the end of a policy ARN. */
export function policyNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
