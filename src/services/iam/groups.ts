// IAM groups: create, read (with their members), list, rename or move, delete, and membership.
// Members are kept on the group by user id, so renaming either side keeps them; a group's
// policies live in inline-policies.ts and attachments.ts, and reach its members in authorize.ts.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { IamGroup, IamUser } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { groupArn, iamErrors, nowSeconds, pages, requireGroup, requireUser, wholeSeconds } from './common.js';

const GROUPS_PER_ACCOUNT = 300;
const GROUPS_PER_USER = 10;

/** The Group shape every group operation returns. */
export function groupOut(g: IamGroup) {
  return { Path: g.path, GroupName: g.groupName, GroupId: g.groupId, Arn: g.arn, CreateDate: wholeSeconds(g.createDate) };
}

/** Users as GetGroup lists them: the ListUsers shape. */
function memberOut(u: IamUser) {
  return { Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: wholeSeconds(u.createDate) };
}

/** ListGroups and ListGroupsForUser (of `user`): one page of groups in name order. */
function groupsPage(operation: string, groups: IamGroup[], input: object, ctx: CallContext, user?: IamUser) {
  const page = pages.list(operation, input, ctx, groups, (g) => g.groupName.toLowerCase(), { parent: user?.userId });
  return page.output(page.items.map(groupOut));
}

function lifecycleHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async CreateGroup(input: { GroupName: string; Path?: string }, ctx: CallContext) {
      const path = input.Path ?? '/';
      if ((await identity.listGroups(ctx.accountId)).length >= GROUPS_PER_ACCOUNT) throw iamErrors.quota('GroupsPerAccount', GROUPS_PER_ACCOUNT);
      const group: IamGroup = {
        groupName: input.GroupName, groupId: `AGPA${ctx.ids.alnum(17)}`, arn: groupArn(ctx.accountId, path, input.GroupName), path,
        createDate: nowSeconds(ctx), inlinePolicies: {}, attachedPolicies: [], memberIds: [],
      };
      // Keyed by lower-cased name: `Admins` and `admins` cannot both exist.
      if (!(await identity.createGroup(ctx.accountId, group))) throw iamErrors.groupExists(input.GroupName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      return { Group: groupOut(group) };
    },

    async GetGroup(input: { GroupName: string }, ctx: CallContext) {
      const group = await requireGroup(identity, ctx.accountId, input.GroupName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      const members = (await identity.listUsers(ctx.accountId)).filter((u) => group.memberIds.includes(u.userId));
      const page = pages.list('GetGroup', input, ctx, members, (u) => u.userName.toLowerCase(), { parent: group.groupId });
      return { Group: groupOut(group), ...page.output(page.items.map(memberOut)) };
    },

    async ListGroups(input: { PathPrefix?: string }, ctx: CallContext) {
      const prefix = input.PathPrefix ?? '/';
      return groupsPage('ListGroups', (await identity.listGroups(ctx.accountId)).filter((g) => g.path.startsWith(prefix)), input, ctx);
    },

    async UpdateGroup(input: { GroupName: string; NewGroupName?: string; NewPath?: string }, ctx: CallContext) {
      const group = await requireGroup(identity, ctx.accountId, input.GroupName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      const name = input.NewGroupName ?? group.groupName;
      const path = input.NewPath ?? group.path;
      const renamed = name.toLowerCase() !== group.groupName.toLowerCase();
      const updated: IamGroup = { ...group, groupName: name, path, arn: groupArn(ctx.accountId, path, name) };
      if (!renamed) {
        await identity.putGroup(ctx.accountId, updated);
      } else {
        // Create first so a taken name fails before anything changes; members and policies travel with the document.
        if (!(await identity.createGroup(ctx.accountId, updated))) throw iamErrors.groupExists(name);
        await identity.deleteGroup(ctx.accountId, group.groupName);
        ctx.addResource('AWS::IAM::Group', updated.arn);
      }
    },

    async DeleteGroup(input: { GroupName: string }, ctx: CallContext) {
      const group = await requireGroup(identity, ctx.accountId, input.GroupName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      // IAM refuses while anything hangs off the group, in this order.
      if (group.memberIds.length) throw iamErrors.mustDelete('remove users from group');
      if (Object.keys(group.inlinePolicies).length) throw iamErrors.mustDelete('delete policies');
      if (group.attachedPolicies.length) throw iamErrors.mustDelete('detach all policies');
      await identity.deleteGroup(ctx.accountId, group.groupName);
    },
  };
}

function membershipHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async AddUserToGroup(input: { GroupName: string; UserName: string }, ctx: CallContext) {
      const group = await requireGroup(identity, ctx.accountId, input.GroupName);
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      ctx.addResource('AWS::IAM::User', user.arn);
      // Adding a member twice is not an error in IAM, and changes nothing.
      if (group.memberIds.includes(user.userId)) return;
      if ((await identity.groupsOfUser(ctx.accountId, user.userId)).length >= GROUPS_PER_USER) throw iamErrors.quota('GroupsPerUser', GROUPS_PER_USER);
      await identity.putGroup(ctx.accountId, { ...group, memberIds: [...group.memberIds, user.userId] });
    },

    async RemoveUserFromGroup(input: { GroupName: string; UserName: string }, ctx: CallContext) {
      const group = await requireGroup(identity, ctx.accountId, input.GroupName);
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::Group', group.arn);
      ctx.addResource('AWS::IAM::User', user.arn);
      if (!group.memberIds.includes(user.userId)) {
        throw new AwsError('NoSuchEntity', `The user with name ${user.userName} cannot be found in group ${group.groupName}.`);
      }
      await identity.putGroup(ctx.accountId, { ...group, memberIds: group.memberIds.filter((id) => id !== user.userId) });
    },

    async ListGroupsForUser(input: { UserName: string }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      return groupsPage('ListGroupsForUser', await identity.groupsOfUser(ctx.accountId, user.userId), input, ctx, user);
    },
  };
}

export function groupHandlers(deps: IamDeps): Record<string, Handler> {
  return { ...lifecycleHandlers(deps), ...membershipHandlers(deps) };
}
