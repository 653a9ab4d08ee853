// Finding a managed policy by ARN, whether one of the AWS managed policies chattrail ships or a
// customer policy of the caller's account, as one view; and counting who uses each policy.
import crypto from 'node:crypto';
import { AwsError } from '../../protocol/errors.js';
import { MANAGED_POLICIES } from '../../policy/managed.js';
import type { CallContext } from '../types.js';
import type { IdentityStore, ManagedPolicy } from './store.js';
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

/** AWS managed policies have no creation record here; one fixed date stands in for all of them. */
const AWS_POLICY_DATE = new Date('2015-02-06T18:39:46Z');
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
  return [...MANAGED_POLICIES.values()].map((m) => ({
    arn: m.arn, name: m.name, path: m.path, policyId: awsPolicyId(m.arn), description: m.description,
    defaultVersionId: 'v1',
    // AWS returns its own documents pretty-printed with four spaces.
    versions: [{ versionId: 'v1', document: JSON.stringify(m.document, null, 4), createDate: AWS_POLICY_DATE }],
    createDate: AWS_POLICY_DATE, updateDate: AWS_POLICY_DATE, tags: [],
  }));
}

/** The policy an ARN names, if the caller's account can see it; customer names match case-insensitively. */
export async function findPolicy(identity: IdentityStore, accountId: string, arn: string): Promise<PolicyView | undefined> {
  if (MANAGED_POLICIES.has(arn)) return awsPolicyViews().find((v) => v.arn === arn);
  const parts = parsePolicyArn(arn);
  if (!parts || parts.accountId !== accountId) return undefined;
  let stored = (await identity.getPolicy(accountId, parts.name)) as StoredPolicy | undefined;
  if (!stored) {
    const lower = parts.name.toLowerCase();
    stored = (await identity.listPolicies(accountId)).find((p) => p.policyName.toLowerCase() === lower);
  }
  return stored && stored.arn.toLowerCase() === arn.toLowerCase() ? viewOfStored(stored) : undefined;
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
