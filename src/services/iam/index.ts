// IAM as a ServiceDefinition: handlers (handlers.ts and the files it gathers), recording rules
// (recording.ts), and the resource each action applies to for policy evaluation.
import { loadModel } from '../../protocol/model.js';
import type { CallContext, ServiceDefinition } from '../types.js';
import type { IdentityStore } from './store.js';
import type { Authorizer } from '../../auth/authorize.js';
import type { CredentialResolver } from '../../auth/credentials.js';
import { iamHandlers } from './handlers.js';
import { iamRecording } from './recording.js';
import { groupArn, instanceProfileArn, policyArn, roleArn, userArn } from './common.js';

export interface IamDeps {
  identity: IdentityStore;
  authorizer: Authorizer;
  credentials: CredentialResolver;
}

/** Operations whose missing UserName means "the caller": their resource is the caller's ARN. */
const CALLER_DEFAULT = new Set([
  'GetUser', 'CreateAccessKey', 'ListAccessKeys', 'UpdateAccessKey', 'DeleteAccessKey',
  'CreateLoginProfile', 'GetLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ListMFADevices',
]);
const CREATING = new Set(['CreateUser', 'CreateRole', 'CreatePolicy', 'CreateGroup', 'CreateInstanceProfile']);
/** Listings address the path the caller asked about, e.g. `arn:aws:iam::<acct>:user/`. */
const LISTED: Record<string, string> = { ListUsers: 'user', ListRoles: 'role', ListGroups: 'group', ListInstanceProfiles: 'instance-profile' };

/**
 * The ARN an IAM action applies to, built from the request alone (authorization runs before the
 * handler, without reading the store). Existing entities are addressed without their path, since
 * only the store knows it; policies matching `user/*`, `group/*` or `role/*` still apply. An
 * operation naming several entities acts on the container: the instance profile, then the group.
 */
export function iamResourceOf(op: string, input: Record<string, unknown>, ctx: CallContext): string {
  const acct = ctx.accountId;
  const str = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : undefined);
  const path = (CREATING.has(op) ? str('Path') : undefined) ?? '/';
  const profile = str('InstanceProfileName');
  if (profile !== undefined) return instanceProfileArn(acct, path, profile);
  const group = str('GroupName');
  if (group !== undefined) return groupArn(acct, path, group);
  const role = str('RoleName');
  if (role !== undefined) return roleArn(acct, path, role);
  const user = str('UserName');
  if (user !== undefined) return userArn(acct, path, user);
  const policy = str('PolicyArn');
  if (policy !== undefined) return policy;
  if (op === 'CreatePolicy' && str('PolicyName')) return policyArn(acct, path, str('PolicyName')!);
  if (CALLER_DEFAULT.has(op)) return ctx.principal.type === 'IAMUser' ? ctx.principal.arn : '*';
  const listed = LISTED[op];
  if (listed) return `arn:aws:iam::${acct}:${listed}${str('PathPrefix') ?? '/'}`;
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
