// SlackPoster over @slack/web-api: one WebClient per bot token, a short retry policy (a chat answer
// that arrives minutes late is worse than a logged failure), rate limits honoured up to a cap.
import { WebClient, type RetryOptions } from '@slack/web-api';
import type { SlackPoster } from './directory.js';
import { keepAliveFetch } from './keep-alive-fetch.js';
import { AUTH_ERRORS, quietLogger } from './slack/client.js';
import type { Logger } from '../server/runtime.js';

/** Slack's error code when a call failed because the bot token no longer works (revoked, app removed...). */
export function slackAuthFailure(e: unknown): string | undefined {
  const err = e as { code?: string; data?: { error?: unknown } } | undefined;
  const code = err?.code === 'slack_webapi_platform_error' && typeof err.data?.error === 'string' ? err.data.error : undefined;
  return code && AUTH_ERRORS.includes(code) ? code : undefined;
}

const RETRIES: RetryOptions = { retries: 2, factor: 2, minTimeout: 100, maxTimeout: 1000 };

export class WebApiSlackPoster implements SlackPoster {
  private readonly clients = new Map<string, WebClient>();
  private readonly fetch = keepAliveFetch();
  constructor(private readonly apiUrl: string, private readonly logger: Logger) {}

  private client(token: string): WebClient {
    let c = this.clients.get(token);
    if (!c) {
      if (this.clients.size > 1000) this.clients.clear();
      c = new WebClient(token, { slackApiUrl: this.apiUrl, retryConfig: RETRIES, timeout: 10_000, fetch: this.fetch, logger: quietLogger(this.logger) });
      this.clients.set(token, c);
    }
    return c;
  }

  async post(token: string, msg: { channel: string; text: string; blocks?: unknown[]; thread_ts?: string }): Promise<{ ts: string }> {
    const r = await this.client(token).chat.postMessage({ channel: msg.channel, text: msg.text, thread_ts: msg.thread_ts, ...(msg.blocks ? { blocks: msg.blocks as never } : {}) });
    return { ts: String(r.ts ?? '') };
  }

  async update(token: string, msg: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.client(token).chat.update({ channel: msg.channel, ts: msg.ts, text: msg.text, blocks: (msg.blocks ?? []) as never });
  }

  async upload(token: string, file: { channel: string; thread_ts?: string; filename: string; content: string; title?: string }): Promise<void> {
    await this.client(token).filesUploadV2({
      channel_id: file.channel, thread_ts: file.thread_ts, filename: file.filename, content: file.content, title: file.title ?? file.filename,
    } as never);
  }
}
