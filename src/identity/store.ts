// IAM's persistent entities (accounts, users, access keys, roles, managed policies) and STS
// sessions, as documents. Secrets are sealed at rest; callers get them only through this module.
import crypto from 'node:crypto';
import type { DocumentStore } from '../storage/documents.js';
import type { SecretBox } from '../storage/secrets.js';
import type { Principal } from '../common/principal.js';

export const GLOBAL = 'global';
/** Access keys and sessions are looked up by key id alone, across accounts. */
export const ANY_ACCOUNT = '*';

export interface Account {
  accountId: string;
  name: string;
  email?: string;
  createdAt: Date;
  organizationId?: string;
}

export interface IamUser {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: Date;
  tags: { Key: string; Value: string }[];
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  permissionsBoundary?: string;
  loginProfile?: { createDate: Date; passwordResetRequired: boolean; passwordHash: string };
}

export interface IamRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate: Date;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration: number;
  tags: { Key: string; Value: string }[];
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  permissionsBoundary?: string;
}

export interface IamGroup {
  groupName: string;
  groupId: string;
  arn: string;
  path: string;
  createDate: Date;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  /** Members by user id, which survives renames of the user and of the group alike. */
  memberIds: string[];
}

export interface InstanceProfile {
  instanceProfileName: string;
  instanceProfileId: string;
  arn: string;
  path: string;
  createDate: Date;
  /** At most one role, by name (roles cannot be renamed, and cannot be deleted while in a profile). */
  roleNames: string[];
  tags: { Key: string; Value: string }[];
}

export interface ManagedPolicy {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  defaultVersionId: string;
  versions: { versionId: string; document: string; createDate: Date }[];
  attachmentCount: number;
  createDate: Date;
  updateDate: Date;
  tags: { Key: string; Value: string }[];
}

export interface AccessKeyRecord {
  accessKeyId: string;
  sealedSecret: string;
  accountId: string;
  /** Absent for the account's root keys. */
  userName?: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
  lastUsed?: { date: Date; service: string; region: string };
}

export interface SessionRecord {
  accessKeyId: string;
  sealedSecret: string;
  /** SHA-256 of the session token: the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
  principal: Principal;
}

/** A session held in memory only (see IdentityStore.putInternalSession): its secret is never stored. */
export interface InternalSessionRecord extends Omit<SessionRecord, 'sealedSecret'> {
  secretAccessKey: string;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Typed access to IAM's documents; every method is one small query. */
export class IdentityStore {
  private readonly internalSessions = new Map<string, InternalSessionRecord>();
  constructor(readonly docs: DocumentStore, readonly box: SecretBox) {}

  getAccount(accountId: string) { return this.docs.get<Account>({ kind: 'account', accountId, region: GLOBAL, id: accountId }); }
  createAccount(a: Account) { return this.docs.create({ kind: 'account', accountId: a.accountId, region: GLOBAL, id: a.accountId }, a); }
  async listAccounts(): Promise<Account[]> { return (await this.docs.listAll<Account>('account')).map((r) => r.doc); }
  putAccount(a: Account) { return this.docs.put({ kind: 'account', accountId: a.accountId, region: GLOBAL, id: a.accountId }, a); }

  private key(kind: string, accountId: string, id: string) { return { kind, accountId, region: GLOBAL, id }; }

  getUser(accountId: string, userName: string) { return this.docs.get<IamUser>(this.key('iam-user', accountId, userName.toLowerCase())); }
  createUser(accountId: string, u: IamUser) { return this.docs.create(this.key('iam-user', accountId, u.userName.toLowerCase()), u); }
  putUser(accountId: string, u: IamUser) { return this.docs.put(this.key('iam-user', accountId, u.userName.toLowerCase()), u); }
  deleteUser(accountId: string, userName: string) { return this.docs.delete(this.key('iam-user', accountId, userName.toLowerCase())); }
  async listUsers(accountId: string): Promise<IamUser[]> { return (await this.docs.list<IamUser>('iam-user', accountId, GLOBAL)).map((r) => r.doc); }

  getRole(accountId: string, roleName: string) { return this.docs.get<IamRole>(this.key('iam-role', accountId, roleName.toLowerCase())); }
  createRole(accountId: string, r: IamRole) { return this.docs.create(this.key('iam-role', accountId, r.roleName.toLowerCase()), r); }
  putRole(accountId: string, r: IamRole) { return this.docs.put(this.key('iam-role', accountId, r.roleName.toLowerCase()), r); }
  deleteRole(accountId: string, roleName: string) { return this.docs.delete(this.key('iam-role', accountId, roleName.toLowerCase())); }
  async listRoles(accountId: string): Promise<IamRole[]> { return (await this.docs.list<IamRole>('iam-role', accountId, GLOBAL)).map((r) => r.doc); }

  getGroup(accountId: string, groupName: string) { return this.docs.get<IamGroup>(this.key('iam-group', accountId, groupName.toLowerCase())); }
  createGroup(accountId: string, g: IamGroup) { return this.docs.create(this.key('iam-group', accountId, g.groupName.toLowerCase()), g); }
  putGroup(accountId: string, g: IamGroup) { return this.docs.put(this.key('iam-group', accountId, g.groupName.toLowerCase()), g); }
  deleteGroup(accountId: string, groupName: string) { return this.docs.delete(this.key('iam-group', accountId, groupName.toLowerCase())); }
  async listGroups(accountId: string): Promise<IamGroup[]> { return (await this.docs.list<IamGroup>('iam-group', accountId, GLOBAL)).map((r) => r.doc); }
  /** The groups a user belongs to (an account has at most a few hundred groups). */
  async groupsOfUser(accountId: string, userId: string): Promise<IamGroup[]> { return (await this.listGroups(accountId)).filter((g) => g.memberIds.includes(userId)); }

  getInstanceProfile(accountId: string, name: string) { return this.docs.get<InstanceProfile>(this.key('iam-instance-profile', accountId, name.toLowerCase())); }
  createInstanceProfile(accountId: string, p: InstanceProfile) { return this.docs.create(this.key('iam-instance-profile', accountId, p.instanceProfileName.toLowerCase()), p); }
  putInstanceProfile(accountId: string, p: InstanceProfile) { return this.docs.put(this.key('iam-instance-profile', accountId, p.instanceProfileName.toLowerCase()), p); }
  deleteInstanceProfile(accountId: string, name: string) { return this.docs.delete(this.key('iam-instance-profile', accountId, name.toLowerCase())); }
  async listInstanceProfiles(accountId: string): Promise<InstanceProfile[]> { return (await this.docs.list<InstanceProfile>('iam-instance-profile', accountId, GLOBAL)).map((r) => r.doc); }

  getPolicy(accountId: string, policyName: string) { return this.docs.get<ManagedPolicy>(this.key('iam-policy', accountId, policyName)); }
  createPolicy(accountId: string, p: ManagedPolicy) { return this.docs.create(this.key('iam-policy', accountId, p.policyName), p); }
  putPolicy(accountId: string, p: ManagedPolicy) { return this.docs.put(this.key('iam-policy', accountId, p.policyName), p); }
  deletePolicy(accountId: string, policyName: string) { return this.docs.delete(this.key('iam-policy', accountId, policyName)); }
  async listPolicies(accountId: string): Promise<ManagedPolicy[]> { return (await this.docs.list<ManagedPolicy>('iam-policy', accountId, GLOBAL)).map((r) => r.doc); }

  getAccessKey(accessKeyId: string) { return this.docs.get<AccessKeyRecord>(this.key('access-key', ANY_ACCOUNT, accessKeyId)); }
  putAccessKey(k: AccessKeyRecord) { return this.docs.put(this.key('access-key', ANY_ACCOUNT, k.accessKeyId), k); }
  deleteAccessKey(accessKeyId: string) { return this.docs.delete(this.key('access-key', ANY_ACCOUNT, accessKeyId)); }
  async listAccessKeys(accountId: string, userName: string | undefined): Promise<AccessKeyRecord[]> {
    const all = await this.docs.list<AccessKeyRecord>('access-key', ANY_ACCOUNT, GLOBAL);
    return all.map((r) => r.doc).filter((k) => k.accountId === accountId && (k.userName ?? '').toLowerCase() === (userName ?? '').toLowerCase());
  }

  getSession(accessKeyId: string) { return this.docs.get<SessionRecord>(this.key('session', ANY_ACCOUNT, accessKeyId)); }
  putSession(s: SessionRecord) { return this.docs.put(this.key('session', ANY_ACCOUNT, s.accessKeyId), s); }

  /**
   * Internal sessions are the ones chattrail's own service principals (AWS Chatbot) assume for one
   * command: their credentials never leave the process, so writing them down (sealed) would only
   * add a database write per chat command. They live in memory until retired or expired.
   */
  putInternalSession(s: InternalSessionRecord, now: Date): void {
    // Every internal session lasts the same 15 minutes, so insertion order is expiry order: the
    // expired ones (left by a command that failed before retiring its session) sit at the front.
    for (const [id, held] of this.internalSessions) {
      if (held.expiresAt.getTime() > now.getTime()) break;
      this.internalSessions.delete(id);
    }
    this.internalSessions.set(s.accessKeyId, s);
  }

  internalSession(accessKeyId: string): InternalSessionRecord | undefined {
    return this.internalSessions.get(accessKeyId);
  }

  dropInternalSession(accessKeyId: string): void {
    this.internalSessions.delete(accessKeyId);
  }
}

