// Resolves an access key id to its secret and principal (long-term IAM keys and STS sessions),
// with a bounded in-memory cache: signature checks run on every request and must not hit storage.
import type { Principal } from './principal.js';
import type { IdentityStore } from '../services/iam/store.js';

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
  constructor(private readonly identity: IdentityStore) {}

  async resolve(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const hit = this.cache.get(accessKeyId);
    if (hit !== undefined) return hit ?? undefined;
    const found = await this.load(accessKeyId);
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(accessKeyId, found ?? null);
    return found;
  }

  /** Forget a key after IAM changed it (deleted, deactivated, user renamed or removed). */
  invalidate(accessKeyId?: string): void {
    if (accessKeyId) this.cache.delete(accessKeyId);
    else this.cache.clear();
  }

  /** Retires an internal session (see IdentityStore.putSession) once its one command is done. */
  retireInternalSession(accessKeyId: string): void {
    this.cache.delete(accessKeyId);
    this.identity.dropInternalSession(accessKeyId);
  }

  private async load(accessKeyId: string): Promise<ResolvedCredential | undefined> {
    const box = this.identity.box;
    if (accessKeyId.startsWith('ASIA')) {
      const held = this.identity.internalSession(accessKeyId);
      if (held) return { secretAccessKey: held.secretAccessKey, principal: held.principal, tokenHash: held.tokenHash, expiresAt: held.expiresAt, active: true };
      const s = await this.identity.getSession(accessKeyId);
      if (!s) return undefined;
      return { secretAccessKey: box.open(s.sealedSecret), principal: s.principal, tokenHash: s.tokenHash, expiresAt: s.expiresAt, active: true };
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
}
