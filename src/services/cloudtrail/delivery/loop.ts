// The delivery loop: one timer for all trails. A recorded event opens a delivery window (the first
// event after a quiet spell is delivered within it); backlogs are drained at once; failures back
// off exponentially per trail; digests are written on their own cadence.
import type { DocumentStore } from '../../../storage/documents.js';
import type { Logger } from '../../../common/runtime.js';
import type { Clock } from '../../../common/runtime.js';
import { TRAIL_KIND, type TrailDoc } from '../trails-model.js';
import { LogDelivery, failureCode } from './deliver.js';
import { DigestDelivery, type DigestEnv } from './digest.js';
import { updateState } from './state.js';

export interface LoopOptions {
  windowMs: number;
  /** Longest wait between retries of a failing trail. */
  maxBackoffMs: number;
  /** How long one tick may keep draining a backlog before letting the timer run again. */
  tickBudgetMs?: number;
}

interface Backoff { failures: number; until: number }

export class DeliveryLoop {
  private readonly logs: LogDelivery;
  private readonly digests: DigestDelivery;
  private readonly documents: DocumentStore;
  private readonly clock: Clock;
  private readonly orgIds = new Map<string, string | undefined>();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private running?: Promise<void>;
  private wakeDuringTick = false;
  private stopped = false;
  private readonly backoff = new Map<string, Backoff>();

  constructor(private readonly env: DigestEnv, private readonly logger: Logger, private readonly opts: LoopOptions) {
    this.logs = new LogDelivery(env);
    this.digests = new DigestDelivery(env);
    this.documents = env.documents;
    this.clock = env.clock;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /**
   * Something was recorded: deliver it within one window (an earlier timer stands; a later one,
   * such as the next digest's, is brought forward). O(1): runs on every request.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.wakeDuringTick = true;
    else this.schedule(this.opts.windowMs);
  }

  /** Trails changed (created, started, updated): look again soon without waiting a full window. */
  poke(): void {
    for (const k of [...this.backoff.keys()]) this.backoff.delete(k);
    if (this.running) this.wakeDuringTick = true;
    else this.schedule(Math.min(this.opts.windowMs, 200));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; void this.runTick(); }, ms);
    this.timer.unref();
  }

  private async runTick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.wakeDuringTick = false;
    let next: number | undefined;
    this.running = this.tick().then((n) => { next = n; }, (e: unknown) => { this.logger.error('trail delivery tick failed', { error: String(e) }); });
    await this.running;
    this.running = undefined;
    const now = Date.now();
    let delay = next === undefined ? Infinity : Math.max(0, next - now);
    if (this.wakeDuringTick) delay = Math.min(delay, this.opts.windowMs);
    if (delay !== Infinity) this.schedule(delay);
  }

  /** Delivers for every trail; returns when the loop should run next (epoch ms), if ever. */
  private async tick(): Promise<number | undefined> {
    const trails = await this.documents.listAll<TrailDoc>(TRAIL_KIND);
    const deadline = Date.now() + (this.opts.tickBudgetMs ?? 2000);
    let next: number | undefined;
    const soonest = (t: number | undefined) => { if (t !== undefined) next = Math.min(next ?? Infinity, t); };
    for (const { doc: trail } of trails) {
      if (this.stopped) return undefined;
      soonest(await this.deliverLogs(trail, deadline));
      soonest(await this.guarded(trail, 'digest', () => this.digests.deliver(trail, this.orgIdOf(trail))));
      soonest(await this.guarded(trail, 'sns', async () => { await this.logs.notify(trail); return undefined; }));
    }
    return next;
  }

  /** Organization ids never change, so one lookup per management account is enough. */
  private orgIdOf(trail: TrailDoc): string | undefined {
    return trail.isOrganizationTrail ? this.orgIds.get(trail.accountId) : undefined;
  }

  private async deliverLogs(trail: TrailDoc, deadline: number): Promise<number | undefined> {
    if (trail.isOrganizationTrail && !this.orgIds.get(trail.accountId)) {
      const org = await this.env.orgs(trail.accountId);
      this.orgIds.set(trail.accountId, org && org.managementAccountId === trail.accountId ? org.id : undefined);
    }
    return this.guarded(trail, 'logs', async () => {
      while ((await this.logs.deliver(trail)) === 'more') {
        if (Date.now() >= deadline) return Date.now();
      }
      return undefined;
    });
  }

  /** Runs one kind of work for a trail unless it is backing off; failures are recorded for GetTrailStatus. */
  private async guarded(trail: TrailDoc, what: 'logs' | 'digest' | 'sns', fn: () => Promise<number | undefined>): Promise<number | undefined> {
    const key = `${trail.trailId}:${what}`;
    const b = this.backoff.get(key);
    if (b && b.until > Date.now()) return b.until;
    try {
      const next = await fn();
      this.backoff.delete(key);
      return next;
    } catch (e) {
      const failures = (b?.failures ?? 0) + 1;
      const wait = Math.min(this.opts.maxBackoffMs, this.opts.windowMs * 2 ** (failures - 1));
      this.backoff.set(key, { failures, until: Date.now() + wait });
      const code = failureCode(e);
      const now = this.clock.now();
      this.logger.warn('trail delivery failed', { trail: trail.name, account: trail.accountId, what, code, error: String(e), retryInMs: wait });
      await updateState(this.documents, trail, (s) => {
        if (what === 'logs') Object.assign(s.status, { latestDeliveryError: code, latestDeliveryAttemptTime: now });
        else if (what === 'digest') s.status.latestDigestDeliveryError = code;
      }).catch(() => undefined);
      return Date.now() + wait;
    }
  }
}
