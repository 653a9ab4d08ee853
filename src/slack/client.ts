// chattrail's one way to call Slack's Web API (OAuth, channel lists, chat answers, notifications,
// file uploads): @slack/web-api under one retry policy (SLACK_RETRY_POLICY), and every failure
// turned into a typed SlackCallError (rate limited, auth, platform, network) callers map to answers.
import {
  LogLevel, WebClient, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError,
  type Logger as SlackLogger, type WebAPICallResult,
} from '@slack/web-api';
import type { Logger } from '../common/runtime.js';
import { keepAliveFetch } from '../net/keep-alive-fetch.js';

/** Slack error codes meaning the token no longer works: the workspace must be authorized again. */
export const AUTH_ERRORS: readonly string[] = ['token_revoked', 'invalid_auth', 'account_inactive', 'not_authed', 'token_expired', 'team_access_not_granted'];

export type SlackFailureKind = 'ratelimited' | 'auth' | 'platform' | 'network';

export class SlackCallError extends Error {
  constructor(
    readonly method: string,
    readonly kind: SlackFailureKind,
    /** Slack's error code (`invalid_code`, `token_revoked`...), or a short description for network failures. */
    readonly slackError: string,
    /** Seconds Slack asked us to wait (rate limits only). */
    readonly retryAfter?: number,
    /** Extra fields of Slack's error answer (`needed` for missing_scope). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`Slack ${method} failed: ${slackError}`);
    this.name = 'SlackCallError';
  }
}

/**
 * The one retry policy of every Slack call. Network failures and 5xx answers are retried by
 * @slack/web-api per HTTP request with a short exponential backoff (a chat answer minutes late is
 * worse than a logged failure); a 429 comes back to SlackApi, which waits out Retry-After while the
 * call's total wait stays within its budget, and fails at once beyond it (never the library's 30 minutes).
 */
export const SLACK_RETRY_POLICY = {
  /** Retries after the first try, for network failures and 5xx answers. */
  retries: 2,
  /** Backoff between them: 100 ms, then 200 ms (factor 2), never above 1 s. */
  minBackoffMs: 100,
  backoffFactor: 2,
  maxBackoffMs: 1000,
  /** Longest total Retry-After wait of one call. */
  maxRateLimitWaitMs: 10_000,
  /** Per-request timeout. */
  timeoutMs: 10_000,
} as const;

export interface SlackApiOptions {
  /** Base URL of the Web API, ending in `/api/` (CHATTRAIL_SLACK_API_URL). */
  apiUrl: string;
  logger: Logger;
  /** Longest total time spent waiting out Retry-After for one call; beyond it the call fails (default 10 s). */
  maxRateLimitWaitMs?: number;
  /** Per-request timeout (default 10 s). */
  timeoutMs?: number;
  /** Retries of network failures and 5xx answers (default 2, 100 then 200 ms apart). */
  retries?: number;
}

export interface SlackOAuthAccess {
  teamId: string;
  teamName: string;
  botToken: string;
  botUserId: string;
  appId?: string;
  scopes: string[];
  installerUserId?: string;
}

export interface SlackChannelInfo {
  id: string;
  name: string;
  isPrivate: boolean;
  isArchived: boolean;
  isMember: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class SlackApi {
  private readonly web: WebClient;
  private readonly maxWaitMs: number;

  constructor(private readonly opts: SlackApiOptions) {
    const p = SLACK_RETRY_POLICY;
    this.maxWaitMs = opts.maxRateLimitWaitMs ?? p.maxRateLimitWaitMs;
    this.web = new WebClient(undefined, {
      slackApiUrl: opts.apiUrl,
      logger: quietLogger(opts.logger),
      logLevel: LogLevel.WARN,
      // Retries cover network failures and 5xx answers; rate limits come back to us
      // (rejectRateLimitedCalls) so the wait is ours and bounded.
      retryConfig: { retries: opts.retries ?? p.retries, factor: p.backoffFactor, minTimeout: p.minBackoffMs, maxTimeout: p.maxBackoffMs },
      rejectRateLimitedCalls: true,
      timeout: opts.timeoutMs ?? p.timeoutMs,
      // Every chat answer is one small POST: node:http with keep-alive (see keep-alive-fetch.ts).
      fetch: keepAliveFetch(),
      // Method names are never URLs here; keep every request on the configured base.
      allowAbsoluteUrls: false,
    });
  }

  /** The URL of Slack's OAuth v2 authorize page, next to the Web API (`…/api/` → `…/oauth/v2/authorize`). */
  authorizeUrl(params: { clientId: string; scopes: readonly string[]; redirectUri: string; state: string }): string {
    const u = new URL('../oauth/v2/authorize', this.opts.apiUrl);
    u.searchParams.set('client_id', params.clientId);
    u.searchParams.set('scope', params.scopes.join(','));
    u.searchParams.set('redirect_uri', params.redirectUri);
    u.searchParams.set('state', params.state);
    return u.toString();
  }

  /** Calls any Web API method with a bot token; resolves with Slack's answer when `ok`. */
  async call(method: string, token: string | undefined, args: Record<string, unknown> = {}): Promise<WebAPICallResult & Record<string, unknown>> {
    return this.retrying(method, async () => await this.web.apiCall(method, token ? { ...args, token } : args) as WebAPICallResult & Record<string, unknown>);
  }

  /** One text file into a channel or thread (files.getUploadURLExternal, the upload, files.completeUploadExternal). */
  async uploadFile(token: string, file: { channel: string; thread_ts?: string; filename: string; content: string; title?: string }): Promise<void> {
    await this.retrying('files.uploadV2', () => this.web.filesUploadV2({
      token, channel_id: file.channel, thread_ts: file.thread_ts, filename: file.filename, content: file.content, title: file.title ?? file.filename,
    } as never));
  }

  /** Runs one call under the rate-limit half of SLACK_RETRY_POLICY; every failure is a SlackCallError. */
  private async retrying<T>(method: string, attempt: () => Promise<T>): Promise<T> {
    let waited = 0;
    for (;;) {
      try {
        return await attempt();
      } catch (e) {
        const err = toSlackCallError(method, e);
        if (err.kind !== 'ratelimited') throw err;
        const waitMs = Math.max(0, (err.retryAfter ?? 1) * 1000);
        if (waited + waitMs > this.maxWaitMs) throw err;
        this.opts.logger.info('slack rate limited; waiting', { method, retryAfter: err.retryAfter });
        await sleep(waitMs);
        waited += waitMs;
      }
    }
  }

  /** oauth.v2.access: trades the one-time code for the workspace's bot token. */
  async oauthAccess(p: { clientId: string; clientSecret: string; code: string; redirectUri: string }): Promise<SlackOAuthAccess> {
    const r = await this.call('oauth.v2.access', undefined, {
      client_id: p.clientId, client_secret: p.clientSecret, code: p.code, redirect_uri: p.redirectUri,
    });
    const team = r.team as { id?: string; name?: string } | undefined;
    const token = r.access_token;
    if (!team?.id || typeof token !== 'string' || r.token_type !== 'bot') {
      throw new SlackCallError('oauth.v2.access', 'platform', 'unexpected_answer');
    }
    return {
      teamId: team.id, teamName: team.name ?? team.id, botToken: token, botUserId: String(r.bot_user_id ?? ''),
      appId: typeof r.app_id === 'string' ? r.app_id : undefined,
      scopes: typeof r.scope === 'string' ? r.scope.split(',').filter(Boolean) : [],
      installerUserId: (r.authed_user as { id?: string } | undefined)?.id,
    };
  }

  /** One page of conversations.list (public and private channels the bot can see, not archived). */
  async listChannels(token: string, limit: number, cursor?: string): Promise<{ channels: SlackChannelInfo[]; nextCursor?: string }> {
    const r = await this.call('conversations.list', token, {
      types: 'public_channel,private_channel', exclude_archived: true, limit, ...(cursor ? { cursor } : {}),
    });
    const raw = (r.channels ?? []) as { id: string; name: string; is_private?: boolean; is_archived?: boolean; is_member?: boolean }[];
    const next = r.response_metadata?.next_cursor;
    return { channels: raw.map(channelOf), nextCursor: next ? next : undefined };
  }

  /** conversations.info for one channel id. */
  async channelInfo(token: string, channelId: string): Promise<SlackChannelInfo> {
    const r = await this.call('conversations.info', token, { channel: channelId });
    return channelOf(r.channel as { id: string; name: string; is_private?: boolean; is_archived?: boolean; is_member?: boolean });
  }
}

function channelOf(c: { id: string; name: string; is_private?: boolean; is_archived?: boolean; is_member?: boolean }): SlackChannelInfo {
  return { id: c.id, name: c.name, isPrivate: c.is_private ?? false, isArchived: c.is_archived ?? false, isMember: c.is_member ?? false };
}

/** Slack's error code when a call failed because the bot token no longer works (revoked, app removed...). */
export function slackAuthFailure(e: unknown): string | undefined {
  if (e instanceof SlackCallError) return e.kind === 'auth' ? e.slackError : undefined;
  // A raw @slack/web-api platform error (test doubles of the poster throw these).
  const err = e as { code?: string; data?: { error?: unknown } } | undefined;
  const code = err?.code === 'slack_webapi_platform_error' && typeof err.data?.error === 'string' ? err.data.error : undefined;
  return code && AUTH_ERRORS.includes(code) ? code : undefined;
}

/** Every failure of @slack/web-api as one typed error; messages never carry tokens. */
export function toSlackCallError(method: string, e: unknown): SlackCallError {
  if (e instanceof SlackCallError) return e;
  if (e instanceof WebAPIRateLimitedError) return new SlackCallError(method, 'ratelimited', 'ratelimited', e.retryAfter);
  if (e instanceof WebAPIPlatformError) {
    const { error, ok: _ok, response_metadata: _meta, ...rest } = e.data as WebAPICallResult & { error: string } & Record<string, unknown>;
    if (error === 'ratelimited') return new SlackCallError(method, 'ratelimited', error, e.data.response_metadata?.retryAfter ?? 1);
    return new SlackCallError(method, AUTH_ERRORS.includes(error) ? 'auth' : 'platform', error, undefined, rest);
  }
  if (e instanceof WebAPIHTTPError) return new SlackCallError(method, 'network', `HTTP ${e.statusCode} from Slack`);
  if (e instanceof WebAPIRequestError) return new SlackCallError(method, 'network', describeNetworkError(e.original));
  return new SlackCallError(method, 'network', e instanceof Error ? e.message : String(e));
}

function describeNetworkError(e: Error): string {
  const cause = (e as Error & { cause?: { code?: string; message?: string } }).cause;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'the request to Slack timed out';
  return cause?.code ?? cause?.message ?? e.message;
}

/** @slack/web-api logs through this: warnings and errors reach chattrail's log as plain text, debug is dropped. */
export function quietLogger(logger: Logger): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : '')).join(' ').trim();
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => logger.warn('slack web api', { detail: text(msg) }),
    error: (...msg: unknown[]) => logger.error('slack web api', { detail: text(msg) }),
    setLevel: (l: LogLevel) => { level = l; },
    getLevel: () => level,
    setName: () => undefined,
  };
}
