// Console sessions: ids that work once issued, idle and absolute expiry, credential expiry, sign-out,
// and the cookie the browser gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore, SESSION_IDLE_MS, SESSION_MAX_MS, cookieValue, sessionCookie, tokensEqual } from './sessions.js';

function clockAt(start: number) {
  const c = { t: start, now: () => new Date(c.t) };
  return c;
}

test('a session is found by its id, not by anything else, and carries a CSRF token', () => {
  const store = new SessionStore(clockAt(0));
  const { id, session } = store.create('AKIAEXAMPLE', '123456789012');
  assert.equal(store.get(id), session);
  assert.match(session.csrfToken, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(session.csrfToken, id);
  assert.equal(store.get(session.csrfToken), undefined);
  assert.equal(store.get(undefined), undefined);
  assert.equal(store.get(`${id}x`), undefined);
});

test('sessions end after two idle hours, but use keeps them alive up to twelve hours', () => {
  const clock = clockAt(0);
  const store = new SessionStore(clock);
  const idle = store.create('AKIAIDLE', '1').id;
  const busy = store.create('AKIABUSY', '1').id;
  for (clock.t = 0; clock.t < SESSION_MAX_MS - 60_000; clock.t += SESSION_IDLE_MS - 60_000) assert.ok(store.get(busy), `alive at ${clock.t}`);
  assert.equal(store.get(idle), undefined, 'idle session ended');
  clock.t = SESSION_MAX_MS;
  assert.equal(store.get(busy), undefined, 'absolute limit reached');
});

test('a session never outlives temporary credentials', () => {
  const clock = clockAt(1_000_000);
  const store = new SessionStore(clock);
  const { id, session } = store.create('ASIATEMP', '1', new Date(1_000_000 + 900_000));
  assert.equal(session.expiresAt, 1_900_000);
  clock.t = 1_899_999;
  assert.ok(store.get(id));
  clock.t = 1_900_000;
  assert.equal(store.get(id), undefined);
});

test('delete ends a session', () => {
  const store = new SessionStore(clockAt(0));
  const { id } = store.create('AKIA1', '1');
  store.delete(id);
  assert.equal(store.get(id), undefined);
  assert.equal(store.size, 0);
});

test('the cookie is HttpOnly, SameSite=Strict, scoped to /console, Secure behind https', () => {
  assert.equal(sessionCookie('abc', false, 60), 'chattrail_session=abc; HttpOnly; SameSite=Strict; Path=/console; Max-Age=60');
  assert.match(sessionCookie('abc', true, 60), /; Secure;/);
  assert.equal(cookieValue('a=1; chattrail_session=xyz; b=2', 'chattrail_session'), 'xyz');
  assert.equal(cookieValue('chattrail_session_old=1', 'chattrail_session'), undefined);
  assert.equal(cookieValue(undefined, 'chattrail_session'), undefined);
});

test('tokens compare in constant time and only when equal', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abc', 'abd'), false);
  assert.equal(tokensEqual('abc', 'abcd'), false);
  assert.equal(tokensEqual('', 'a'), false);
});
