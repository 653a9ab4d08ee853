// Delivers SNS messages to http(s) endpoints in the background: a POST per message, retried with
// the topic's delivery policy (bounded) when the endpoint fails, never on the caller's path.
// Pending retries live in memory: a restart drops them. Every POST goes through the OutboundGuard:
// an endpoint whose address is not allowed is refused (and logged), never retried.
import type { Logger } from '../../common/runtime.js';
import { OutboundGuard, OutboundRefused } from '../../net/outbound.js';
import type { OutgoingMessage } from './messages.js';

export interface RetryPolicy {
  numRetries: number;
  minDelayTarget: number;
  maxDelayTarget: number;
  backoffFunction: string;
}

/** SNS's default healthy retry policy for http(s) (EffectiveDeliveryPolicy). */
export const DEFAULT_RETRY: RetryPolicy = { numRetries: 3, minDelayTarget: 20, maxDelayTarget: 20, backoffFunction: 'linear' };
/** Bounds whatever a DeliveryPolicy asks for, so a bad endpoint cannot pin work for long. */
const MAX_RETRIES = 10;
const MAX_DELAY_SECONDS = 3600;

/** Seconds to wait before retry `i` (0-based). */
export function retryDelaySeconds(p: RetryPolicy, i: number): number {
  const min = Math.max(1, Math.min(p.minDelayTarget, MAX_DELAY_SECONDS));
  const max = Math.max(min, Math.min(p.maxDelayTarget, MAX_DELAY_SECONDS));
  const n = Math.min(p.numRetries, MAX_RETRIES);
  if (p.backoffFunction === 'exponential' || p.backoffFunction === 'geometric') return Math.min(max, min * 2 ** i);
  return n <= 1 ? min : min + ((max - min) * i) / (n - 1);
}

export interface DelivererOptions {
  logger: Logger;
  /** Per attempt; SNS gives an endpoint 15 s. */
  timeoutMs?: number;
  /** Messages in flight or awaiting a retry; beyond it new ones are dropped (and logged). */
  maxPending?: number;
  /** Length of one policy "second" (tests shrink it). */
  secondMs?: number;
  /** Where deliveries may go; the default allows public addresses only. */
  outbound?: OutboundGuard;
}

/** post()'s answer for a refused address: not an HTTP status, and never retried. */
const REFUSED = -1;

interface Job {
  msg: OutgoingMessage;
  policy: RetryPolicy;
  retries: number;
  stillWanted?: () => Promise<boolean>;
}

export class HttpDeliverer {
  private readonly stopping = new AbortController();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private pending = 0;
  private readonly outbound: OutboundGuard;

  constructor(private readonly opts: DelivererOptions) {
    this.outbound = opts.outbound ?? new OutboundGuard();
  }

  /** Queues `msg`; `stillWanted` is asked before each retry (an unsubscribed endpoint gets no more). */
  deliver(msg: OutgoingMessage, policy: RetryPolicy = DEFAULT_RETRY, stillWanted?: () => Promise<boolean>): void {
    if (this.stopping.signal.aborted) return;
    if (this.pending >= (this.opts.maxPending ?? 10_000)) {
      this.opts.logger.warn('sns delivery queue full, message dropped', { endpoint: redact(msg.url), messageId: msg.headers['x-amz-sns-message-id'] });
      return;
    }
    this.pending++;
    this.run({ msg, policy, retries: 0, stillWanted });
  }

  private run(job: Job): void {
    const p = this.attempt(job).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async attempt(job: Job): Promise<void> {
    if (job.retries > 0 && job.stillWanted && !(await job.stillWanted().catch(() => false))) {
      this.pending--;
      return;
    }
    const status = await this.post(job.msg);
    if ((status >= 200 && status < 300) || status === REFUSED) {
      this.pending--;
      return;
    }
    const limit = Math.min(job.policy.numRetries, MAX_RETRIES);
    if (job.retries >= limit || this.stopping.signal.aborted) {
      this.opts.logger.warn('sns delivery failed, giving up', { endpoint: redact(job.msg.url), status, attempts: job.retries + 1, messageId: job.msg.headers['x-amz-sns-message-id'] });
      this.pending--;
      return;
    }
    const delay = retryDelaySeconds(job.policy, job.retries) * (this.opts.secondMs ?? 1000);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run({ ...job, retries: job.retries + 1 });
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  /**
   * The HTTP status (a redirect is a failed attempt, as SNS does not follow one), 0 when the
   * endpoint could not be reached in time, REFUSED when its address is not allowed.
   */
  private async post(msg: OutgoingMessage): Promise<number> {
    try {
      const signal = AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.opts.timeoutMs ?? 15_000)]);
      return await this.outbound.post(msg.url, { headers: msg.headers, body: msg.body, signal });
    } catch (e) {
      if (!(e instanceof OutboundRefused)) return 0;
      this.opts.logger.warn('sns delivery refused: endpoint address not allowed', {
        endpoint: redact(msg.url), address: e.address, reason: e.reason, messageId: msg.headers['x-amz-sns-message-id'],
      });
      return REFUSED;
    }
  }

  /** Drops pending retries and aborts what is in flight. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}

/** Endpoints may carry credentials in their query string; logs get the origin and path only. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid url)';
  }
}
