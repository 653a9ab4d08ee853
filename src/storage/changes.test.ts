// The change bus and the wire form of a change: delivery by kind, unsubscribe, a throwing listener
// isolated from the others, and messages that survive JSON (and refuse what is not one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeBus, MAX_MESSAGE_BYTES, decodeChangeMessage, encodeChangeMessage, type Change } from './changes.js';

const change = (kind: string, id = 'a'): Change => ({ kind, accountId: '111111111111', region: 'global', id });

test('listeners hear only the kinds they subscribed to, until they unsubscribe', () => {
  const bus = new ChangeBus();
  const heard: string[] = [];
  const stop = bus.onChange(['iam-user', 'iam-role'], (c) => heard.push(`${c.kind}:${'all' in c ? '*' : c.id}`));
  bus.publish(change('iam-user', 'ann'));
  bus.publish(change('access-key', 'AKIA1'));
  bus.publish(change('iam-role', 'ops'));
  stop();
  bus.publish(change('iam-user', 'bob'));
  assert.deepEqual(heard, ['iam-user:ann', 'iam-role:ops']);
});

test('a listener that throws is reported and the others still hear the change', () => {
  const errors: string[] = [];
  const bus = new ChangeBus((e, c) => errors.push(`${c.kind}: ${(e as Error).message}`));
  const heard: string[] = [];
  bus.onChange('k', () => { throw new Error('boom'); });
  bus.onChange('k', (c) => heard.push(c.kind));
  assert.doesNotThrow(() => bus.publish(change('k')));
  assert.deepEqual(heard, ['k']);
  assert.deepEqual(errors, ['k: boom']);
});

test('publishAll tells every subscribed kind that anything may have changed', () => {
  const bus = new ChangeBus();
  const heard: Change[] = [];
  bus.onChange(['a', 'b'], (c) => heard.push(c));
  bus.onChange('c', (c) => heard.push(c));
  bus.publishAll();
  assert.deepEqual(heard.sort((x, y) => x.kind.localeCompare(y.kind)), [{ kind: 'a', all: true }, { kind: 'b', all: true }, { kind: 'c', all: true }]);
});

test('a change message round-trips through its text form with its origin', () => {
  const text = encodeChangeMessage('node-1', change('access-key', 'AKIAEXAMPLE'));
  assert.deepEqual(decodeChangeMessage(text), { origin: 'node-1', change: change('access-key', 'AKIAEXAMPLE') });
  assert.deepEqual(decodeChangeMessage(encodeChangeMessage('n', { kind: 'x', all: true })), { origin: 'n', change: { kind: 'x', all: true } });
});

test('a key too long for a NOTIFY payload travels as "anything of the kind"', () => {
  const text = encodeChangeMessage('node-1', change('s3-object', 'k'.repeat(MAX_MESSAGE_BYTES)));
  assert.ok(Buffer.byteLength(text) < MAX_MESSAGE_BYTES);
  assert.deepEqual(decodeChangeMessage(text), { origin: 'node-1', change: { kind: 's3-object', all: true } });
});

test('anything that is not a change message decodes to undefined', () => {
  for (const text of ['', 'not json', '[]', 'null', '{"origin":1,"change":{"kind":"k","all":true}}', '{"origin":"o"}',
    '{"origin":"o","change":{"kind":"k"}}', '{"origin":"o","change":{"kind":"k","accountId":"a","region":"r"}}', '{"origin":"o","change":{"all":true}}']) {
    assert.equal(decodeChangeMessage(text), undefined, text);
  }
});
