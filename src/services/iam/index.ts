// IAM as a ServiceDefinition: handlers (handlers.ts and the files it gathers), recording rules
// (recording.ts), and the resource each action applies to for policy evaluation.
import { loadModel } from '../../protocol/model.js';
import type { CallContext, ServiceDefinition } from '../types.js';
import type { IdentityStore } from './store.js';
import type { Authorizer } from '../../auth/authorize.js';
import type { CredentialResolver } from '../../auth/credentials.js';
import { iamHandlers } from './handlers.js';
import { iamRecording } from './recording.js';
import { policyArn, roleArn, userArn } from './common.js';

export interface IamDeps {
  identity: IdentityStore;
  authorizer: Authorizer;
  credentials: CredentialResolver;
}

/** Operations whose missing UserName means "the caller": their resource is the caller's ARN. */
const CALLER_DEFAULT = new Set(['GetUser', 'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey']);

/**
 * The ARN an IAM action applies to, built from the request alone (authorization runs before the
 * handler, without reading the store). Existing users and roles are addressed without their
 * path, since only the store knows it; policies matching `user/*` or `role/*` still apply.
 */
export function iamResourceOf(op: string, input: Record<string, unknown>, ctx: CallContext): string {
  const acct = ctx.accountId;
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const creating = op === 'CreateUser' || op === 'CreateRole' || op === 'CreatePolicy';
  const path = (creating ? str('Path') : undefined) ?? '/';
  const role = str('RoleName');
  if (role !== undefined) return roleArn(acct, path, role);
  const user = str('UserName');
  if (user !== undefined) return userArn(acct, path, user);
  const policy = str('PolicyArn');
  if (policy !== undefined) return policy;
  if (op === 'CreatePolicy' && str('PolicyName')) return policyArn(acct, path, str('PolicyName')!);
  if (CALLER_DEFAULT.has(op)) return ctx.principal.type === 'IAMUser' ? ctx.principal.arn : '*';
  // Listing addresses the path the caller asked about, e.g. `arn:aws:iam::<acct>:user/`.
  if (op === 'ListUsers') return `arn:aws:iam::${acct}:user${str('PathPrefix') ?? '/'}`;
  if (op === 'ListRoles') return `arn:aws:iam::${acct}:role${str('PathPrefix') ?? '/'}`;
  return '*';
}

export function iamService(deps: IamDeps): ServiceDefinition {
  return {
    model: loadModel('iam'),
    handlers: iamHandlers(deps),
    recording: iamRecording,
    resourceOf: iamResourceOf,
  };
}
