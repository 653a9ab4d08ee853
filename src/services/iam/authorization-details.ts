// Whole-account views of who holds which policy: ListEntitiesForPolicy (the users, groups and
// roles one managed policy reaches) and GetAccountAuthorizationDetails (everything, paged).
// Policy documents are URL-encoded, as GetUserPolicy and GetPolicyVersion return them.
import type { CallContext, Handler } from '../../core/service.js';
import type { IamDeps } from './deps.js';
import type { IamGroup, IamRole, IamUser, InstanceProfile } from '../../identity/store.js';
import { boundaryOut, encodeDocument, pages, tagsOut, wholeSeconds } from './common.js';
import { awsPolicyViews, policyNameOf, policyUsage, viewOfStored, type PolicyUsage, type PolicyView } from './policy-lookup.js';
import { requireView, usageOf } from './policies.js';
import { instanceProfileOut } from './instance-profiles.js';

type EntityType = 'User' | 'Role' | 'Group' | 'LocalManagedPolicy' | 'AWSManagedPolicy';
const ALL_TYPES: EntityType[] = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];

type Holder = { attachedPolicies: string[]; permissionsBoundary?: string; path: string };

/** Whether a holder uses `arn` the way PolicyUsageFilter asks (either way when absent). */
function uses(h: Holder, arn: string, filter: string | undefined): boolean {
  const attached = filter !== 'PermissionsBoundary' && h.attachedPolicies.includes(arn);
  const boundary = filter !== 'PermissionsPolicy' && h.permissionsBoundary === arn;
  return attached || boundary;
}

type Entity = { kind: 'Group'; g: IamGroup } | { kind: 'Role'; r: IamRole } | { kind: 'User'; u: IamUser };

function entityKey(e: Entity): string {
  const name = e.kind === 'Group' ? e.g.groupName : e.kind === 'Role' ? e.r.roleName : e.u.userName;
  return `${e.kind} ${name.toLowerCase()}`;
}

type EntitiesInput = { PolicyArn: string; EntityFilter?: EntityType; PathPrefix?: string; PolicyUsageFilter?: string };

async function listEntitiesForPolicy(deps: IamDeps, input: EntitiesInput, ctx: CallContext) {
  const { identity } = deps;
  const view = await requireView(deps, ctx, input.PolicyArn);
  const wanted = (kind: EntityType) => input.EntityFilter === undefined || input.EntityFilter === kind;
  const keep = (h: Holder) => h.path.startsWith(input.PathPrefix ?? '/') && uses(h, view.arn, input.PolicyUsageFilter);
  const entities: Entity[] = [];
  if (wanted('Group')) for (const g of await identity.listGroups(ctx.accountId)) if (keep(g)) entities.push({ kind: 'Group', g });
  if (wanted('Role')) for (const r of await identity.listRoles(ctx.accountId)) if (keep(r)) entities.push({ kind: 'Role', r });
  if (wanted('User')) for (const u of await identity.listUsers(ctx.accountId)) if (keep(u)) entities.push({ kind: 'User', u });
  const page = pages.list('ListEntitiesForPolicy', input, ctx, entities, entityKey, { parent: view.arn });
  return page.output({
    PolicyGroups: page.items.flatMap((e) => (e.kind === 'Group' ? [{ GroupName: e.g.groupName, GroupId: e.g.groupId }] : [])),
    PolicyUsers: page.items.flatMap((e) => (e.kind === 'User' ? [{ UserName: e.u.userName, UserId: e.u.userId }] : [])),
    PolicyRoles: page.items.flatMap((e) => (e.kind === 'Role' ? [{ RoleName: e.r.roleName, RoleId: e.r.roleId }] : [])),
  });
}

function inlineList(policies: Record<string, string>) {
  return Object.entries(policies).map(([PolicyName, text]) => ({ PolicyName, PolicyDocument: encodeDocument(text) }));
}

function attachedList(arns: string[]) {
  return arns.map((arn) => ({ PolicyName: policyNameOf(arn), PolicyArn: arn }));
}

/** Everything the account holds, loaded once per call. */
interface Snapshot {
  users: IamUser[];
  groups: IamGroup[];
  roles: IamRole[];
  profiles: InstanceProfile[];
  policies: PolicyView[];
  usage: PolicyUsage;
}

async function snapshot(deps: IamDeps, accountId: string, types: EntityType[]): Promise<Snapshot> {
  const { identity } = deps;
  const usage = await policyUsage(identity, accountId);
  const local = types.includes('LocalManagedPolicy') ? (await identity.listPolicies(accountId)).map((p) => viewOfStored(p)) : [];
  // AWS managed policies appear only when something in the account uses them, as in IAM.
  const aws = types.includes('AWSManagedPolicy') ? awsPolicyViews().filter((v) => usage.attachments.has(v.arn) || usage.boundaries.has(v.arn)) : [];
  return {
    users: types.includes('User') ? await identity.listUsers(accountId) : [],
    groups: await identity.listGroups(accountId),
    roles: types.includes('Role') ? await identity.listRoles(accountId) : [],
    profiles: types.includes('Role') ? await identity.listInstanceProfiles(accountId) : [],
    policies: [...local, ...aws], usage,
  };
}

type Detail = { key: string; list: 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'; make: () => Promise<object> };

function details(deps: IamDeps, accountId: string, s: Snapshot, types: EntityType[]): Detail[] {
  const out: Detail[] = [];
  for (const u of s.users) {
    out.push({ key: `1 ${u.userName.toLowerCase()}`, list: 'UserDetailList', make: async () => ({
      Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: wholeSeconds(u.createDate),
      UserPolicyList: inlineList(u.inlinePolicies), GroupList: s.groups.filter((g) => g.memberIds.includes(u.userId)).map((g) => g.groupName),
      AttachedManagedPolicies: attachedList(u.attachedPolicies), PermissionsBoundary: boundaryOut(u.permissionsBoundary), Tags: tagsOut(u.tags),
    }) });
  }
  for (const g of types.includes('Group') ? s.groups : []) {
    out.push({ key: `2 ${g.groupName.toLowerCase()}`, list: 'GroupDetailList', make: async () => ({
      Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: wholeSeconds(g.createDate),
      GroupPolicyList: inlineList(g.inlinePolicies), AttachedManagedPolicies: attachedList(g.attachedPolicies),
    }) });
  }
  for (const r of s.roles) {
    const lower = r.roleName.toLowerCase();
    const profiles = s.profiles.filter((p) => p.roleNames.some((n) => n.toLowerCase() === lower));
    out.push({ key: `3 ${lower}`, list: 'RoleDetailList', make: async () => ({
      Path: r.path, RoleName: r.roleName, RoleId: r.roleId, Arn: r.arn, CreateDate: wholeSeconds(r.createDate),
      AssumeRolePolicyDocument: encodeDocument(r.assumeRolePolicyDocument),
      InstanceProfileList: await Promise.all(profiles.map((p) => instanceProfileOut(deps, accountId, p))),
      RolePolicyList: inlineList(r.inlinePolicies), AttachedManagedPolicies: attachedList(r.attachedPolicies),
      PermissionsBoundary: boundaryOut(r.permissionsBoundary), Tags: tagsOut(r.tags), RoleLastUsed: {},
    }) });
  }
  for (const v of s.policies) {
    const usage = usageOf(v, s.usage);
    out.push({ key: `4 ${v.name.toLowerCase()} ${v.arn}`, list: 'Policies', make: async () => ({
      PolicyName: v.name, PolicyId: v.policyId, Arn: v.arn, Path: v.path, DefaultVersionId: v.defaultVersionId,
      AttachmentCount: usage.attachments, PermissionsBoundaryUsageCount: usage.boundaries, IsAttachable: true,
      Description: v.description, CreateDate: v.createDate, UpdateDate: v.updateDate,
      PolicyVersionList: v.versions.map((x) => ({
        Document: encodeDocument(x.document), VersionId: x.versionId, IsDefaultVersion: x.versionId === v.defaultVersionId, CreateDate: x.createDate,
      })),
    }) });
  }
  return out;
}

async function getAccountAuthorizationDetails(deps: IamDeps, input: { Filter?: EntityType[] }, ctx: CallContext) {
  const types = input.Filter?.length ? input.Filter : ALL_TYPES;
  const s = await snapshot(deps, ctx.accountId, types);
  const page = pages.list('GetAccountAuthorizationDetails', input, ctx, details(deps, ctx.accountId, s, types), (d) => d.key);
  const out: Record<Detail['list'], object[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
  for (const d of page.items) out[d.list].push(await d.make());
  return page.output(out);
}

export function authorizationDetailHandlers(deps: IamDeps): Record<string, Handler> {
  return {
    ListEntitiesForPolicy: (input: EntitiesInput, ctx: CallContext) => listEntitiesForPolicy(deps, input, ctx),
    GetAccountAuthorizationDetails: (input: { Filter?: EntityType[] }, ctx: CallContext) => getAccountAuthorizationDetails(deps, input, ctx),
  };
}
