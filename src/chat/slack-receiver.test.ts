import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { SlackReceiver } from './slack-receiver.js';
import type { Conversation } from './conversation.js';
import type { RawRequest } from '../protocol/http.js';
import { createLogger } from '../common/runtime.js';

const SECRET = 'slack-signing-secret';
const NOW = new Date('2025-03-01T12:00:00Z');
const nowSec = Math.floor(NOW.getTime() / 1000);

function signed(timestamp: number, body = JSON.stringify({ type: 'url_verification', challenge: 'c-1' })): RawRequest {
  const signature = `v0=${crypto.createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    method: 'POST', rawPath: '/slack/events', query: new URLSearchParams(), body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) },
  };
}

const receiver = new SlackReceiver({
  signingSecret: SECRET, conversation: {} as Conversation, clock: { now: () => NOW }, logger: createLogger('error', () => undefined),
});

test('a correctly signed request within five minutes either way is answered', async () => {
  for (const skew of [0, -299, 299, 300]) {
    const res = await receiver.events(signed(nowSec + skew));
    assert.equal(res.status, 200, `skew ${skew}`);
    assert.deepEqual(JSON.parse(String(res.body)), { challenge: 'c-1' });
  }
});

test('a correctly signed request stamped over five minutes in the past or the future is refused', async () => {
  for (const skew of [-301, -3600, 301, 3600, 86_400 * 365]) {
    const res = await receiver.events(signed(nowSec + skew));
    assert.equal(res.status, 401, `skew ${skew}`);
  }
  assert.equal((await receiver.interactivity(signed(nowSec + 600, 'payload=%7B%7D'))).status, 401);
});
