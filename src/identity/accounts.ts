// Creating accounts and their first administrator: used on first start, by `chattrail account
// create`, and by Organizations' CreateAccount.
import type { Clock, Ids } from '../common/runtime.js';
import type { IdentityStore, IamUser } from './store.js';

export interface AdminCredentials {
  accountId: string;
  userName: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function newAccountId(ids: Ids): string {
  // 12 digits, not starting with 0 so no tool mistakes it for a number with lost padding.
  const digits = ids.uuid().replace(/\D/g, '') + ids.uuid().replace(/\D/g, '');
  return String(1 + (Number(digits[0]) % 9)) + digits.slice(1, 12).padEnd(11, '7');
}

export function userIdFor(ids: Ids): string {
  return `AIDA${ids.alnum(17)}`;
}

/** Creates an IAM user with AdministratorAccess and one access key; returns the key (only now). */
export async function createAdministrator(identity: IdentityStore, ids: Ids, clock: Clock, accountId: string, userName = 'admin'): Promise<AdminCredentials> {
  const user: IamUser = {
    userName, userId: userIdFor(ids), arn: `arn:aws:iam::${accountId}:user/${userName}`, path: '/', createDate: clock.now(),
    tags: [], inlinePolicies: {}, attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'],
  };
  await identity.createUser(accountId, user);
  const accessKeyId = `AKIA${ids.alnum(16)}`;
  const secretAccessKey = ids.secret(40);
  await identity.putAccessKey({ accessKeyId, sealedSecret: identity.box.seal(secretAccessKey), accountId, userName, status: 'Active', createDate: clock.now() });
  return { accountId, userName, accessKeyId, secretAccessKey };
}

export async function createAccount(identity: IdentityStore, ids: Ids, clock: Clock, name: string, accountId = newAccountId(ids)): Promise<AdminCredentials> {
  await identity.createAccount({ accountId, name, createdAt: clock.now() });
  return createAdministrator(identity, ids, clock, accountId);
}
