// Slack's Events API and interactivity endpoints. Verification is done once, first, with Bolt's
// verifySlackRequest (v0 HMAC, five minutes either way, constant-time compare); then the request is
// acknowledged at once and the work continues in the background, as Slack's 3-second rule requires.
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import type { Clock } from '../common/runtime.js';
import type { Logger } from '../common/runtime.js';
import type { Conversation } from './conversation.js';
import { CANCEL_ACTION, CONFIRM_ACTION } from './conversation.js';
import { CUSTOM_ACTION_PREFIX } from './action-buttons.js';

export interface ReceiverDeps {
  signingSecret?: string;
  conversation: Conversation;
  clock: Clock;
  logger: Logger;
}

const SEEN_TTL_MS = 60 * 60 * 1000;
/** Slack's replay window, which Bolt applies to stale timestamps only: future ones get it here. */
const MAX_SKEW_SECONDS = 5 * 60;

function json(status: number, body: unknown): RawResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

interface EventEnvelope {
  type?: string;
  challenge?: string;
  team_id?: string;
  event_id?: string;
  event?: { type?: string; subtype?: string; bot_id?: string; channel?: string; channel_type?: string; user?: string; text?: string; ts?: string; thread_ts?: string };
}

interface BlockActionPayload {
  type?: string;
  team?: { id?: string };
  user?: { id?: string };
  channel?: { id?: string };
  container?: { message_ts?: string; channel_id?: string; thread_ts?: string };
  message?: { ts?: string; thread_ts?: string };
  actions?: { action_id?: string; value?: string }[];
}

export class SlackReceiver {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly seen = new Map<string, number>();
  private seenSweptAt = 0;
  constructor(private readonly deps: ReceiverDeps) {}

  /** Checks Slack's signature; returns an error response when it does not hold. */
  private verify(req: RawRequest): RawResponse | undefined {
    if (!this.deps.signingSecret) return json(503, { error: 'CHATTRAIL_SLACK_SIGNING_SECRET is not configured' });
    const signature = req.headers['x-slack-signature'];
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (!signature || !Number.isFinite(timestamp)) return json(401, { error: 'missing Slack signature headers' });
    // A request signed for the future could be replayed until that time plus the window.
    if (timestamp > Math.floor(this.deps.clock.now().getTime() / 1000) + MAX_SKEW_SECONDS) {
      this.deps.logger.warn('rejected a Slack request', { reason: 'x-slack-request-timestamp is more than 5 minutes in the future' });
      return json(401, { error: 'invalid Slack signature' });
    }
    try {
      verifySlackRequest({
        signingSecret: this.deps.signingSecret, body: req.body.toString('utf8'),
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
        nowMilliseconds: this.deps.clock.now().getTime(),
        logger: silentLogger,
      });
      return undefined;
    } catch (e) {
      this.deps.logger.warn('rejected a Slack request', { reason: (e as Error).message.slice(0, 200) });
      return json(401, { error: 'invalid Slack signature' });
    }
  }

  async events(req: RawRequest): Promise<RawResponse> {
    if (req.method !== 'POST') return json(405, { error: 'POST only' });
    const refused = this.verify(req);
    if (refused) return refused;
    let env: EventEnvelope;
    try { env = JSON.parse(req.body.toString('utf8')) as EventEnvelope; } catch { return json(400, { error: 'body is not JSON' }); }
    if (env.type === 'url_verification') return json(200, { challenge: env.challenge });
    if (env.type !== 'event_callback' || !env.event || !env.team_id || !env.event_id) return json(200, { ok: true });
    // Slack retries a delivery it thinks failed (for up to an hour); the event id makes a retry a no-op.
    if (!this.firstDelivery(`${env.team_id}/${env.event_id}`)) return json(200, { ok: true, duplicate: true });
    const e = env.event;
    const isMention = e.type === 'app_mention';
    const isDirect = e.type === 'message' && e.channel_type === 'im' && !e.subtype && !e.bot_id;
    if ((isMention || isDirect) && e.channel && e.user && e.text && e.ts) {
      this.background(this.deps.conversation.onMessage({ teamId: env.team_id, channel: e.channel, user: e.user, text: e.text, ts: e.ts, threadTs: e.thread_ts }));
    }
    return json(200, { ok: true });
  }

  async interactivity(req: RawRequest): Promise<RawResponse> {
    if (req.method !== 'POST') return json(405, { error: 'POST only' });
    const refused = this.verify(req);
    if (refused) return refused;
    let payload: BlockActionPayload;
    try {
      payload = JSON.parse(new URLSearchParams(req.body.toString('utf8')).get('payload') ?? '') as BlockActionPayload;
    } catch {
      return json(400, { error: 'payload is not JSON' });
    }
    const action = payload.actions?.[0];
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const messageTs = payload.container?.message_ts ?? payload.message?.ts;
    if (payload.type !== 'block_actions' || !action?.value || !payload.team?.id || !payload.user?.id || !channel || !messageTs) return { status: 200, headers: {}, body: '' };
    const click = { teamId: payload.team.id, user: payload.user.id, value: action.value, channel, messageTs };
    if (action.action_id === CONFIRM_ACTION || action.action_id === CANCEL_ACTION) {
      this.background(this.deps.conversation.onAction({ ...click, actionId: action.action_id }));
    } else if (action.action_id?.startsWith(CUSTOM_ACTION_PREFIX)) {
      // A button on a notification in a thread answers in that thread.
      this.background(this.deps.conversation.onButton({ ...click, threadTs: payload.container?.thread_ts ?? payload.message?.thread_ts }));
    }
    return { status: 200, headers: {}, body: '' };
  }

  /**
   * Remembers event ids for an hour, in memory: a database write per event would cost more than
   * the command itself, and Slack stops retrying long before a restart could matter.
   */
  private firstDelivery(id: string): boolean {
    const now = this.deps.clock.now().getTime();
    if (this.seen.size > 100_000 || now - this.seenSweptAt > SEEN_TTL_MS) {
      for (const [k, at] of this.seen) if (now - at > SEEN_TTL_MS) this.seen.delete(k);
      this.seenSweptAt = now;
    }
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }

  private background(work: Promise<void>): void {
    const p = work.catch((e: unknown) => this.deps.logger.error('chat command handling failed', { error: e instanceof Error ? e.message : String(e) }))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Lets answers being written finish before shutdown. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

const silentLogger = {
  debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined,
  setLevel: () => undefined, getLevel: () => 'error', setName: () => undefined,
} as never;
