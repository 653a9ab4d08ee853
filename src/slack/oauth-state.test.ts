// OAuth states: signed, bound to their caller, single-use, short-lived, and claimable once at a time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OAuthStateError, OAuthStates, STATE_TTL_MS } from './oauth-state.js';
import { openEmbeddedStores, type Stores } from '../storage/stores.js';
import { SecretBox } from '../storage/secrets.js';
import { randomIds } from '../common/runtime.js';
import type { Principal } from '../common/principal.js';

const principal: Principal = { type: 'IAMUser', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/alice', userName: 'alice', userId: 'AIDAEXAMPLE', accessKeyId: 'AKIAEXAMPLE' };
let dir: string;
let stores: Stores;
let now = new Date('2025-01-01T00:00:00Z');
let states: OAuthStates;

async function problem(p: Promise<unknown>): Promise<string> {
  try { await p; } catch (e) { assert.ok(e instanceof OAuthStateError); return e.problem; }
  return 'none';
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oauth-state-'));
  stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  states = new OAuthStates(stores.documents, new SecretBox(crypto.randomBytes(32)), { now: () => now }, randomIds);
});
after(async () => {
  await stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('OAuthStates', () => {
  const issue = () => states.issue({ accountId: '123456789012', principal, region: 'us-east-2', redirectUri: 'http://h/cb' });

  it('issues a state bound to its caller, claimable once, then spent', async () => {
    const { state, expiresAt } = await issue();
    assert.match(state, /^[A-Z2-7]{26}\.[\w-]{32}$/);
    assert.equal(expiresAt.getTime(), now.getTime() + STATE_TTL_MS);
    const rec = await states.peek(state);
    assert.equal(rec.principal.arn, principal.arn);
    assert.equal(rec.region, 'us-east-2');
    await states.claim(state);
    assert.equal(await problem(states.claim(state)), 'in-use');
    await states.release(rec.nonce);
    await states.claim(state);
    await states.consume(rec.nonce);
    assert.equal(await problem(states.peek(state)), 'unknown');
  });

  it('rejects tampered and malformed states', async () => {
    const { state } = await issue();
    const [nonce, sig] = state.split('.');
    const flipped = `${nonce}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    assert.equal(await problem(states.peek(flipped)), 'unknown');
    assert.equal(await problem(states.peek('not-a-state')), 'malformed');
  });

  it('expires after its time to live', async () => {
    const { state } = await issue();
    now = new Date(now.getTime() + STATE_TTL_MS + 1000);
    assert.equal(await problem(states.claim(state)), 'expired');
  });

  it('keeps its signing key across restarts (a state survives a new OAuthStates)', async () => {
    const box = new SecretBox(crypto.randomBytes(32));
    const a = new OAuthStates(stores.documents, box, { now: () => now }, randomIds);
    // A fresh key document for this box: drop the one the other tests created under another key.
    await stores.documents.delete({ kind: 'slack-oauth-key', accountId: '*', region: 'global', id: 'state-hmac' });
    const { state } = await a.issue({ accountId: '123456789012', principal, region: 'us-east-1', redirectUri: 'http://h/cb' });
    const b = new OAuthStates(stores.documents, box, { now: () => now }, randomIds);
    assert.equal((await b.peek(state)).region, 'us-east-1');
  });
});
