// The OAuth `state` of a Slack install: signed (HMAC, key sealed in the document store), single-use,
// short-lived, and bound server-side to the account, caller and region that asked for it, so the
// redirect can finish the install as that caller and nobody else can redeem it.
import crypto from 'node:crypto';
import type { DocumentStore } from '../storage/documents.js';
import type { SecretBox } from '../storage/secrets.js';
import type { Principal } from '../common/principal.js';
import type { Clock, Ids } from '../common/runtime.js';

const KIND = 'slack-oauth-state';
const ANY = '*';
const GLOBAL = 'global';
/** How long a state may sit between GetSlackOAuthParameters and the redirect. */
export const STATE_TTL_MS = 10 * 60_000;
/** A claim (exchange in flight) blocks other redemptions this long, in case the process dies mid-way. */
const CLAIM_MS = 60_000;

export interface OAuthStateRecord {
  nonce: string;
  accountId: string;
  principal: Principal;
  /** The region GetSlackOAuthParameters was signed for: the redirect's record is made there. */
  region: string;
  redirectUri: string;
  issuedAt: Date;
  expiresAt: Date;
  signature: string;
  claimedUntil?: Date;
}

export type OAuthStateProblem = 'malformed' | 'unknown' | 'expired' | 'in-use';

export class OAuthStateError extends Error {
  constructor(readonly problem: OAuthStateProblem) {
    super(`OAuth state ${problem}`);
    this.name = 'OAuthStateError';
  }
}

export class OAuthStates {
  private key: Buffer | undefined;

  constructor(private readonly docs: DocumentStore, private readonly box: SecretBox, private readonly clock: Clock, private readonly ids: Ids) {}

  async issue(p: { accountId: string; principal: Principal; region: string; redirectUri: string }): Promise<{ state: string; expiresAt: Date }> {
    const nonce = this.ids.alnum(26);
    const issuedAt = this.clock.now();
    const expiresAt = new Date(Math.floor((issuedAt.getTime() + STATE_TTL_MS) / 1000) * 1000);
    const signature = await this.sign(nonce, p.accountId, p.principal.arn, expiresAt);
    await this.docs.put<OAuthStateRecord>(this.keyOf(nonce), { nonce, ...p, issuedAt, expiresAt, signature });
    await this.sweep(issuedAt);
    return { state: `${nonce}.${signature}`, expiresAt };
  }

  /** Reads a state without claiming it (to know whose it is); throws OAuthStateError. */
  async peek(state: string): Promise<OAuthStateRecord> {
    const { nonce, signature } = parseState(state);
    const rec = await this.docs.get<OAuthStateRecord>(this.keyOf(nonce));
    if (!rec || !(await this.verify(rec, signature))) throw new OAuthStateError('unknown');
    if (rec.expiresAt.getTime() <= this.clock.now().getTime()) throw new OAuthStateError('expired');
    return rec;
  }

  /** Takes the state for one exchange. Finish with `consume` (done) or `release` (may be retried). */
  async claim(state: string): Promise<OAuthStateRecord> {
    const rec = await this.peek(state);
    const now = this.clock.now();
    let problem: OAuthStateProblem | undefined;
    const claimed = await this.docs.update<OAuthStateRecord>(this.keyOf(rec.nonce), (cur) => {
      if (!cur) { problem = 'unknown'; return undefined; }
      if (cur.claimedUntil && cur.claimedUntil.getTime() > now.getTime()) { problem = 'in-use'; return cur; }
      return { ...cur, claimedUntil: new Date(now.getTime() + CLAIM_MS) };
    });
    if (problem || !claimed) throw new OAuthStateError(problem ?? 'unknown');
    return claimed;
  }

  async release(nonce: string): Promise<void> {
    await this.docs.update<OAuthStateRecord>(this.keyOf(nonce), (cur) => (cur ? { ...cur, claimedUntil: undefined } : undefined));
  }

  async consume(nonce: string): Promise<void> {
    await this.docs.delete(this.keyOf(nonce));
  }

  private keyOf(nonce: string) {
    return { kind: KIND, accountId: ANY, region: GLOBAL, id: nonce };
  }

  private async sign(nonce: string, accountId: string, arn: string, expiresAt: Date): Promise<string> {
    const key = await this.hmacKey();
    return crypto.createHmac('sha256', key).update([nonce, accountId, arn, expiresAt.toISOString()].join('\u0000')).digest('base64url').slice(0, 32);
  }

  private async verify(rec: OAuthStateRecord, signature: string): Promise<boolean> {
    const expected = Buffer.from(await this.sign(rec.nonce, rec.accountId, rec.principal.arn, rec.expiresAt));
    const given = Buffer.from(signature);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) && rec.signature === signature;
  }

  /** The signing key: random, created once, kept sealed beside the states it signs. */
  private async hmacKey(): Promise<Buffer> {
    if (this.key) return this.key;
    const k = { kind: 'slack-oauth-key', accountId: ANY, region: GLOBAL, id: 'state-hmac' };
    const fresh = this.box.seal(crypto.randomBytes(32).toString('base64'));
    const stored = await this.docs.update<{ sealed: string }>(k, (cur) => cur ?? { sealed: fresh });
    this.key = Buffer.from(this.box.open(stored!.sealed), 'base64');
    return this.key;
  }

  /** Expired states are dropped when new ones are issued, so abandoned installs do not pile up. */
  private async sweep(now: Date): Promise<void> {
    const all = await this.docs.list<OAuthStateRecord>(KIND, ANY, GLOBAL);
    for (const { id, doc } of all) if (doc.expiresAt.getTime() <= now.getTime()) await this.docs.delete(this.keyOf(id));
  }
}

function parseState(state: string): { nonce: string; signature: string } {
  const m = /^([A-Z2-7]{26})\.([\w-]{32})$/.exec(state);
  if (!m) throw new OAuthStateError('malformed');
  return { nonce: m[1], signature: m[2] };
}
