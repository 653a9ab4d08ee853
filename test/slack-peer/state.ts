// What the Slack peer knows: workspaces and their channels and users, bot tokens, OAuth clients
// and codes, and everything posted or uploaded. It also owns the rules every method shares
// (who the token belongs to, which scopes it has, which channel a name points at).

import { createHash } from 'node:crypto';

export interface ChannelFixture {
  id: string;
  name: string;
  is_private?: boolean;
  is_archived?: boolean;
  /** Whether the bot is in the channel. Defaults to true; a private channel the bot is not in is invisible to it, as in Slack. */
  is_member?: boolean;
}

export interface UserFixture {
  id: string;
  name: string;
  real_name?: string;
}

export interface WorkspaceFixture {
  teamId: string;
  teamName: string;
  channels: ChannelFixture[];
  users?: UserFixture[];
  /** Bot scopes granted at install; defaults to DEFAULT_BOT_SCOPES (what slack-app-manifest.yaml asks for). */
  scopes?: string[];
}

/** Same list and order as slack-app-manifest.yaml, so tests get the scopes a real install gets. */
export const DEFAULT_BOT_SCOPES: readonly string[] = [
  'app_mentions:read', 'channels:read', 'groups:read', 'chat:write', 'chat:write.public', 'files:write',
  'im:history', 'im:read', 'im:write', 'team:read', 'users:read',
];

export interface Workspace {
  teamId: string;
  teamName: string;
  domain: string;
  channels: ChannelFixture[];
  users: UserFixture[];
  scopes: string[];
  botUserId: string;
  botId: string;
  /** The bot token currently issued for this workspace; a reinstall after revocation replaces it. */
  botToken: string;
}

export interface OAuthCode {
  teamId: string;
  clientId: string;
  redirectUri?: string;
  userId: string;
  used: boolean;
}

export type PostMethod = 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral';

export interface PostedMessage {
  method: PostMethod;
  teamId: string;
  channel: string;
  /** For chat.postEphemeral this is the message_ts Slack returns; ephemeral messages cannot be updated. */
  ts: string;
  text?: string;
  blocks?: unknown;
  thread_ts?: string;
  /** chat.postEphemeral only: the one user who sees it. */
  user?: string;
}

export interface UploadedFile {
  fileId: string;
  teamId: string;
  filename: string;
  title?: string;
  /** The length the client announced in files.getUploadURLExternal. */
  length: number;
  /** The bytes that actually arrived at the upload URL (a mismatch with length is a client bug worth asserting on). */
  content?: Buffer;
  completed: boolean;
  channel?: string;
  initial_comment?: string;
  thread_ts?: string;
}

export type Params = Record<string, unknown>;
export type Payload = Record<string, unknown>;

/** A Slack API error: `{ok: false, error: code, ...extra}` on the wire. */
export class SlackError extends Error {
  constructor(readonly code: string, readonly extra: Record<string, unknown> = {}) {
    super(code);
    this.name = 'SlackError';
  }
}

/** One Web API request as a method handler sees it: no HTTP, just what the caller sent. */
export interface ApiCall {
  params: Params;
  /** The token from `Authorization: Bearer` or, for form bodies, the `token` field. */
  token?: string;
  /** HTTP Basic credentials, which oauth.v2.access accepts for the client id and secret. */
  basic?: { user: string; password: string };
  state: PeerState;
}

export type MethodHandler = (call: ApiCall) => Payload;

interface TokenRecord {
  teamId: string;
  revoked: boolean;
}

export class PeerState {
  readonly workspaces = new Map<string, Workspace>();
  /** clientId → clientSecret, learned from issueOAuthCode: the peer plays every app the tests install. */
  readonly clients = new Map<string, string>();
  readonly codes = new Map<string, OAuthCode>();
  readonly posts: PostedMessage[] = [];
  /** Current state of every non-ephemeral message, keyed `${channel}/${ts}`, for chat.update. */
  readonly messages = new Map<string, PostedMessage>();
  readonly files = new Map<string, UploadedFile>();
  /** Where the server listens (http://127.0.0.1:PORT); upload URLs point back here. */
  origin = '';
  private readonly tokens = new Map<string, TokenRecord>();
  private serial = 0;
  // Microseconds since the epoch: Slack ts values are "seconds.micros" and must sort and stay unique.
  private tsMicros = 1_700_000_000_000_000;

  constructor(readonly appId: string) {}

  addWorkspace(fixture: WorkspaceFixture): Workspace {
    if (this.workspaces.has(fixture.teamId)) throw new Error(`workspace ${fixture.teamId} already added`);
    const n = this.nextSerial();
    const ws: Workspace = {
      teamId: fixture.teamId,
      teamName: fixture.teamName,
      domain: fixture.teamName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'workspace',
      channels: fixture.channels.map((c) => ({ ...c })),
      users: (fixture.users ?? []).map((u) => ({ ...u })),
      scopes: [...(fixture.scopes ?? DEFAULT_BOT_SCOPES)],
      botUserId: `U0BOT${String(n).padStart(4, '0')}`,
      botId: `B0BOT${String(n).padStart(4, '0')}`,
      botToken: '',
    };
    this.workspaces.set(ws.teamId, ws);
    ws.botToken = this.mintBotToken(ws);
    return ws;
  }

  mintBotToken(ws: Workspace): string {
    const n = this.nextSerial();
    // Shaped like a real bot token (xoxb-<digits>-<digits>-<24 chars>) but derived, not random,
    // so a failing test prints the same tokens every run.
    const tail = createHash('sha256').update(`${ws.teamId}:${n}`).digest('hex').slice(0, 24);
    const token = `xoxb-${1000000000 + n}-${2000000000 + n}-${tail}`;
    this.tokens.set(token, { teamId: ws.teamId, revoked: false });
    ws.botToken = token;
    return token;
  }

  revokeToken(token: string): void {
    const record = this.tokens.get(token);
    if (!record) throw new Error(`revokeToken: the peer never issued ${token}`);
    record.revoked = true;
  }

  isRevoked(token: string): boolean {
    return this.tokens.get(token)?.revoked ?? false;
  }

  /** The bot's workspace for this token, or the error Slack gives for a missing, unknown or revoked one. */
  authenticate(token: string | undefined): Workspace {
    if (!token) throw new SlackError('not_authed');
    const record = this.tokens.get(token);
    if (!record) throw new SlackError('invalid_auth');
    if (record.revoked) throw new SlackError('token_revoked');
    const ws = this.workspaces.get(record.teamId);
    if (!ws) throw new SlackError('account_inactive');
    return ws;
  }

  workspace(teamId: string): Workspace {
    const ws = this.workspaces.get(teamId);
    if (!ws) throw new Error(`no workspace ${teamId}: call addWorkspace first`);
    return ws;
  }

  nextSerial(): number {
    this.serial += 1;
    return this.serial;
  }

  nextTs(): string {
    this.tsMicros += 100;
    const seconds = Math.floor(this.tsMicros / 1_000_000);
    return `${seconds}.${String(this.tsMicros % 1_000_000).padStart(6, '0')}`;
  }

  recordPost(post: PostedMessage): void {
    this.posts.push(post);
    if (post.method !== 'chat.postEphemeral') this.messages.set(`${post.channel}/${post.ts}`, post);
  }
}

/** Slack answers missing_scope with the scope it wanted and the ones the token has. */
export function requireScope(ws: Workspace, scope: string): void {
  if (!ws.scopes.includes(scope)) {
    throw new SlackError('missing_scope', { needed: scope, provided: ws.scopes.join(',') });
  }
}

/** DM channel ids follow one convention here (D + the user id's tail) so tests can compute them. */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}

export type ResolvedChannel =
  | { kind: 'channel'; channel: ChannelFixture }
  | { kind: 'im'; id: string; userId: string };

/**
 * Find a channel the bot can see by id, by name (`general` or `#general`, which chat.postMessage
 * still accepts), by a DM channel id, or by a user id (which Slack treats as "DM this user").
 */
export function resolveChannel(ws: Workspace, ref: string | undefined): ResolvedChannel {
  if (!ref) throw new SlackError('channel_not_found');
  const name = ref.startsWith('#') ? ref.slice(1) : ref;
  const channel = ws.channels.find((c) => c.id === ref) ?? ws.channels.find((c) => c.name === name);
  if (channel) {
    // A private channel the bot is not in does not exist as far as the bot can tell.
    if (channel.is_private && channel.is_member === false) throw new SlackError('channel_not_found');
    return { kind: 'channel', channel };
  }
  const user = ws.users.find((u) => u.id === ref || dmChannelId(u.id) === ref);
  if (user) return { kind: 'im', id: dmChannelId(user.id), userId: user.id };
  throw new SlackError('channel_not_found');
}

export function resolvedChannelId(resolved: ResolvedChannel): string {
  return resolved.kind === 'channel' ? resolved.channel.id : resolved.id;
}
