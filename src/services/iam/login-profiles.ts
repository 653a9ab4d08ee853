// Login profiles (a user's console password) and ListMFADevices (chattrail has no MFA devices).
// Only a salted scrypt hash is stored: the password is never returned, logged or recorded.
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { IamUser } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { iamErrors, nowSeconds, requireUser, targetUserName, wholeSeconds } from './common.js';

const scrypt = promisify(crypto.scrypt) as (password: string, salt: Buffer, keylen: number) => Promise<Buffer>;

type LoginProfile = NonNullable<IamUser['loginProfile']>;

const MIN_LENGTH = 8;
const CHARACTER_CLASSES = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/];

/**
 * AWS's default password policy (chattrail has no custom account password policy): at least
 * eight characters drawn from at least three of upper case, lower case, digits and symbols.
 */
export function checkPassword(password: string | undefined): string {
  if (password === undefined) throw new AwsError('ValidationError', 'Password is required.');
  const classes = CHARACTER_CLASSES.filter((re) => re.test(password)).length;
  if (password.length < MIN_LENGTH || classes < 3) {
    throw new AwsError('PasswordPolicyViolation', 'Password does not conform to the account password policy.');
  }
  return password;
}

/** `scrypt$<salt>$<hash>`, both base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks a password against a stored hash in constant time (for a future console password sign-in). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

function profileOut(user: IamUser, p: LoginProfile) {
  return { UserName: user.userName, CreateDate: wholeSeconds(p.createDate), PasswordResetRequired: p.passwordResetRequired };
}

function noProfile(userName: string): AwsError {
  return new AwsError('NoSuchEntity', `Login Profile for User ${userName} cannot be found.`);
}

/** The user named (or the calling user) and its login profile, which must exist. */
async function withProfile(deps: IamDeps, input: { UserName?: string }, ctx: CallContext): Promise<{ user: IamUser; profile: LoginProfile }> {
  const user = await targetUser(deps, input, ctx);
  if (!user.loginProfile) throw noProfile(user.userName);
  return { user, profile: user.loginProfile };
}

async function targetUser(deps: IamDeps, input: { UserName?: string }, ctx: CallContext): Promise<IamUser> {
  const name = targetUserName(input, ctx);
  if (name === undefined) throw iamErrors.needsUserName();
  const user = await requireUser(deps.identity, ctx.accountId, name);
  ctx.addResource('AWS::IAM::User', user.arn);
  return user;
}

export function loginProfileHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async CreateLoginProfile(input: { UserName?: string; Password?: string; PasswordResetRequired?: boolean }, ctx: CallContext) {
      const user = await targetUser(deps, input, ctx);
      if (user.loginProfile) throw new AwsError('EntityAlreadyExists', `Login Profile for user ${user.userName} already exists.`);
      const password = checkPassword(input.Password);
      const profile: LoginProfile = { createDate: nowSeconds(ctx), passwordResetRequired: input.PasswordResetRequired ?? false, passwordHash: await hashPassword(password) };
      await identity.putUser(ctx.accountId, { ...user, loginProfile: profile });
      return { LoginProfile: profileOut(user, profile) };
    },

    async GetLoginProfile(input: { UserName?: string }, ctx: CallContext) {
      const { user, profile } = await withProfile(deps, input, ctx);
      return { LoginProfile: profileOut(user, profile) };
    },

    async UpdateLoginProfile(input: { UserName?: string; Password?: string; PasswordResetRequired?: boolean }, ctx: CallContext) {
      const { user, profile } = await withProfile(deps, input, ctx);
      const passwordHash = input.Password === undefined ? profile.passwordHash : await hashPassword(checkPassword(input.Password));
      const updated: LoginProfile = { ...profile, passwordHash, passwordResetRequired: input.PasswordResetRequired ?? profile.passwordResetRequired };
      await identity.putUser(ctx.accountId, { ...user, loginProfile: updated });
    },

    async DeleteLoginProfile(input: { UserName?: string }, ctx: CallContext) {
      const { user } = await withProfile(deps, input, ctx);
      await identity.putUser(ctx.accountId, { ...user, loginProfile: undefined });
    },

    /** chattrail has no MFA devices: every user (and the root user) has none. */
    async ListMFADevices(input: { UserName?: string }, ctx: CallContext) {
      const name = targetUserName(input, ctx);
      if (name !== undefined) ctx.addResource('AWS::IAM::User', (await requireUser(identity, ctx.accountId, name)).arn);
      return { MFADevices: [], IsTruncated: false };
    },
  };
}
