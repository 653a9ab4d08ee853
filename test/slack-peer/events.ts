// The other direction of the Slack peer: requests Slack sends *to* an app. Signs them the way Slack
// does (v0 HMAC-SHA256 over "v0:timestamp:body"), wraps events in their envelopes, and POSTs
// Events API callbacks, URL verification challenges and interactivity payloads to a target URL.

import { createHmac } from 'node:crypto';
import http from 'node:http';

export interface SlackSignatureHeaders {
  'X-Slack-Signature': string;
  'X-Slack-Request-Timestamp': string;
}

export interface SignedSendOptions {
  /** Unix seconds for X-Slack-Request-Timestamp; defaults to now. Old values test replay protection. */
  timestamp?: number;
  /** Send a signature computed with the wrong secret. */
  badSignature?: boolean;
  /**
   * Send over node:http with this (keep-alive) agent instead of fetch: the benchmark's load
   * generator shares the machine with the server, and fetch costs it several times more CPU.
   */
  agent?: http.Agent;
}

export interface EventSendOptions extends SignedSendOptions {
  /** Slack's X-Slack-Retry-Num, set when it redelivers an event the app did not ack in time. */
  retryNum?: number;
  /** X-Slack-Retry-Reason, e.g. 'http_timeout' or 'http_error'. */
  retryReason?: string;
  /** Reuse an event_id to redeliver the same event, as Slack's retries do. */
  eventId?: string;
  /** Defaults to the event's `team`. */
  teamId?: string;
  apiAppId?: string;
  /** The bot user the event is authorized for (Slack's `authorizations`). */
  botUserId?: string;
}

export interface SlackDelivery {
  status: number;
  body: string;
  headers: Headers;
  /** The event_id sent (event callbacks only), for sending the same event again. */
  eventId?: string;
}

export interface SlackEvent {
  type: string;
  [field: string]: unknown;
}

// The envelope still carries the deprecated verification token; apps must not rely on it.
const LEGACY_VERIFICATION_TOKEN = 'deprecated-verification-token';
let sequence = 0;

export function signSlackRequest(signingSecret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): SlackSignatureHeaders {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'X-Slack-Signature': `v0=${digest}`, 'X-Slack-Request-Timestamp': String(timestamp) };
}

async function postSigned(
  targetUrl: string, signingSecret: string, body: string, contentType: string,
  opts: SignedSendOptions, extraHeaders: Record<string, string> = {},
): Promise<SlackDelivery> {
  const secret = opts.badSignature ? `${signingSecret}-wrong` : signingSecret;
  const headers = {
    'content-type': contentType,
    // Slack identifies itself this way; some apps log or check it.
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    ...signSlackRequest(secret, body, opts.timestamp),
    ...extraHeaders,
  };
  if (opts.agent) return postWithAgent(targetUrl, opts.agent, headers, body);
  const response = await fetch(targetUrl, { method: 'POST', headers, body });
  return { status: response.status, body: await response.text(), headers: response.headers };
}

function postWithAgent(targetUrl: string, agent: http.Agent, headers: Record<string, string>, body: string): Promise<SlackDelivery> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = http.request(targetUrl, { method: 'POST', agent, headers: { ...headers, 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: responseHeaders });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function sendEvent(
  targetUrl: string, signingSecret: string, event: object, opts: EventSendOptions = {},
): Promise<SlackDelivery> {
  const teamId = opts.teamId ?? ('team' in event && typeof event.team === 'string' ? event.team : 'T0UNKNOWN');
  const eventId = opts.eventId ?? `Ev${String(++sequence).padStart(10, '0')}`;
  const eventTime = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const envelope = {
    token: LEGACY_VERIFICATION_TOKEN,
    team_id: teamId,
    api_app_id: opts.apiAppId ?? 'A0CHATTRAIL',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: eventTime,
    authorizations: [{
      enterprise_id: null, team_id: teamId, user_id: opts.botUserId ?? 'U0BOT0001', is_bot: true, is_enterprise_install: false,
    }],
    is_ext_shared_channel: false,
  };
  const retryHeaders: Record<string, string> = {};
  if (opts.retryNum !== undefined) {
    retryHeaders['X-Slack-Retry-Num'] = String(opts.retryNum);
    retryHeaders['X-Slack-Retry-Reason'] = opts.retryReason ?? 'http_timeout';
  }
  const delivery = await postSigned(targetUrl, signingSecret, JSON.stringify(envelope), 'application/json', opts, retryHeaders);
  return { ...delivery, eventId };
}

export async function urlVerification(
  targetUrl: string, signingSecret: string, challenge: string, opts: SignedSendOptions = {},
): Promise<SlackDelivery> {
  const body = JSON.stringify({ token: LEGACY_VERIFICATION_TOKEN, challenge, type: 'url_verification' });
  return postSigned(targetUrl, signingSecret, body, 'application/json', opts);
}

/** Interactivity arrives form-encoded with the JSON in a single `payload` field. */
export async function sendInteraction(
  targetUrl: string, signingSecret: string, payload: object, opts: SignedSendOptions = {},
): Promise<SlackDelivery> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(targetUrl, signingSecret, body, 'application/x-www-form-urlencoded', opts);
}

/** Slack ts values: "seconds.micros", unique per call so events never collide. */
function freshTs(): string {
  const micros = String(++sequence % 1_000_000).padStart(6, '0');
  return `${Math.floor(Date.now() / 1000)}.${micros}`;
}

export interface MessageEventInput {
  teamId: string;
  channel: string;
  user: string;
  text: string;
  ts?: string;
  thread_ts?: string;
}

/** The app_mention event; mention the bot in `text` as Slack does: `<@U0BOT0001> describe trails`. */
export function appMention(input: MessageEventInput): SlackEvent {
  const ts = input.ts ?? freshTs();
  return {
    type: 'app_mention',
    user: input.user,
    text: input.text,
    ts,
    channel: input.channel,
    event_ts: ts,
    team: input.teamId,
    ...(input.thread_ts === undefined ? {} : { thread_ts: input.thread_ts }),
  };
}

/** A message.im event: a user writing to the bot in their DM channel. */
export function directMessage(input: MessageEventInput): SlackEvent {
  const ts = input.ts ?? freshTs();
  return {
    type: 'message',
    channel_type: 'im',
    user: input.user,
    text: input.text,
    ts,
    channel: input.channel,
    event_ts: ts,
    team: input.teamId,
    ...(input.thread_ts === undefined ? {} : { thread_ts: input.thread_ts }),
  };
}

export interface BlockActionInput {
  teamId: string;
  user: string;
  channel: string;
  actionId: string;
  value?: string;
  blockId?: string;
  messageTs?: string;
  responseUrl?: string;
  apiAppId?: string;
}

/** A block_actions payload, what Slack sends when a user clicks a button in one of the bot's messages. */
export function blockAction(input: BlockActionInput): object {
  const ts = input.messageTs ?? freshTs();
  return {
    type: 'block_actions',
    team: { id: input.teamId, domain: 'workspace' },
    user: { id: input.user, team_id: input.teamId },
    api_app_id: input.apiAppId ?? 'A0CHATTRAIL',
    token: LEGACY_VERIFICATION_TOKEN,
    trigger_id: `${Date.now()}.${++sequence}.trigger`,
    channel: { id: input.channel },
    container: { type: 'message', message_ts: ts, channel_id: input.channel, is_ephemeral: false },
    message: { type: 'message', ts },
    response_url: input.responseUrl ?? `https://hooks.slack.com/actions/${input.teamId}/${sequence}/response`,
    actions: [{
      type: 'button',
      action_id: input.actionId,
      block_id: input.blockId ?? 'actions',
      value: input.value,
      action_ts: freshTs(),
    }],
  };
}
