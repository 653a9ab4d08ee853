// Resolves an access key id to its secret and principal (long-term IAM keys and STS sessions),
// with a bounded in-memory cache: signature checks run on every request and must not hit storage.
// A session is bound to its role's or user's unique id: it ends when that entity is deleted, and a
// new role or user of the same name does not inherit it. The cache follows the document store's
// changes to keys, sessions, users and roles: no handler has to remember to invalidate it.
import type { Principal } from '../common/principal.js';
import type { IamUser, IdentityStore } from '../identity/store.js';

export interface ResolvedCredential {
  secretAccessKey: string;
  principal: Principal;
  /** Present for temporary credentials: the request must carry the matching token. */
  tokenHash?: string;
  expiresAt?: Date;
  active: boolean;
}

const MAX_CACHED = 50_000;

export class CredentialResolver {
  private readonly cache = new Map<string, ResolvedCredential | null>();
  /** Bumped by every invalidation, so a load that raced one is not cached. */
  private generation = 0;
  constructor(private readonly identity: IdentityStore) {
    const changes = identity.docs.changes;
    changes.onChange(['access-key', 'session'], (c) => this.forget('all' in c ? () => true : (id) => id === c.id));
    // A user renamed, or a user or role deleted, must not live on in a cached principal or session.
    changes.onChange(['iam-user', 'iam-role'], (c) => this.forget('all' in c ? () => true : (_id, held) => held === null || holderOf(held.principal, c.kind) === `${c.accountId}/${c.id}`));
  }

  async resolve(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const hit = this.cache.get(accessKeyId);
    if (hit !== undefined) return hit ?? undefined;
    const generation = this.generation;
    const found = await this.load(accessKeyId);
    if (generation !== this.generation) return found;
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(accessKeyId, found ?? null);
    return found;
  }

  /**
   * Drops the entries a change concerns (a key's own document; a user's or role's keys and
   * sessions, and every negative entry, which may have been missing that very user or role).
   */
  private forget(concerned: (accessKeyId: string, held: ResolvedCredential | null) => boolean): void {
    this.generation++;
    for (const [id, held] of this.cache) if (concerned(id, held)) this.cache.delete(id);
  }

  /** Retires an internal session (see IdentityStore.putSession) once its one command is done. */
  retireInternalSession(accessKeyId: string): void {
    this.cache.delete(accessKeyId);
    this.identity.dropInternalSession(accessKeyId);
  }

  private async load(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const box = this.identity.box;
    if (accessKeyId.startsWith('ASIA')) {
      const held = this.identity.internalSession(accessKeyId) ?? await this.identity.getSession(accessKeyId);
      if (!held) return undefined;
      const principal = await this.currentPrincipal(held.principal);
      if (!principal) return undefined;
      const secretAccessKey = 'secretAccessKey' in held ? held.secretAccessKey : box.open(held.sealedSecret);
      return { secretAccessKey, principal, tokenHash: held.tokenHash, expiresAt: held.expiresAt, active: true };
    }
    const k = await this.identity.getAccessKey(accessKeyId);
    if (!k) return undefined;
    const secretAccessKey = box.open(k.sealedSecret);
    if (!k.userName) {
      return { secretAccessKey, active: k.status === 'Active', principal: { type: 'Root', accountId: k.accountId, arn: `arn:aws:iam::${k.accountId}:root`, accessKeyId } };
    }
    const user = await this.identity.getUser(k.accountId, k.userName);
    if (!user) return undefined;
    return {
      secretAccessKey, active: k.status === 'Active',
      principal: { type: 'IAMUser', accountId: k.accountId, arn: user.arn, userName: user.userName, userId: user.userId, accessKeyId },
    };
  }

  /**
   * A session's principal as it stands now: undefined when the role or user it was issued for is
   * gone, even if another of the same name has taken its place (a different unique id). A user
   * renamed since keeps the session under its new name: the session belongs to the user, not the name.
   */
  private async currentPrincipal(p: Principal): Promise<Principal | undefined> {
    switch (p.type) {
      case 'AssumedRole': {
        const role = await this.identity.getRole(p.accountId, p.roleName);
        return role?.roleId === p.roleId ? p : undefined;
      }
      case 'IAMUser': {
        const user = await this.userById(p.accountId, p.userName, p.userId);
        return user && { ...p, userName: user.userName, arn: user.arn };
      }
      case 'FederatedUser': {
        const user = await this.userById(p.accountId, p.issuer.userName, p.issuer.userId);
        return user && { ...p, issuer: { ...p.issuer, userName: user.userName, arn: user.arn } };
      }
      default:
        return p;
    }
  }

  /** The user with this unique id: by its last known name (one read), else among the account's users. */
  private async userById(accountId: string, userName: string, userId: string): Promise<IamUser | undefined> {
    const byName = await this.identity.getUser(accountId, userName);
    if (byName?.userId === userId) return byName;
    return (await this.identity.listUsers(accountId)).find((u) => u.userId === userId);
  }
}

/** The user or role document (`account/lower-case name`) a credential's principal stands on. */
function holderOf(p: Principal, kind: string): string | undefined {
  const name = kind === 'iam-role'
    ? p.type === 'AssumedRole' ? p.roleName : undefined
    : p.type === 'IAMUser' ? p.userName : p.type === 'FederatedUser' ? p.issuer.userName : undefined;
  return name === undefined ? undefined : `${p.accountId}/${name.toLowerCase()}`;
}
