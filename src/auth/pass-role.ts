// iam:PassRole, the one check every service makes when it is handed a role to assume later (a Lambda
// function's execution role, a Chatbot channel's role): the role must live in the caller's account,
// and the caller must be allowed iam:PassRole on it with iam:PassedToService naming the service.
import type { AwsError } from '../protocol/errors.js';

/** What the check needs of a call (a handler's CallContext has both): whose account, and its authorization. */
export interface PassRoleCall {
  accountId: string;
  authorize(action: string, resource: string, context?: Record<string, string | string[] | undefined>): Promise<void>;
}

/** AWS's words (and an AccessDenied) for a role of another account, whatever the caller's policies say. */
export const CROSS_ACCOUNT_PASS_ROLE = 'Cross-account pass role is not allowed.';

/** A role ARN of the aws partition; the name is the last path segment. */
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;

export interface RoleRef {
  accountId: string;
  roleName: string;
}

export function parseRoleArn(arn: string): RoleRef | undefined {
  const m = ROLE_ARN.exec(arn);
  return m ? { accountId: m[1], roleName: m[2] } : undefined;
}

/** Finds a stored role by account and (case-insensitive) name; its `arn` is the canonical one. */
export type RoleLookup<R extends { arn: string } = { arn: string }> = (accountId: string, roleName: string) => Promise<R | undefined>;

export interface PassRoleRequest<R extends { arn: string }> {
  roleArn: string;
  /** The service the role is handed to: the value of `iam:PassedToService` (`lambda.amazonaws.com`). */
  service: string;
  /** The service's own refusal, in its words (Lambda's carries `Type: User`). */
  refuse(message: string): AwsError;
  lookupRole: RoleLookup<R>;
}

/**
 * Authorizes passing `roleArn` to `service` for this call, and returns the stored role (undefined
 * when no such role exists: passing a role that does not exist is for the service to judge).
 * A role of another account (or one that is no role ARN of this partition) is refused before any
 * policy is read: no policy can grant it. The policy is matched against the stored role's own ARN
 * (its path and case), so `role/ADMIN` or a made-up path cannot slip past a Deny on `role/admin`.
 */
export async function authorizePassRole<R extends { arn: string }>(ctx: PassRoleCall, r: PassRoleRequest<R>): Promise<R | undefined> {
  const ref = parseRoleArn(r.roleArn);
  if (!ref || ref.accountId !== ctx.accountId) throw r.refuse(CROSS_ACCOUNT_PASS_ROLE);
  const role = await r.lookupRole(ref.accountId, ref.roleName);
  await ctx.authorize('iam:PassRole', role?.arn ?? r.roleArn, { 'iam:PassedToService': r.service });
  return role;
}
