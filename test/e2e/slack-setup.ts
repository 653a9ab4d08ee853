// Connects a Slack workspace of the local Slack peer to a test server the way an administrator
// does: GetSlackOAuthParameters, Slack's approval (the peer issues the code), RedeemSlackOAuthCode.
import assert from 'node:assert/strict';
import type { TestServer } from './harness.js';
import { signedFetch } from './signed-fetch.js';
import type { SlackPeer } from '../slack-peer/peer.js';

export async function connectSlackWorkspace(srv: TestServer, peer: SlackPeer, teamId: string, client: { clientId: string; clientSecret: string }, region = 'us-east-2'): Promise<void> {
  const credentials = { accessKeyId: srv.admin.accessKeyId, secretAccessKey: srv.admin.secretAccessKey };
  const call = (path: string, body: unknown) => signedFetch({
    url: srv.url, method: 'POST', path, service: 'chatbot', region, credentials, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const params = await call('/get-slack-oauth-parameters', {});
  assert.equal(params.status, 200, params.text);
  const { AuthorizationUrl, State } = JSON.parse(params.text) as { AuthorizationUrl: string; State: string };
  const redirectUri = new URL(AuthorizationUrl).searchParams.get('redirect_uri') ?? undefined;
  const code = peer.issueOAuthCode(teamId, { ...client, redirectUri });
  const redeemed = await call('/redeem-slack-oauth-code', { Code: code, State });
  assert.equal(redeemed.status, 200, redeemed.text);
}
