// Instance profiles: the containers that hand one role to an EC2 instance. Create, read, list,
// delete, and adding or removing their (single) role; DeleteRole refuses a role still in one.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { InstanceProfile } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { roleOut } from './roles.js';
import { iamErrors, instanceProfileArn, mergeTags, nowSeconds, pages, requireRole, tagsOut, wholeSeconds, type Tag } from './common.js';

const ROLES_PER_PROFILE = 1;
const PROFILES_PER_ACCOUNT = 1000;

/** The InstanceProfile shape, its roles in full (IAM returns them with their trust policies). */
export async function instanceProfileOut(deps: IamDeps, accountId: string, p: InstanceProfile) {
  const roles = [];
  for (const name of p.roleNames) {
    const role = await deps.identity.getRole(accountId, name);
    if (role) roles.push(roleOut(role));
  }
  return {
    Path: p.path, InstanceProfileName: p.instanceProfileName, InstanceProfileId: p.instanceProfileId, Arn: p.arn,
    CreateDate: wholeSeconds(p.createDate), Roles: roles, Tags: tagsOut(p.tags),
  };
}

async function requireProfile(deps: IamDeps, ctx: CallContext, name: string): Promise<InstanceProfile> {
  const p = await deps.identity.getInstanceProfile(ctx.accountId, name);
  if (!p) throw iamErrors.noSuchInstanceProfile(name);
  ctx.addResource('AWS::IAM::InstanceProfile', p.arn);
  return p;
}

/** ListInstanceProfiles and ListInstanceProfilesForRole (of the role `parent`): one page in name order. */
async function profilesPage(deps: IamDeps, ctx: CallContext, operation: string, profiles: InstanceProfile[], input: object, parent?: string) {
  const page = pages.list(operation, input, ctx, profiles, (p) => p.instanceProfileName.toLowerCase(), { parent });
  const out = [];
  for (const p of page.items) out.push(await instanceProfileOut(deps, ctx.accountId, p));
  return page.output(out);
}

function hasRole(p: InstanceProfile, roleName: string): boolean {
  return p.roleNames.some((n) => n.toLowerCase() === roleName.toLowerCase());
}

export function instanceProfileHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async CreateInstanceProfile(input: { InstanceProfileName: string; Path?: string; Tags?: Tag[] }, ctx: CallContext) {
      const path = input.Path ?? '/';
      if ((await identity.listInstanceProfiles(ctx.accountId)).length >= PROFILES_PER_ACCOUNT) {
        throw iamErrors.quota('InstanceProfilesPerAccount', PROFILES_PER_ACCOUNT);
      }
      const profile: InstanceProfile = {
        instanceProfileName: input.InstanceProfileName, instanceProfileId: `AIPA${ctx.ids.alnum(17)}`,
        arn: instanceProfileArn(ctx.accountId, path, input.InstanceProfileName), path, createDate: nowSeconds(ctx), roleNames: [],
        tags: mergeTags([], input.Tags ?? []),
      };
      if (!(await identity.createInstanceProfile(ctx.accountId, profile))) throw iamErrors.instanceProfileExists(input.InstanceProfileName);
      ctx.addResource('AWS::IAM::InstanceProfile', profile.arn);
      return { InstanceProfile: await instanceProfileOut(deps, ctx.accountId, profile) };
    },

    async GetInstanceProfile(input: { InstanceProfileName: string }, ctx: CallContext) {
      const p = await requireProfile(deps, ctx, input.InstanceProfileName);
      return { InstanceProfile: await instanceProfileOut(deps, ctx.accountId, p) };
    },

    async ListInstanceProfiles(input: { PathPrefix?: string }, ctx: CallContext) {
      const prefix = input.PathPrefix ?? '/';
      const profiles = (await identity.listInstanceProfiles(ctx.accountId)).filter((p) => p.path.startsWith(prefix));
      return profilesPage(deps, ctx, 'ListInstanceProfiles', profiles, input);
    },

    async ListInstanceProfilesForRole(input: { RoleName: string }, ctx: CallContext) {
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      const profiles = (await identity.listInstanceProfiles(ctx.accountId)).filter((p) => hasRole(p, role.roleName));
      return profilesPage(deps, ctx, 'ListInstanceProfilesForRole', profiles, input, role.roleId);
    },

    async DeleteInstanceProfile(input: { InstanceProfileName: string }, ctx: CallContext) {
      const p = await requireProfile(deps, ctx, input.InstanceProfileName);
      if (p.roleNames.length) throw iamErrors.mustDelete('remove roles from instance profile');
      await identity.deleteInstanceProfile(ctx.accountId, p.instanceProfileName);
    },

    async AddRoleToInstanceProfile(input: { InstanceProfileName: string; RoleName: string }, ctx: CallContext) {
      const p = await requireProfile(deps, ctx, input.InstanceProfileName);
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      // A profile holds one role; IAM answers a second one (even the same role again) with its quota.
      if (p.roleNames.length >= ROLES_PER_PROFILE) throw iamErrors.quota('InstanceSessionsPerInstanceProfile', ROLES_PER_PROFILE);
      await identity.putInstanceProfile(ctx.accountId, { ...p, roleNames: [...p.roleNames, role.roleName] });
    },

    async RemoveRoleFromInstanceProfile(input: { InstanceProfileName: string; RoleName: string }, ctx: CallContext) {
      const p = await requireProfile(deps, ctx, input.InstanceProfileName);
      const role = await requireRole(identity, ctx.accountId, input.RoleName);
      ctx.addResource('AWS::IAM::Role', role.arn);
      if (!hasRole(p, role.roleName)) {
        throw new AwsError('NoSuchEntity', `The role with name ${role.roleName} cannot be found in instance profile ${p.instanceProfileName}.`);
      }
      await identity.putInstanceProfile(ctx.accountId, { ...p, roleNames: p.roleNames.filter((n) => n.toLowerCase() !== role.roleName.toLowerCase()) });
    },
  };
}
