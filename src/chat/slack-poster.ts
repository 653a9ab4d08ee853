// SlackPoster over the one Slack Web API client (src/slack/client.ts): chat answers,
// notifications, message updates and file uploads share its retry policy (SLACK_RETRY_POLICY).
import type { SlackPoster } from '../core/chat-directory.js';
import { SlackApi, slackAuthFailure } from '../slack/client.js';
import type { Logger } from '../common/runtime.js';

export { slackAuthFailure };

export class WebApiSlackPoster implements SlackPoster {
  private readonly api: SlackApi;
  constructor(apiUrl: string, logger: Logger) {
    this.api = new SlackApi({ apiUrl, logger });
  }

  async post(token: string, msg: { channel: string; text: string; blocks?: unknown[]; thread_ts?: string; reply_broadcast?: boolean }): Promise<{ ts: string }> {
    const r = await this.api.call('chat.postMessage', token, {
      channel: msg.channel, text: msg.text, ...(msg.thread_ts ? { thread_ts: msg.thread_ts } : {}), ...(msg.blocks ? { blocks: msg.blocks } : {}),
      ...(msg.thread_ts && msg.reply_broadcast ? { reply_broadcast: true } : {}),
    });
    return { ts: String(r.ts ?? '') };
  }

  async update(token: string, msg: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<void> {
    await this.api.call('chat.update', token, { channel: msg.channel, ts: msg.ts, text: msg.text, blocks: msg.blocks ?? [] });
  }

  async upload(token: string, file: { channel: string; thread_ts?: string; filename: string; content: string; title?: string }): Promise<void> {
    await this.api.uploadFile(token, file);
  }
}
