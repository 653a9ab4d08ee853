// Console sign-in with an access key pair (the first-start administrator's, or any IAM user's or
// root key): checks the pair in constant time, records a ConsoleLogin event whatever the outcome,
// and slows down an address that keeps failing.
import type { ModuleDeps } from '../core/module.js';
import type { ResolvedCredential } from '../auth/credentials.js';
import { hashToken } from '../identity/store.js';
import { buildConsoleSignInEvent } from '../records/record.js';
import { timeOrderedUuid } from '../common/runtime.js';
import { tokensEqual } from './sessions.js';
import { ApiProblem } from './respond.js';

const FAILURE_WINDOW_MS = 5 * 60_000;
const MAX_FAILURES = 10;

export interface SignInAttempt {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  sourceIp: string;
  userAgent: string;
}

export class SignIn {
  private readonly failures = new Map<string, { count: number; since: number }>();
  constructor(private readonly deps: ModuleDeps) {}

  /** The credential behind a valid pair; throws ApiProblem 401 (or 429 when throttled) otherwise. */
  async verify(a: SignInAttempt): Promise<ResolvedCredential> {
    const now = this.deps.clock.now().getTime();
    const f = this.failures.get(a.sourceIp);
    if (f && now - f.since < FAILURE_WINDOW_MS && f.count >= MAX_FAILURES) {
      throw new ApiProblem(429, 'TooManyAttempts', 'Too many failed sign-in attempts from this address. Try again in a few minutes.');
    }
    const cred = /^[A-Z0-9]{16,128}$/.test(a.accessKeyId) ? await this.deps.credentials.resolve(a.accessKeyId) : undefined;
    const ok = !!cred && this.matches(cred, a, now);
    await this.record(cred, ok, a);
    if (!ok || !cred) {
      const cur = f && now - f.since < FAILURE_WINDOW_MS ? f : { count: 0, since: now };
      cur.count++;
      this.failures.set(a.sourceIp, cur);
      if (this.failures.size > 10_000) this.failures.clear();
      throw new ApiProblem(401, 'SignInFailed', 'The access key ID or secret access key is not valid.');
    }
    this.failures.delete(a.sourceIp);
    return cred;
  }

  private matches(cred: ResolvedCredential, a: SignInAttempt, now: number): boolean {
    const secretOk = tokensEqual(cred.secretAccessKey, a.secretAccessKey);
    if (!secretOk || !cred.active) return false;
    if (cred.tokenHash) {
      if (!a.sessionToken || hashToken(a.sessionToken) !== cred.tokenHash) return false;
      return !cred.expiresAt || cred.expiresAt.getTime() > now;
    }
    return !a.sessionToken;
  }

  /**
   * Unknown keys name no account; like a sign-in page that belongs to one account, the record goes to
   * the deployment's first account, with the user hidden.
   */
  private async record(cred: ResolvedCredential | undefined, success: boolean, a: SignInAttempt): Promise<void> {
    const principal = cred?.principal;
    const accountId = principal?.accountId ?? (await this.firstAccount());
    if (!accountId) return;
    const now = this.deps.clock.now();
    const event = buildConsoleSignInEvent({
      principal, accountId, success, region: this.deps.config.region, eventTime: now,
      eventId: timeOrderedUuid(now.getTime()), sourceIp: a.sourceIp, userAgent: a.userAgent,
      loginTo: `${this.deps.config.publicUrl ?? this.deps.baseUrl()}/console/`,
    });
    await this.deps.appendRecord(event);
  }

  private async firstAccount(): Promise<string | undefined> {
    const accounts = await this.deps.identity.listAccounts();
    accounts.sort((x, y) => new Date(x.createdAt).getTime() - new Date(y.createdAt).getTime());
    return accounts[0]?.accountId;
  }
}
