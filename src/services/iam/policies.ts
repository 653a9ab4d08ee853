// Managed policies: customer policies with up to five versions (create, read, version, delete),
// and the AWS managed policies chattrail ships, readable and listable but never changed.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import { checkPolicyText, encodeDocument, iamErrors, mergeTags, nowSeconds, pages, policyArn, policySize, tagsOut, type Tag } from './common.js';
import {
  awsPolicyViews, findPolicy, parsePolicyArn, policyUsage, requireCustomerPolicy, viewOfStored,
  type PolicyUsage, type PolicyView, type StoredPolicy,
} from './policy-lookup.js';

const POLICY_SIZE_QUOTA = 6144;
const VERSIONS_PER_POLICY = 5;
interface VersionInput { PolicyArn: string; VersionId: string }

function checkManagedPolicyText(text: string): void {
  checkPolicyText(text, 'identity');
  if (policySize(text) > POLICY_SIZE_QUOTA) throw iamErrors.quota('PolicySize', POLICY_SIZE_QUOTA);
}

/** The Policy shape; IAM returns Description and Tags from GetPolicy only. */
export function policyOut(v: PolicyView, usage: { attachments: number; boundaries: number }, full = false) {
  return {
    PolicyName: v.name, PolicyId: v.policyId, Arn: v.arn, Path: v.path, DefaultVersionId: v.defaultVersionId,
    AttachmentCount: usage.attachments, PermissionsBoundaryUsageCount: usage.boundaries, IsAttachable: true,
    Description: full ? v.description : undefined, CreateDate: v.createDate, UpdateDate: v.updateDate,
    Tags: full ? tagsOut(v.tags) : undefined,
  };
}

/** Customer policies keep their own attachment count; AWS ones are counted in this account. */
export function usageOf(v: PolicyView, usage: PolicyUsage) {
  return { attachments: v.stored?.attachmentCount ?? usage.attachments.get(v.arn) ?? 0, boundaries: usage.boundaries.get(v.arn) ?? 0 };
}

export async function requireView(deps: IamDeps, ctx: CallContext, arn: string): Promise<PolicyView> {
  if (!parsePolicyArn(arn)) throw iamErrors.invalidArn(arn);
  const view = await findPolicy(deps.identity, ctx.accountId, arn);
  if (!view) throw iamErrors.policyNotFound(arn);
  ctx.addResource('AWS::IAM::Policy', view.arn);
  return view;
}

function versionOf(v: PolicyView, versionId: string) {
  const version = v.versions.find((x) => x.versionId === versionId);
  if (!version) throw new AwsError('NoSuchEntity', `Policy ${v.arn} version ${versionId} does not exist or is not attachable.`);
  return version;
}

/** Version ids are never reused, even after a version is deleted: `v6` follows `v1`–`v5`. */
function nextVersionId(p: StoredPolicy): { id: string; count: number } {
  const highest = Math.max(0, ...p.versions.map((v) => Number(v.versionId.slice(1)) || 0));
  const count = Math.max(p.versionsCreated ?? 0, highest) + 1;
  return { id: `v${count}`, count };
}

function creationHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async CreatePolicy(input: { PolicyName: string; PolicyDocument: string; Path?: string; Description?: string; Tags?: Tag[] }, ctx: CallContext) {
      checkManagedPolicyText(input.PolicyDocument);
      const lower = input.PolicyName.toLowerCase();
      if ((await identity.listPolicies(ctx.accountId)).some((p) => p.policyName.toLowerCase() === lower)) {
        throw new AwsError('EntityAlreadyExists', `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
      }
      const path = input.Path ?? '/';
      const now = nowSeconds(ctx);
      const policy: StoredPolicy = {
        policyName: input.PolicyName, policyId: `ANPA${ctx.ids.alnum(17)}`, arn: policyArn(ctx.accountId, path, input.PolicyName), path,
        description: input.Description, defaultVersionId: 'v1', versions: [{ versionId: 'v1', document: input.PolicyDocument, createDate: now }],
        attachmentCount: 0, createDate: now, updateDate: now, tags: mergeTags([], input.Tags ?? []), versionsCreated: 1,
      };
      if (!(await identity.createPolicy(ctx.accountId, policy))) {
        throw new AwsError('EntityAlreadyExists', `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`);
      }
      ctx.addResource('AWS::IAM::Policy', policy.arn);
      const out = policyOut(viewOfStored(policy), { attachments: 0, boundaries: 0 });
      return { Policy: { ...out, Tags: tagsOut(policy.tags) } };
    },

    async CreatePolicyVersion(input: { PolicyArn: string; PolicyDocument: string; SetAsDefault?: boolean }, ctx: CallContext) {
      const p = await requireCustomerPolicy(identity, ctx, 'CreatePolicyVersion', input.PolicyArn);
      ctx.addResource('AWS::IAM::Policy', p.arn);
      checkManagedPolicyText(input.PolicyDocument);
      if (p.versions.length >= VERSIONS_PER_POLICY) {
        throw new AwsError('LimitExceeded', `A managed policy can have up to ${VERSIONS_PER_POLICY} versions. Before you create a new version, you must delete an existing version.`);
      }
      const { id, count } = nextVersionId(p);
      const now = nowSeconds(ctx);
      const isDefault = input.SetAsDefault === true;
      const updated: StoredPolicy = {
        ...p, versions: [...p.versions, { versionId: id, document: input.PolicyDocument, createDate: now }], versionsCreated: count,
        defaultVersionId: isDefault ? id : p.defaultVersionId, updateDate: isDefault ? now : p.updateDate,
      };
      await identity.putPolicy(ctx.accountId, updated);
      return { PolicyVersion: { VersionId: id, IsDefaultVersion: isDefault, CreateDate: now } };
    },
  };
}

function readHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async GetPolicy(input: { PolicyArn: string }, ctx: CallContext) {
      const view = await requireView(deps, ctx, input.PolicyArn);
      return { Policy: policyOut(view, usageOf(view, await policyUsage(identity, ctx.accountId)), true) };
    },

    async GetPolicyVersion(input: VersionInput, ctx: CallContext) {
      const view = await requireView(deps, ctx, input.PolicyArn);
      const v = versionOf(view, input.VersionId);
      return { PolicyVersion: { Document: encodeDocument(v.document), VersionId: v.versionId, IsDefaultVersion: v.versionId === view.defaultVersionId, CreateDate: v.createDate } };
    },

    async ListPolicyVersions(input: { PolicyArn: string }, ctx: CallContext) {
      const view = await requireView(deps, ctx, input.PolicyArn);
      // Newest first, as IAM lists them: the key sorts higher version numbers earlier.
      const key = (v: { versionId: string }) => String(1e9 - (Number(v.versionId.slice(1)) || 0)).padStart(10, '0');
      const page = pages.list('ListPolicyVersions', input, ctx, view.versions, key, { parent: view.arn });
      return page.output(page.items.map((v) => ({ VersionId: v.versionId, IsDefaultVersion: v.versionId === view.defaultVersionId, CreateDate: v.createDate })));
    },

    async ListPolicies(input: { Scope?: string; OnlyAttached?: boolean; PathPrefix?: string; PolicyUsageFilter?: string }, ctx: CallContext) {
      const scope = input.Scope ?? 'All';
      const local = scope === 'AWS' ? [] : (await identity.listPolicies(ctx.accountId)).map((p) => viewOfStored(p));
      const aws = scope === 'Local' ? [] : awsPolicyViews();
      const usage = await policyUsage(identity, ctx.accountId);
      const prefix = input.PathPrefix ?? '/';
      const kept = [...local, ...aws].filter((v) => v.path.startsWith(prefix) && (!input.OnlyAttached || inUse(usageOf(v, usage), input.PolicyUsageFilter)));
      const page = pages.list('ListPolicies', input, ctx, kept, (v) => `${v.name.toLowerCase()} ${v.arn}`);
      return page.output(page.items.map((v) => policyOut(v, usageOf(v, usage))));
    },
  };
}

/** OnlyAttached with a PolicyUsageFilter counts only that kind of use. */
function inUse(u: { attachments: number; boundaries: number }, filter: string | undefined): boolean {
  if (filter === 'PermissionsPolicy') return u.attachments > 0;
  if (filter === 'PermissionsBoundary') return u.boundaries > 0;
  return u.attachments + u.boundaries > 0;
}

function deletionHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async DeletePolicyVersion(input: VersionInput, ctx: CallContext) {
      const p = await requireCustomerPolicy(identity, ctx, 'DeletePolicyVersion', input.PolicyArn);
      ctx.addResource('AWS::IAM::Policy', p.arn);
      versionOf(viewOfStored(p), input.VersionId);
      if (input.VersionId === p.defaultVersionId) throw new AwsError('DeleteConflict', 'Cannot delete the default version of a policy.');
      await identity.putPolicy(ctx.accountId, { ...p, versions: p.versions.filter((v) => v.versionId !== input.VersionId) });
    },

    async SetDefaultPolicyVersion(input: VersionInput, ctx: CallContext) {
      const p = await requireCustomerPolicy(identity, ctx, 'SetDefaultPolicyVersion', input.PolicyArn);
      ctx.addResource('AWS::IAM::Policy', p.arn);
      versionOf(viewOfStored(p), input.VersionId);
      await identity.putPolicy(ctx.accountId, { ...p, defaultVersionId: input.VersionId, updateDate: nowSeconds(ctx) });
    },

    async DeletePolicy(input: { PolicyArn: string }, ctx: CallContext) {
      const p = await requireCustomerPolicy(identity, ctx, 'DeletePolicy', input.PolicyArn);
      ctx.addResource('AWS::IAM::Policy', p.arn);
      const boundaries = (await policyUsage(identity, ctx.accountId)).boundaries.get(p.arn) ?? 0;
      if (p.attachmentCount > 0 || boundaries > 0) throw new AwsError('DeleteConflict', 'Cannot delete a policy attached to entities.');
      if (p.versions.length > 1) {
        throw new AwsError('DeleteConflict', "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
      }
      await identity.deletePolicy(ctx.accountId, p.policyName);
    },
  };
}

export function policyHandlers(deps: IamDeps): Record<string, Handler> {
  return { ...creationHandlers(deps), ...readHandlers(deps), ...deletionHandlers(deps) };
}
