// Console sign-in sessions: a random id in an HttpOnly cookie maps to the access key the user signed
// in with and a CSRF token. Kept in memory (a restart signs everyone out); the key is resolved again
// on every request, so deleting or deactivating it ends the session at once.
import crypto from 'node:crypto';
import type { Clock } from '../common/runtime.js';

export const SESSION_COOKIE = 'chattrail_session';
/** The console's sessions last at most 12 hours, like the AWS console's, and end after 2 idle hours. */
export const SESSION_MAX_MS = 12 * 3_600_000;
export const SESSION_IDLE_MS = 2 * 3_600_000;
const MAX_SESSIONS = 10_000;

export interface ConsoleSession {
  accessKeyId: string;
  accountId: string;
  csrfToken: string;
  createdAt: number;
  lastSeen: number;
  /** Absolute end: the 12-hour limit, or earlier when the credentials expire sooner. */
  expiresAt: number;
}

/** Session ids and CSRF tokens are security tokens: always from the OS CSPRNG, never an injected source. */
function token(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** The map is keyed by a hash of the id, so the ids themselves live only in users' cookies. */
function keyOf(id: string): string {
  return crypto.createHash('sha256').update(id).digest('base64url');
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  constructor(private readonly clock: Clock) {}

  create(accessKeyId: string, accountId: string, credentialExpiry?: Date): { id: string; session: ConsoleSession } {
    this.sweep();
    const now = this.clock.now().getTime();
    const expiresAt = Math.min(now + SESSION_MAX_MS, credentialExpiry?.getTime() ?? Infinity);
    const session: ConsoleSession = { accessKeyId, accountId, csrfToken: token(), createdAt: now, lastSeen: now, expiresAt };
    const id = token();
    this.sessions.set(keyOf(id), session);
    return { id, session };
  }

  /** The live session for a cookie value, refreshing its idle timer; undefined when unknown or over. */
  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const key = keyOf(id);
    const s = this.sessions.get(key);
    if (!s) return undefined;
    const now = this.clock.now().getTime();
    if (now >= s.expiresAt || now - s.lastSeen >= SESSION_IDLE_MS) {
      this.sessions.delete(key);
      return undefined;
    }
    s.lastSeen = now;
    return s;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(keyOf(id));
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Drops ended sessions; past the cap, the least recently used go first. */
  private sweep(): void {
    const now = this.clock.now().getTime();
    for (const [k, s] of this.sessions) if (now >= s.expiresAt || now - s.lastSeen >= SESSION_IDLE_MS) this.sessions.delete(k);
    if (this.sessions.size < MAX_SESSIONS) return;
    const byAge = [...this.sessions.entries()].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    for (const [k] of byAge.slice(0, this.sessions.size - MAX_SESSIONS + 1)) this.sessions.delete(k);
  }
}

/** Reads one cookie from a Cookie header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, secure: boolean, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/console${secure ? '; Secure' : ''}; Max-Age=${maxAgeSeconds}`;
}

export function clearedCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/console${secure ? '; Secure' : ''}; Max-Age=0`;
}
