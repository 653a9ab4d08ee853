// Slack Web API methods that put things in channels: chat.postMessage, chat.update,
// chat.postEphemeral, and the two API halves of the external file upload
// (files.getUploadURLExternal, files.completeUploadExternal); the byte upload itself is HTTP, in peer.ts.

import {
  requireScope, resolveChannel, resolvedChannelId, SlackError,
  type ApiCall, type MethodHandler, type Params, type Payload, type PostedMessage, type ResolvedChannel, type Workspace,
} from './state.js';
import { intParam, jsonParam, stringParam } from './wire.js';

// Slack's documented ceiling for a message's text.
const MAX_TEXT = 40_000;

interface Content {
  text?: string;
  blocks?: unknown;
}

/** text and/or blocks, validated the way chat.* methods do; attachments count as content too. */
function readContent(params: Params): Content {
  const text = stringParam(params, 'text');
  const blocks = jsonParam(params, 'blocks', 'invalid_blocks_format');
  if (blocks !== undefined && !Array.isArray(blocks)) throw new SlackError('invalid_blocks_format');
  const hasAttachments = params.attachments !== undefined && params.attachments !== '';
  if (!text && (blocks === undefined || (Array.isArray(blocks) && blocks.length === 0)) && !hasAttachments) {
    throw new SlackError('no_text');
  }
  if (text !== undefined && text.length > MAX_TEXT) throw new SlackError('msg_too_long');
  return { text, blocks };
}

/** Where the bot may post: not archived, and a public channel it is not in needs chat:write.public. */
function postableChannel(ws: Workspace, ref: string | undefined): ResolvedChannel {
  const resolved = resolveChannel(ws, ref);
  if (resolved.kind === 'channel') {
    if (resolved.channel.is_archived) throw new SlackError('is_archived');
    if (resolved.channel.is_member === false && !ws.scopes.includes('chat:write.public')) throw new SlackError('not_in_channel');
  }
  return resolved;
}

function messageObject(call: ApiCall, ws: Workspace, post: PostedMessage): Payload {
  return {
    type: 'message',
    text: post.text ?? '',
    user: ws.botUserId,
    bot_id: ws.botId,
    app_id: call.state.appId,
    ts: post.ts,
    team: ws.teamId,
    ...(post.blocks === undefined ? {} : { blocks: post.blocks }),
    ...(post.thread_ts === undefined ? {} : { thread_ts: post.thread_ts }),
    bot_profile: { id: ws.botId, app_id: call.state.appId, name: 'aws', deleted: false, team_id: ws.teamId },
  };
}

function chatPostMessage(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'chat:write');
  const channel = resolvedChannelId(postableChannel(ws, stringParam(call.params, 'channel')));
  const content = readContent(call.params);
  const post: PostedMessage = {
    method: 'chat.postMessage',
    teamId: ws.teamId,
    channel,
    ts: call.state.nextTs(),
    ...content,
    thread_ts: stringParam(call.params, 'thread_ts') || undefined,
  };
  call.state.recordPost(post);
  return { channel, ts: post.ts, message: messageObject(call, ws, post) };
}

function chatUpdate(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'chat:write');
  // chat.update wants the channel id, not a name, and only ever touches a message this bot posted.
  const channel = stringParam(call.params, 'channel');
  const ts = stringParam(call.params, 'ts');
  const original = call.state.messages.get(`${channel}/${ts}`);
  if (!original || original.teamId !== ws.teamId) throw new SlackError('message_not_found');
  const content = readContent(call.params);
  const updated: PostedMessage = { ...original, method: 'chat.update', ...content };
  call.state.recordPost(updated);
  return { channel: updated.channel, ts: updated.ts, text: updated.text ?? '', message: messageObject(call, ws, updated) };
}

function chatPostEphemeral(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'chat:write');
  const channel = resolvedChannelId(postableChannel(ws, stringParam(call.params, 'channel')));
  const user = stringParam(call.params, 'user');
  if (!ws.users.some((u) => u.id === user)) throw new SlackError('user_not_found');
  const content = readContent(call.params);
  const post: PostedMessage = {
    method: 'chat.postEphemeral',
    teamId: ws.teamId,
    channel,
    ts: call.state.nextTs(),
    ...content,
    thread_ts: stringParam(call.params, 'thread_ts') || undefined,
    user,
  };
  call.state.recordPost(post);
  return { message_ts: post.ts };
}

function filesGetUploadUrlExternal(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'files:write');
  const filename = stringParam(call.params, 'filename');
  const length = intParam(call.params, 'length');
  if (!filename || length === undefined || Number.isNaN(length) || length < 1) throw new SlackError('invalid_arguments');
  const fileId = `F0FILE${String(call.state.nextSerial()).padStart(4, '0')}`;
  call.state.files.set(fileId, { fileId, teamId: ws.teamId, filename, length, completed: false });
  return { upload_url: `${call.state.origin}/upload/v1/${fileId}`, file_id: fileId };
}

function filesCompleteUploadExternal(call: ApiCall): Payload {
  const ws = call.state.authenticate(call.token);
  requireScope(ws, 'files:write');
  const entries = jsonParam(call.params, 'files', 'invalid_arguments');
  if (!Array.isArray(entries) || entries.length === 0) throw new SlackError('invalid_arguments');
  const channelRef = stringParam(call.params, 'channel_id') ?? stringParam(call.params, 'channels')?.split(',')[0];
  const channel = channelRef ? resolvedChannelId(postableChannel(ws, channelRef)) : undefined;
  const files = entries.map((entry: unknown) => {
    const id = typeof entry === 'object' && entry !== null && 'id' in entry ? entry.id : undefined;
    const file = typeof id === 'string' ? call.state.files.get(id) : undefined;
    // A file whose bytes never reached the upload URL cannot be completed.
    if (!file || file.teamId !== ws.teamId || file.content === undefined) throw new SlackError('file_not_found');
    const title = typeof entry === 'object' && entry !== null && 'title' in entry && typeof entry.title === 'string'
      ? entry.title : undefined;
    return { file, title };
  });
  // Validate every file before changing any, so a failed call leaves nothing half-shared.
  return {
    files: files.map(({ file, title }) => {
      Object.assign(file, {
        completed: true,
        title: title ?? file.filename,
        channel,
        initial_comment: stringParam(call.params, 'initial_comment'),
        thread_ts: stringParam(call.params, 'thread_ts') || undefined,
      });
      return {
        id: file.fileId, name: file.filename, title: file.title, size: file.content?.length ?? 0,
        user: ws.botUserId, mimetype: '', filetype: '', created: 0,
      };
    }),
  };
}

export const messageMethods: Record<string, MethodHandler> = {
  'chat.postMessage': chatPostMessage,
  'chat.update': chatUpdate,
  'chat.postEphemeral': chatPostEphemeral,
  'files.getUploadURLExternal': filesGetUploadUrlExternal,
  'files.completeUploadExternal': filesCompleteUploadExternal,
};
