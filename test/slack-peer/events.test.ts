// Tests of the Slack-to-app side of the peer: request signing against Slack's published example,
// and what a receiving app actually gets for events, retries, URL verification and
// interactivity (checked by a small receiver that verifies signatures itself).

import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import {
  appMention, blockAction, directMessage, sendEvent, sendInteraction, signSlackRequest, urlVerification,
} from './events.js';

const SECRET = 'test-signing-secret';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  signatureValid: boolean;
}

/** Verification written out separately from signSlackRequest, so a bug in one does not hide in both. */
function verify(headers: IncomingHttpHeaders, body: string): boolean {
  const signature = String(headers['x-slack-signature'] ?? '');
  const base = `v0:${String(headers['x-slack-request-timestamp'] ?? '')}:${body}`;
  const expected = Buffer.from(`v0=${createHmac('sha256', SECRET).update(base).digest('hex')}`);
  const actual = Buffer.from(signature);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A stand-in for chattrail's /slack/* endpoints: 401 on a bad signature, echoes url_verification challenges. */
async function startReceiver(t: TestContext): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verify(req.headers, body);
      received.push({ headers: req.headers, body, signatureValid });
      if (!signatureValid) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const parsed: unknown = req.headers['content-type'] === 'application/json' ? JSON.parse(body) : undefined;
      const challenge = typeof parsed === 'object' && parsed !== null && 'challenge' in parsed ? parsed.challenge : undefined;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(typeof challenge === 'string' ? challenge : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, received };
}

function only(received: Received[]): Received {
  assert.equal(received.length, 1);
  return received[0] as Received;
}

test('signSlackRequest matches the example in Slack\'s "Verifying requests from Slack" guide', () => {
  // The guide's secret, timestamp, slash-command body and signature; also checked with `openssl dgst -sha256 -hmac`.
  const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V'
    + '&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text='
    + '&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN'
    + '&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
  assert.deepEqual(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', body, 1531420618), {
    'X-Slack-Signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    'X-Slack-Request-Timestamp': '1531420618',
  });
});

test('signSlackRequest defaults the timestamp to now, in seconds', () => {
  const before = Math.floor(Date.now() / 1000);
  const ts = Number(signSlackRequest(SECRET, '{}')['X-Slack-Request-Timestamp']);
  assert.ok(ts >= before && ts <= before + 1, `timestamp ${ts} should be about ${before}`);
});

test('sendEvent delivers a signed event_callback envelope', async (t) => {
  const receiver = await startReceiver(t);
  const event = appMention({ teamId: 'T0ACME', channel: 'C001', user: 'U001', text: '<@U0BOT0001> list trails' });
  const delivery = await sendEvent(receiver.url, SECRET, event, { apiAppId: 'A0APP', botUserId: 'U0BOT0001' });
  assert.equal(delivery.status, 200);
  const got = only(receiver.received);
  assert.equal(got.signatureValid, true);
  assert.equal(got.headers['content-type'], 'application/json');
  assert.equal(got.headers['x-slack-retry-num'], undefined);
  const envelope = JSON.parse(got.body) as Record<string, unknown>;
  assert.equal(envelope.type, 'event_callback');
  assert.equal(envelope.team_id, 'T0ACME', 'team_id comes from the event');
  assert.equal(envelope.api_app_id, 'A0APP');
  assert.equal(envelope.event_id, delivery.eventId);
  assert.match(String(envelope.event_id), /^Ev\w+$/);
  assert.equal(typeof envelope.event_time, 'number');
  assert.equal(typeof envelope.token, 'string');
  assert.deepEqual(envelope.event, event);
  assert.deepEqual((envelope.authorizations as { user_id: string }[]).map((a) => a.user_id), ['U0BOT0001']);
});

test('sendEvent can redeliver an event as a Slack retry', async (t) => {
  const receiver = await startReceiver(t);
  const event = directMessage({ teamId: 'T0ACME', channel: 'D001', user: 'U001', text: 'hi' });
  const first = await sendEvent(receiver.url, SECRET, event);
  await sendEvent(receiver.url, SECRET, event, { eventId: first.eventId, retryNum: 1, retryReason: 'http_error' });
  const [a, b] = receiver.received.map((r) => ({ ...r, envelope: JSON.parse(r.body) as { event_id: string } }));
  assert.equal(b?.envelope.event_id, a?.envelope.event_id);
  assert.equal(b?.headers['x-slack-retry-num'], '1');
  assert.equal(b?.headers['x-slack-retry-reason'], 'http_error');
  const another = await sendEvent(receiver.url, SECRET, event);
  assert.notEqual(another.eventId, first.eventId, 'fresh sends get fresh event ids');
});

test('badSignature and old timestamps reach the app as Slack would never send them', async (t) => {
  const receiver = await startReceiver(t);
  const event = appMention({ teamId: 'T0ACME', channel: 'C001', user: 'U001', text: 'hi' });
  const bad = await sendEvent(receiver.url, SECRET, event, { badSignature: true });
  assert.deepEqual([bad.status, bad.body], [401, 'bad signature']);
  const old = await sendEvent(receiver.url, SECRET, event, { timestamp: 1_000_000_000 });
  assert.equal(old.status, 200, 'still correctly signed: rejecting stale timestamps is the app\'s job');
  assert.equal(receiver.received[1]?.headers['x-slack-request-timestamp'], '1000000000');
});

test('urlVerification sends the challenge the app must echo', async (t) => {
  const receiver = await startReceiver(t);
  const res = await urlVerification(receiver.url, SECRET, 'c-123');
  assert.deepEqual([res.status, res.body], [200, 'c-123']);
  assert.equal((JSON.parse(only(receiver.received).body) as { type: string }).type, 'url_verification');
});

test('sendInteraction posts payload=<JSON> form-encoded and signs the exact body', async (t) => {
  const receiver = await startReceiver(t);
  const payload = blockAction({ teamId: 'T0ACME', user: 'U001', channel: 'C001', actionId: 'confirm', value: 'yes & more' });
  const res = await sendInteraction(receiver.url, SECRET, payload);
  assert.equal(res.status, 200);
  const got = only(receiver.received);
  assert.equal(got.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(got.signatureValid, true);
  assert.match(got.body, /^payload=/);
  assert.deepEqual(JSON.parse(new URLSearchParams(got.body).get('payload') ?? ''), payload);
});

test('event builders carry the fields Slack sends', () => {
  const mention = appMention({ teamId: 'T1', channel: 'C1', user: 'U1', text: 'x', ts: '1.000001' });
  assert.deepEqual(mention, { type: 'app_mention', user: 'U1', text: 'x', ts: '1.000001', channel: 'C1', event_ts: '1.000001', team: 'T1' });
  const threaded = appMention({ teamId: 'T1', channel: 'C1', user: 'U1', text: 'x', thread_ts: '1.000000' });
  assert.equal(threaded.thread_ts, '1.000000');
  assert.match(String(threaded.ts), /^\d{10}\.\d{6}$/);
  const dm = directMessage({ teamId: 'T1', channel: 'D1', user: 'U1', text: 'x' });
  assert.deepEqual([dm.type, dm.channel_type], ['message', 'im']);
  const action = blockAction({ teamId: 'T1', user: 'U1', channel: 'C1', actionId: 'go' }) as { type: string; actions: { action_id: string }[] };
  assert.deepEqual([action.type, action.actions.map((a) => a.action_id)], ['block_actions', ['go']]);
});
