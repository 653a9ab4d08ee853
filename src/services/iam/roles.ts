// IAM roles: create (with the trust policy that says who may assume them), read, list, update,
// delete, their tags and permissions boundary. A role's permission policies live in
// inline-policies.ts and attachments.ts.
import type { CallContext, Handler } from '../../core/service.js';
import type { IamRole } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { requireBoundary } from './policy-lookup.js';
import { boundaryHandlers } from './boundaries.js';
import { ROLE_HOLDER } from './holders.js';
import {
  boundaryOut, checkPolicyText, encodeDocument, iamErrors, mergeTags, nowSeconds, pages, policySize, removeTags,
  requireRole, roleArn, tagsOut, type Tag,
} from './common.js';

const TRUST_POLICY_QUOTA = 2048;


interface CreateRoleInput {
  RoleName: string;
  AssumeRolePolicyDocument: string;
  Path?: string;
  Description?: string;
  MaxSessionDuration?: number;
  PermissionsBoundary?: string;
  Tags?: Tag[];
}

/** A trust policy must parse as one and fit IAM's quota (which IAM names ACLSizePerRole). */
function checkTrustPolicy(text: string): void {
  checkPolicyText(text, 'trust');
  if (policySize(text) > TRUST_POLICY_QUOTA) throw iamErrors.quota('ACLSizePerRole', TRUST_POLICY_QUOTA);
}

/** The members CreateRole returns; GetRole adds MaxSessionDuration and RoleLastUsed. */
export function roleOut(r: IamRole) {
  return {
    Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate,
    AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument), Description: r.description,
    PermissionsBoundary: boundaryOut(r.permissionsBoundary), Tags: tagsOut(r.tags),
  };
}

export function roleHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  const boundaries = boundaryHandlers(deps, ROLE_HOLDER);
  return {
    async CreateRole(input: CreateRoleInput, ctx: CallContext) {
      checkTrustPolicy(input.AssumeRolePolicyDocument);
      await requireBoundary(identity, ctx.accountId, input.PermissionsBoundary);
      const path = input.Path ?? '/';
      const role: IamRole = {
        roleName: input.RoleName, roleId: `AROA${ctx.ids.alnum(17)}`, arn: roleArn(ctx.accountId, path, input.RoleName), path,
        createDate: nowSeconds(ctx), assumeRolePolicyDocument: input.AssumeRolePolicyDocument, description: input.Description,
        maxSessionDuration: input.MaxSessionDuration ?? 3600, tags: mergeTags([], input.Tags ?? []), inlinePolicies: {},
        attachedPolicies: [], permissionsBoundary: input.PermissionsBoundary,
      };
      // Keyed by lower-cased name: `Admin` and `admin` cannot both exist.
      if (!(await identity.createRole(ctx.accountId, role))) throw iamErrors.roleExists(input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      return { Role: roleOut(role) };
    },

    async GetRole(input: { RoleName: string }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      // chattrail does not track role use; IAM answers an empty RoleLastUsed for unused roles.
      return { Role: { ...roleOut(role), MaxSessionDuration: role.maxSessionDuration, RoleLastUsed: {} } };
    },

    async ListRoles(input: { PathPrefix?: string }, ctx: CallContext) {
      const prefix = input.PathPrefix ?? '/';
      const roles = (await identity.listRoles(ctx.accountId)).filter((r) => r.path.startsWith(prefix));
      const page = pages.list('ListRoles', input, ctx, roles, (r) => r.roleName.toLowerCase());
      // ListRoles leaves out tags and boundaries, as IAM does.
      return page.output(page.items.map((r) => ({
        Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: r.createDate,
        AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument), Description: r.description, MaxSessionDuration: r.maxSessionDuration,
      })));
    },

    async UpdateRole(input: { RoleName: string; Description?: string; MaxSessionDuration?: number }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      await identity.putRole(ctx.accountId, {
        ...role, description: input.Description ?? role.description, maxSessionDuration: input.MaxSessionDuration ?? role.maxSessionDuration,
      });
      return {};
    },

    async UpdateAssumeRolePolicy(input: { RoleName: string; PolicyDocument: string }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      checkTrustPolicy(input.PolicyDocument);
      await identity.putRole(ctx.accountId, { ...role, assumeRolePolicyDocument: input.PolicyDocument });
    },

    async DeleteRole(input: { RoleName: string }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      if (Object.keys(role.inlinePolicies).length) throw iamErrors.mustDelete('delete policies');
      if (role.attachedPolicies.length) throw iamErrors.mustDelete('detach all policies');
      const lower = role.roleName.toLowerCase();
      if ((await identity.listInstanceProfiles(ctx.accountId)).some((p) => p.roleNames.some((n) => n.toLowerCase() === lower))) {
        throw iamErrors.mustDelete('remove roles from instance profile');
      }
      await identity.deleteRole(ctx.accountId, role.roleName);
    },

    async TagRole(input: { RoleName: string; Tags: Tag[] }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      await identity.putRole(ctx.accountId, { ...role, tags: mergeTags(role.tags, input.Tags) });
    },

    async UntagRole(input: { RoleName: string; TagKeys: string[] }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      await identity.putRole(ctx.accountId, { ...role, tags: removeTags(role.tags, input.TagKeys) });
    },

    PutRolePermissionsBoundary: boundaries.put,
    DeleteRolePermissionsBoundary: boundaries.remove,

    async ListRoleTags(input: { RoleName: string }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      const page = pages.list('ListRoleTags', input, ctx, role.tags, (t) => t.Key.toLowerCase(), { parent: role.roleId });
      return page.output(page.items);
    },
  };
}
