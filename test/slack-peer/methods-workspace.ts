// Slack Web API methods about who is calling and what the workspace holds: oauth.v2.access,
// auth.test, team.info, users.info, conversations.list and conversations.info. Each answers with
// the response shape and error codes Slack documents for it.

import {
  requireScope, resolveChannel, SlackError,
  type ApiCall, type ChannelFixture, type MethodHandler, type Payload, type UserFixture, type Workspace,
} from './state.js';
import { boolParam, intParam, stringParam } from './wire.js';

// Every fixture channel reports the same creation time: tests should not depend on it.
const CREATED = 1_600_000_000;

function oauthV2Access(call: ApiCall): Payload {
  const { params, state } = call;
  // Slack takes client credentials from HTTP Basic first, then from the form.
  const clientId = call.basic?.user ?? stringParam(params, 'client_id');
  const clientSecret = call.basic?.password ?? stringParam(params, 'client_secret');
  const grantType = stringParam(params, 'grant_type');
  if (grantType !== undefined && grantType !== 'authorization_code') throw new SlackError('invalid_grant_type');
  if (!clientId || !state.clients.has(clientId)) throw new SlackError('invalid_client_id');
  if (state.clients.get(clientId) !== clientSecret) throw new SlackError('bad_client_secret');
  const codeValue = stringParam(params, 'code');
  const code = codeValue === undefined ? undefined : state.codes.get(codeValue);
  // Slack reports a reused code, an unknown one and another app's code alike.
  if (!code || code.used || code.clientId !== clientId) throw new SlackError('invalid_code');
  if (code.redirectUri !== undefined && stringParam(params, 'redirect_uri') !== code.redirectUri) {
    throw new SlackError('bad_redirect_uri');
  }
  // Only a successful exchange spends the code, so a test can fix its redirect_uri and retry.
  code.used = true;
  const ws = state.workspace(code.teamId);
  // Reinstalling keeps the bot token, unless it was revoked: then the install mints a new one.
  const token = state.isRevoked(ws.botToken) ? state.mintBotToken(ws) : ws.botToken;
  return {
    app_id: state.appId,
    authed_user: { id: code.userId },
    scope: ws.scopes.join(','),
    token_type: 'bot',
    access_token: token,
    bot_user_id: ws.botUserId,
    team: { id: ws.teamId, name: ws.teamName },
    enterprise: null,
    is_enterprise_install: false,
  };
}

function authTest(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  return {
    url: `https://${ws.domain}.slack.com/`,
    team: ws.teamName,
    user: 'aws',
    team_id: ws.teamId,
    user_id: ws.botUserId,
    bot_id: ws.botId,
    is_enterprise_install: false,
  };
}

function teamInfo(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'team:read');
  const team = stringParam(call.params, 'team');
  if (team !== undefined && team !== ws.teamId) throw new SlackError('team_not_found');
  return {
    team: {
      id: ws.teamId,
      name: ws.teamName,
      domain: ws.domain,
      email_domain: '',
      icon: { image_default: true },
      enterprise_id: null,
    },
  };
}

function usersInfo(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'users:read');
  const id = stringParam(call.params, 'user');
  if (id === ws.botUserId) return { user: userObject(ws, { id, name: 'aws', real_name: 'chattrail' }, true) };
  const user = ws.users.find((u) => u.id === id);
  if (!user) throw new SlackError('user_not_found');
  return { user: userObject(ws, user, false) };
}

function userObject(ws: Workspace, user: UserFixture, isBot: boolean): Payload {
  const realName = user.real_name ?? user.name;
  return {
    id: user.id,
    team_id: ws.teamId,
    name: user.name,
    deleted: false,
    real_name: realName,
    tz: 'UTC',
    is_bot: isBot,
    is_admin: false,
    is_app_user: false,
    profile: { real_name: realName, display_name: user.name, team: ws.teamId },
  };
}

const CHANNEL_TYPES = ['public_channel', 'private_channel', 'mpim', 'im'];
// The scope Slack requires for listing each conversation type.
const TYPE_SCOPES: Record<string, string> = {
  public_channel: 'channels:read', private_channel: 'groups:read', mpim: 'mpim:read', im: 'im:read',
};

function conversationsList(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  const types = (stringParam(call.params, 'types') ?? 'public_channel').split(',').map((t) => t.trim()).filter(Boolean);
  if (types.length === 0 || types.some((t) => !CHANNEL_TYPES.includes(t))) throw new SlackError('invalid_types');
  for (const type of types) requireScope(ws, TYPE_SCOPES[type] ?? type);
  const limit = intParam(call.params, 'limit') ?? 100;
  if (Number.isNaN(limit) || limit < 1 || limit > 1000) throw new SlackError('invalid_limit');
  const excludeArchived = boolParam(call.params, 'exclude_archived', false);
  // Fixtures hold only channels; DMs and group DMs are never listed.
  const visible = ws.channels.filter((c) =>
    (c.is_private ? types.includes('private_channel') && c.is_member !== false : types.includes('public_channel'))
    && !(excludeArchived && c.is_archived));
  const start = startOfPage(visible, stringParam(call.params, 'cursor'));
  const page = visible.slice(start, start + limit);
  const next = visible[start + limit];
  return {
    channels: page.map((c) => channelObject(ws, c)),
    response_metadata: { next_cursor: next ? encodeCursor(next.id) : '' },
  };
}

// Cursors are opaque to clients, as Slack's are: base64 of where the next page starts.
function encodeCursor(channelId: string): string {
  return Buffer.from(`channel:${channelId}`).toString('base64');
}

function startOfPage(channels: ChannelFixture[], cursor: string | undefined): number {
  if (!cursor) return 0;
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  const index = decoded.startsWith('channel:') ? channels.findIndex((c) => c.id === decoded.slice(8)) : -1;
  if (index < 0) throw new SlackError('invalid_cursor');
  return index;
}

function conversationsInfo(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  const resolved = resolveChannel(ws, stringParam(call.params, 'channel'));
  if (resolved.kind === 'im') {
    requireScope(ws, 'im:read');
    return { channel: { id: resolved.id, is_im: true, user: resolved.userId, created: CREATED, is_user_deleted: false } };
  }
  requireScope(ws, resolved.channel.is_private ? 'groups:read' : 'channels:read');
  return { channel: channelObject(ws, resolved.channel) };
}

function channelObject(ws: Workspace, c: ChannelFixture): Payload {
  const empty = { value: '', creator: '', last_set: 0 };
  return {
    id: c.id,
    name: c.name,
    name_normalized: c.name,
    // Since 2021 Slack reports private channels as channels too, told apart by is_private.
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: c.is_private ?? false,
    is_archived: c.is_archived ?? false,
    is_general: c.name === 'general',
    is_member: c.is_member ?? true,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    context_team_id: ws.teamId,
    created: CREATED,
    creator: '',
    topic: empty,
    purpose: empty,
    num_members: ws.users.length + 1,
  };
}

export const workspaceMethods: Record<string, MethodHandler> = {
  'oauth.v2.access': oauthV2Access,
  'auth.test': authTest,
  'team.info': teamInfo,
  'users.info': usersInfo,
  'conversations.list': conversationsList,
  'conversations.info': conversationsInfo,
};
