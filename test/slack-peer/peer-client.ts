// A bare Web API client and the fixture workspace for the peer's own tests. It calls the peer
// the way @slack/web-api does (form-encoded POST, Bearer token) or with a JSON body, using only
// fetch, so those tests exercise the wire format themselves.

import type { TestContext } from 'node:test';
import { startSlackPeer, type SlackPeer, type WorkspaceFixture } from './peer.js';

export type SlackBody = { ok: boolean; error?: string } & Record<string, unknown>;

export interface ApiResult {
  status: number;
  headers: Headers;
  body: SlackBody;
}

export const TEAM = 'T0ACME';

export const ACME: WorkspaceFixture = {
  teamId: TEAM,
  teamName: 'Acme Corp',
  channels: [
    { id: 'C001', name: 'general' },
    { id: 'C002', name: 'alerts' },
    { id: 'C003', name: 'ops' },
    { id: 'C004', name: 'old-stuff', is_archived: true },
    { id: 'C005', name: 'random', is_member: false },
    { id: 'G001', name: 'secret-ops', is_private: true },
    { id: 'G002', name: 'hr-private', is_private: true, is_member: false },
  ],
  users: [{ id: 'U001', name: 'alice' }, { id: 'U002', name: 'bob' }],
};

/** A peer with one workspace, closed when the test ends. */
export async function setup(t: TestContext, fixture: WorkspaceFixture = ACME): Promise<{ peer: SlackPeer; token: string }> {
  const peer = await startSlackPeer();
  t.after(() => peer.close());
  return { peer, token: peer.addWorkspace(fixture) };
}

export async function api(peer: SlackPeer, method: string, params: Record<string, string> = {}, token?: string): Promise<ApiResult> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(peer.url + method, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
  return { status: res.status, headers: res.headers, body: (await res.json()) as SlackBody };
}

export async function apiJson(peer: SlackPeer, method: string, body: object, token?: string): Promise<ApiResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(peer.url + method, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, headers: res.headers, body: (await res.json()) as SlackBody };
}
