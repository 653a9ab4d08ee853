// IAM users: create, read, list, rename, delete, their tags and permissions boundary. A user's access keys live in
// access-keys.ts, its policies in inline-policies.ts and attachments.ts.
import type { CallContext, Handler } from '../../core/service.js';
import type { IamUser } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { userIdFor } from '../../identity/accounts.js';
import { requireBoundary } from './policy-lookup.js';
import { boundaryHandlers } from './boundaries.js';
import { USER_HOLDER } from './holders.js';
import {
  boundaryOut, iamErrors, mergeTags, nowSeconds, pages, removeTags, requireUser, tagsOut, userArn, wholeSeconds, type Tag,
} from './common.js';

/** The User shape IAM returns from CreateUser and GetUser. */
function userOut(u: IamUser) {
  return {
    Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: wholeSeconds(u.createDate),
    PermissionsBoundary: boundaryOut(u.permissionsBoundary), Tags: tagsOut(u.tags),
  };
}

/** What GetUser answers for the root user: no name, no path, the account id as its id. */
async function rootUser(deps: IamDeps, ctx: CallContext) {
  const account = await deps.identity.getAccount(ctx.accountId);
  return { User: { UserId: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root`, CreateDate: account ? wholeSeconds(account.createdAt) : nowSeconds(ctx) } };
}

export function userHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  const boundaries = boundaryHandlers(deps, USER_HOLDER);
  return {
    async CreateUser(input: { UserName: string; Path?: string; PermissionsBoundary?: string; Tags?: Tag[] }, ctx: CallContext) {
      const path = input.Path ?? '/';
      await requireBoundary(identity, ctx.accountId, input.PermissionsBoundary);
      const user: IamUser = {
        userName: input.UserName, userId: userIdFor(ctx.ids), arn: userArn(ctx.accountId, path, input.UserName), path,
        createDate: nowSeconds(ctx), tags: mergeTags([], input.Tags ?? []), inlinePolicies: {}, attachedPolicies: [],
        permissionsBoundary: input.PermissionsBoundary,
      };
      // The store keys users by lower-cased name, so this also refuses `Bob` when `bob` exists.
      if (!(await identity.createUser(ctx.accountId, user))) throw iamErrors.userExists(input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      return { User: userOut(user) };
    },

    async GetUser(input: { UserName?: string }, ctx: CallContext) {
      const p = ctx.principal;
      if (input.UserName === undefined && p.type === 'Root') return rootUser(deps, ctx);
      if (input.UserName === undefined && p.type !== 'IAMUser') throw iamErrors.needsUserName();
      const name = input.UserName ?? (p.type === 'IAMUser' ? p.userName : '');
      const user = await requireUser(identity, ctx.accountId, name);
      ctx.addResource('AWS::IAM::User', user.arn);
      return { User: userOut(user) };
    },

    async ListUsers(input: { PathPrefix?: string }, ctx: CallContext) {
      const prefix = input.PathPrefix ?? '/';
      const users = (await identity.listUsers(ctx.accountId)).filter((u) => u.path.startsWith(prefix));
      const page = pages.list('ListUsers', input, ctx, users, (u) => u.userName.toLowerCase());
      // ListUsers leaves out tags and boundaries, as IAM does.
      return page.output(page.items.map((u) => ({ Path: u.path, UserName: u.userName, UserId: u.userId, Arn: u.arn, CreateDate: wholeSeconds(u.createDate) })));
    },

    async UpdateUser(input: { UserName: string; NewUserName?: string; NewPath?: string }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      const name = input.NewUserName ?? user.userName;
      const path = input.NewPath ?? user.path;
      const renamed = name.toLowerCase() !== user.userName.toLowerCase();
      if (renamed && (await identity.getUser(ctx.accountId, name))) throw iamErrors.userExists(name);
      const updated: IamUser = { ...user, userName: name, path, arn: userArn(ctx.accountId, path, name) };
      ctx.addResource('AWS::IAM::User', user.arn);
      if (!renamed) {
        await identity.putUser(ctx.accountId, updated);
      } else {
        await identity.createUser(ctx.accountId, updated);
        await moveAccessKeys(deps, ctx.accountId, user.userName, name);
        await identity.deleteUser(ctx.accountId, user.userName);
        ctx.addResource('AWS::IAM::User', updated.arn);
      }
    },

    async DeleteUser(input: { UserName: string }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      // IAM refuses to delete a user that still has anything hanging off it, in this order.
      if (user.loginProfile) throw iamErrors.mustDelete('delete login profile');
      if ((await identity.listAccessKeys(ctx.accountId, user.userName)).length) throw iamErrors.mustDelete('delete access keys');
      if (Object.keys(user.inlinePolicies).length) throw iamErrors.mustDelete('delete policies');
      if (user.attachedPolicies.length) throw iamErrors.mustDelete('detach all policies');
      if ((await identity.groupsOfUser(ctx.accountId, user.userId)).length) throw iamErrors.mustDelete('remove users from group');
      await identity.deleteUser(ctx.accountId, user.userName);
    },

    async TagUser(input: { UserName: string; Tags: Tag[] }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      await identity.putUser(ctx.accountId, { ...user, tags: mergeTags(user.tags, input.Tags) });
    },

    async UntagUser(input: { UserName: string; TagKeys: string[] }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      await identity.putUser(ctx.accountId, { ...user, tags: removeTags(user.tags, input.TagKeys) });
    },

    PutUserPermissionsBoundary: boundaries.put,
    DeleteUserPermissionsBoundary: boundaries.remove,

    async ListUserTags(input: { UserName: string }, ctx: CallContext) {
      const user = await requireUser(identity, ctx.accountId, input.UserName);
      ctx.addResource('AWS::IAM::User', user.arn);
      const page = pages.list('ListUserTags', input, ctx, user.tags, (t) => t.Key.toLowerCase(), { parent: user.userId });
      return page.output(page.items);
    },
  };
}

/** A renamed user keeps its access keys: they are stored by key id and name their user. */
async function moveAccessKeys(deps: IamDeps, accountId: string, from: string, to: string): Promise<void> {
  for (const key of await deps.identity.listAccessKeys(accountId, from)) {
    await deps.identity.putAccessKey({ ...key, userName: to });
  }
}
