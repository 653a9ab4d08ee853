// Long-term access keys of IAM users and of the root user: create (the only moment the secret is
// ever returned), list, activate/deactivate, delete, last use. The credential cache follows the
// key documents' changes (auth/credentials.ts), so the next signed request sees each at once.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { AccessKeyRecord } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { iamErrors, nowSeconds, pages, requireUser, targetUserName, wholeSeconds } from './common.js';

const KEYS_PER_USER = 2;

interface KeyInput { UserName?: string; AccessKeyId: string }

/** The user (or root, when undefined) whose keys the call is about, with its canonical spelling. */
async function keyOwner(deps: IamDeps, input: { UserName?: string }, ctx: CallContext): Promise<{ userName?: string; arn?: string }> {
  const name = targetUserName(input, ctx);
  if (name === undefined) return {};
  const user = await requireUser(deps.identity, ctx.accountId, name);
  return { userName: user.userName, arn: user.arn };
}

/** The key, provided it belongs to the named user (or the caller); otherwise IAM says it does not exist. */
async function ownedKey(deps: IamDeps, input: KeyInput, ctx: CallContext): Promise<AccessKeyRecord> {
  const owner = await keyOwner(deps, input, ctx);
  const key = await deps.identity.getAccessKey(input.AccessKeyId);
  const sameOwner = (key?.userName ?? '').toLowerCase() === (owner.userName ?? '').toLowerCase();
  if (!key || key.accountId !== ctx.accountId || !sameOwner) throw iamErrors.noSuchKey(input.AccessKeyId);
  ctx.addResource('AWS::IAM::AccessKey', key.accessKeyId);
  if (owner.arn) ctx.addResource('AWS::IAM::User', owner.arn);
  return key;
}

export function accessKeyHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async CreateAccessKey(input: { UserName?: string }, ctx: CallContext) {
      const owner = await keyOwner(deps, input, ctx);
      const existing = await identity.listAccessKeys(ctx.accountId, owner.userName);
      if (existing.length >= KEYS_PER_USER) throw iamErrors.quota('AccessKeysPerUser', KEYS_PER_USER);
      const accessKeyId = `AKIA${ctx.ids.alnum(16)}`;
      const secret = ctx.ids.secret(40);
      const createDate = nowSeconds(ctx);
      await identity.putAccessKey({
        accessKeyId, sealedSecret: identity.box.seal(secret), accountId: ctx.accountId, userName: owner.userName, status: 'Active', createDate,
      });
      ctx.addResource('AWS::IAM::AccessKey', accessKeyId);
      if (owner.arn) ctx.addResource('AWS::IAM::User', owner.arn);
      return { AccessKey: { UserName: owner.userName, AccessKeyId: accessKeyId, Status: 'Active', SecretAccessKey: secret, CreateDate: createDate } };
    },

    async ListAccessKeys(input: { UserName?: string }, ctx: CallContext) {
      const owner = await keyOwner(deps, input, ctx);
      if (owner.arn) ctx.addResource('AWS::IAM::User', owner.arn);
      const keys = await identity.listAccessKeys(ctx.accountId, owner.userName);
      const page = pages.list('ListAccessKeys', input, ctx, keys, (k) => `${k.createDate.toISOString()} ${k.accessKeyId}`, { parent: owner.arn });
      return page.output(page.items.map((k) => ({ UserName: k.userName, AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: wholeSeconds(k.createDate) })));
    },

    async UpdateAccessKey(input: KeyInput & { Status: string }, ctx: CallContext) {
      if (input.Status !== 'Active' && input.Status !== 'Inactive') {
        throw new AwsError('InvalidInput', `Invalid status ${input.Status}: an access key can only be made Active or Inactive.`);
      }
      const key = await ownedKey(deps, input, ctx);
      await identity.putAccessKey({ ...key, status: input.Status });
    },

    async DeleteAccessKey(input: KeyInput, ctx: CallContext) {
      const key = await ownedKey(deps, input, ctx);
      await identity.deleteAccessKey(key.accessKeyId);
    },

    async GetAccessKeyLastUsed(input: { AccessKeyId: string }, ctx: CallContext) {
      const key = await identity.getAccessKey(input.AccessKeyId);
      if (!key || key.accountId !== ctx.accountId) throw iamErrors.noSuchKey(input.AccessKeyId);
      ctx.addResource('AWS::IAM::AccessKey', key.accessKeyId);
      const used = key.lastUsed;
      // A key never used reports N/A for service and region, and no date.
      const AccessKeyLastUsed = used
        ? { LastUsedDate: used.date, ServiceName: used.service, Region: used.region }
        : { ServiceName: 'N/A', Region: 'N/A' };
      return { UserName: key.userName, AccessKeyLastUsed };
    },
  };
}
