// The local Slack peer: a node:http server on 127.0.0.1 speaking the Slack Web API methods chattrail
// uses, plus the upload URL that files.getUploadURLExternal hands out. Tests give it fixtures,
// inject failures, and read back what was called, posted and uploaded. Test code only.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messageMethods } from './methods-messages.js';
import { workspaceMethods } from './methods-workspace.js';
import {
  dmChannelId, PeerState, SlackError,
  type MethodHandler, type Params, type PostedMessage, type UploadedFile, type WorkspaceFixture,
} from './state.js';
import { parseMultipart, parseRequest, readBody, sendJson, sendText, type ParsedRequest } from './wire.js';

export { DEFAULT_BOT_SCOPES, dmChannelId } from './state.js';
export type { ChannelFixture, PostedMessage, UploadedFile, UserFixture, WorkspaceFixture } from './state.js';

/** The name under which POSTs to an upload URL are recorded in `calls` and targeted by failNext. */
export const UPLOAD_URL_METHOD = 'upload_url';

export interface RecordedCall {
  method: string;
  /** What the client sent, minus the token (which is in `token`). Form values are strings, JSON values keep their types. */
  params: Params;
  token?: string;
  at: Date;
  /** Filled in when the peer answers: the HTTP status and, for failures, Slack's error code ('dropped' for a reset connection). */
  status?: number;
  error?: string;
}

export interface FailureOptions {
  /** Slack error code; defaults to 'ratelimited' for 429 and 'internal_error' otherwise. */
  error?: string;
  /** HTTP status; defaults to 429 when retryAfter is given or error is 'ratelimited', else 200 (Slack's usual ok:false). */
  status?: number;
  /** Seconds, sent as Retry-After on a 429 (default 1). */
  retryAfter?: number;
  /** How many consecutive calls fail (default 1). */
  times?: number;
  /** Reset the connection without answering, as a network failure would. */
  dropConnection?: boolean;
}

export interface OAuthCodeOptions {
  clientId: string;
  clientSecret: string;
  /** When set, the exchange must send the same redirect_uri. */
  redirectUri?: string;
  /** The installing user reported as authed_user.id (default: the workspace's first user, or U0INSTALLER). */
  userId?: string;
}

export interface BotIdentity {
  token: string;
  userId: string;
  botId: string;
}

export interface SlackPeer {
  /** Base URL for @slack/web-api's slackApiUrl (CHATTRAIL_SLACK_API_URL); ends in a slash because the client appends the method. */
  readonly url: string;
  readonly origin: string;
  /** Every request, in arrival order, including failed and injected ones. */
  readonly calls: readonly RecordedCall[];
  close(): Promise<void>;
  /** Adds a workspace with chattrail installed and returns the bot token it accepts. */
  addWorkspace(fixture: WorkspaceFixture): string;
  /** The bot's current token and ids in a workspace (app mentions need the bot user id). */
  bot(teamId: string): BotIdentity;
  /** A single-use code, as Slack would pass to the OAuth redirect after the user approves the install. */
  issueOAuthCode(teamId: string, client: OAuthCodeOptions): string;
  revokeToken(token: string): void;
  /** The DM channel id the peer uses between the bot and a user. */
  dmChannel(userId: string): string;
  failNext(method: string, failure?: FailureOptions): void;
  /** chat.postMessage, chat.update and chat.postEphemeral calls that succeeded, in order. */
  posted(): PostedMessage[];
  /** Files that went through all three upload steps. */
  uploadedFiles(): UploadedFile[];
  /** Resolves with the first matching post, including ones made before the call; rejects after timeoutMs (default 2000). */
  waitForPost(predicate: (post: PostedMessage) => boolean, timeoutMs?: number): Promise<PostedMessage>;
  waitForUpload(predicate: (file: UploadedFile) => boolean, timeoutMs?: number): Promise<UploadedFile>;
}

export interface SlackPeerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  appId?: string;
  clock?: () => Date;
}

export async function startSlackPeer(opts: SlackPeerOptions = {}): Promise<SlackPeer> {
  const peer = new PeerServer(new PeerState(opts.appId ?? 'A0CHATTRAIL'), opts.clock ?? (() => new Date()));
  await peer.listen(opts.port ?? 0);
  return peer;
}

interface QueuedFailure {
  failure: FailureOptions;
  remaining: number;
}

interface Waiter {
  /** Looks at what arrived since the last check; true once satisfied. */
  check(): boolean;
  fail(error: Error): void;
}

const METHODS: Record<string, MethodHandler> = { ...workspaceMethods, ...messageMethods };

class PeerServer implements SlackPeer {
  readonly calls: RecordedCall[] = [];
  url = '';
  private readonly server: Server;
  private readonly failures = new Map<string, QueuedFailure[]>();
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly state: PeerState, private readonly clock: () => Date) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the peer, not a Slack behaviour: make it loud, and still answer so the client does not hang.
        console.error('slack-peer: internal error', err);
        if (!res.headersSent) sendJson(res, 500, { ok: false, error: 'internal_error' });
        else res.destroy();
      });
    });
  }

  get origin(): string {
    return this.state.origin;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    this.state.origin = `http://127.0.0.1:${address.port}`;
    this.url = `${this.state.origin}/api/`;
  }

  async close(): Promise<void> {
    for (const waiter of this.waiters) waiter.fail(new Error('slack peer closed'));
    this.waiters.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Keep-alive sockets would otherwise hold close() open for seconds.
      this.server.closeAllConnections();
    });
  }

  addWorkspace(fixture: WorkspaceFixture): string {
    return this.state.addWorkspace(fixture).botToken;
  }

  bot(teamId: string): BotIdentity {
    const ws = this.state.workspace(teamId);
    return { token: ws.botToken, userId: ws.botUserId, botId: ws.botId };
  }

  issueOAuthCode(teamId: string, client: OAuthCodeOptions): string {
    const ws = this.state.workspace(teamId);
    const known = this.state.clients.get(client.clientId);
    if (known !== undefined && known !== client.clientSecret) {
      throw new Error(`client ${client.clientId} was registered with a different secret`);
    }
    this.state.clients.set(client.clientId, client.clientSecret);
    const n = this.state.nextSerial();
    const code = `${3000000000 + n}.${4000000000 + n}.${teamId.toLowerCase()}${String(n).padStart(6, '0')}`;
    this.state.codes.set(code, {
      teamId,
      clientId: client.clientId,
      redirectUri: client.redirectUri,
      userId: client.userId ?? ws.users[0]?.id ?? 'U0INSTALLER',
      used: false,
    });
    return code;
  }

  revokeToken(token: string): void {
    this.state.revokeToken(token);
  }

  dmChannel(userId: string): string {
    return dmChannelId(userId);
  }

  failNext(method: string, failure: FailureOptions = {}): void {
    const queue = this.failures.get(method) ?? [];
    queue.push({ failure, remaining: failure.times ?? 1 });
    this.failures.set(method, queue);
  }

  posted(): PostedMessage[] {
    return this.state.posts.map((p) => ({ ...p }));
  }

  uploadedFiles(): UploadedFile[] {
    return [...this.state.files.values()].filter((f) => f.completed).map((f) => ({ ...f }));
  }

  waitForPost(predicate: (post: PostedMessage) => boolean, timeoutMs = 2000): Promise<PostedMessage> {
    // Posts only ever append: each check looks at the new ones alone, so a benchmark with
    // thousands of posts and many waiters stays linear.
    let seen = 0;
    const fresh = (): PostedMessage[] => {
      const posts = this.state.posts.slice(seen);
      seen = this.state.posts.length;
      return posts;
    };
    return this.waitFor('post', fresh, predicate, timeoutMs, () => this.posted()).then((p) => ({ ...p }));
  }

  waitForUpload(predicate: (file: UploadedFile) => boolean, timeoutMs = 2000): Promise<UploadedFile> {
    return this.waitFor('upload', () => this.uploadedFiles(), predicate, timeoutMs, () => this.uploadedFiles());
  }

  private waitFor<T>(what: string, list: () => T[], predicate: (item: T) => boolean, timeoutMs: number, all: () => T[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const hit = list().find(predicate);
          if (hit === undefined) return false;
          clearTimeout(timer);
          resolve(hit);
          return true;
        },
        fail: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        // Show what did arrive: the usual cause is a near miss (wrong channel, thread or text).
        const seen = JSON.stringify(all(), (key, value: unknown) => (key === 'content' ? '<bytes>' : value));
        reject(new Error(`no matching ${what} within ${timeoutMs}ms; saw ${seen}`));
      }, timeoutMs);
      if (!waiter.check()) this.waiters.add(waiter);
    });
  }

  private notifyWaiters(): void {
    for (const waiter of [...this.waiters]) if (waiter.check()) this.waiters.delete(waiter);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.state.origin);
    const body = await readBody(req);
    if (url.pathname.startsWith('/upload/v1/')) return this.handleUpload(req, res, url, body);
    if (!url.pathname.startsWith('/api/')) return sendText(res, 404, 'Not Found');
    const method = url.pathname.slice('/api/'.length);
    const call: RecordedCall = { method, params: {}, at: this.clock() };
    this.calls.push(call);
    let parsed: ParsedRequest;
    try {
      parsed = parseRequest(req.headers, body, url.searchParams);
    } catch (err) {
      if (!(err instanceof SlackError)) throw err;
      return this.respond(res, call, 200, { ok: false, error: err.code });
    }
    call.params = parsed.params;
    call.token = parsed.token;
    if (this.injectFailure(method, call, res)) return;
    const handler = METHODS[method];
    if (!handler) return this.respond(res, call, 200, { ok: false, error: 'unknown_method' });
    try {
      const payload = handler({ params: parsed.params, token: parsed.token, basic: parsed.basic, state: this.state });
      this.respond(res, call, 200, { ok: true, ...payload }, this.scopeHeaders(parsed.token));
      this.notifyWaiters();
    } catch (err) {
      if (!(err instanceof SlackError)) throw err;
      this.respond(res, call, 200, { ok: false, error: err.code, ...err.extra });
    }
  }

  /** The upload URL takes raw bytes or a multipart form with one file, and answers in plain text as Slack's does. */
  private handleUpload(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): void {
    const fileId = url.pathname.slice('/upload/v1/'.length);
    const call: RecordedCall = { method: UPLOAD_URL_METHOD, params: { file_id: fileId }, at: this.clock() };
    this.calls.push(call);
    if (this.injectFailure(UPLOAD_URL_METHOD, call, res)) return;
    const file = this.state.files.get(fileId);
    if (req.method !== 'POST' || !file) {
      call.status = 404;
      return sendText(res, 404, 'Not Found');
    }
    const contentType = req.headers['content-type'] ?? '';
    let content = body;
    if (contentType.toLowerCase().startsWith('multipart/form-data')) {
      const parts = parseMultipart(body, contentType);
      content = (parts.find((p) => p.filename !== undefined) ?? parts.find((p) => p.name === 'file') ?? parts[0])?.data
        ?? Buffer.alloc(0);
    }
    file.content = Buffer.from(content);
    call.params.size = content.length;
    call.status = 200;
    sendText(res, 200, `OK - ${content.length}`);
  }

  private injectFailure(method: string, call: RecordedCall, res: ServerResponse): boolean {
    const queue = this.failures.get(method);
    const head = queue?.[0];
    if (!queue || !head) return false;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    const { failure } = head;
    if (failure.dropConnection) {
      call.error = 'dropped';
      res.socket?.destroy();
      return true;
    }
    const status = failure.status ?? (failure.retryAfter !== undefined || failure.error === 'ratelimited' ? 429 : 200);
    const error = failure.error ?? (status === 429 ? 'ratelimited' : 'internal_error');
    const headers: Record<string, string> = status === 429 ? { 'retry-after': String(failure.retryAfter ?? 1) } : {};
    this.respond(res, call, status, { ok: false, error }, headers);
    return true;
  }

  /** Slack tells a client which scopes its token has on every call; @slack/web-api surfaces them. */
  private scopeHeaders(token: string | undefined): Record<string, string> {
    if (!token) return {};
    try {
      return { 'x-oauth-scopes': this.state.authenticate(token).scopes.join(',') };
    } catch {
      return {};
    }
  }

  private respond(res: ServerResponse, call: RecordedCall, status: number, body: Params, headers: Record<string, string> = {}): void {
    call.status = status;
    if (body.ok === false && typeof body.error === 'string') call.error = body.error;
    sendJson(res, status, body, headers);
  }
}
