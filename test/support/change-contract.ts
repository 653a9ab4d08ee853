// For the document stores' tests: the change-publication contract every DocumentStore backend
// keeps (what publishes, what does not, and that a listener already sees the committed state).
import assert from 'node:assert/strict';
import type { DocumentKey, DocumentStore } from '../../src/storage/documents.js';
import type { Change } from '../../src/storage/changes.js';

type Step = [label: string, run: () => Promise<unknown>, expected: number];

/** Runs each write of the contract on fresh keys of `kind` and checks what was published. */
export async function checkChangeContract(store: DocumentStore, kind: string): Promise<void> {
  const heard: Change[] = [];
  const stop = store.changes.onChange(kind, (c) => heard.push(c));
  const k = (id: string): DocumentKey => ({ kind, accountId: '111111111111', region: 'global', id });
  const steps: Step[] = [
    ['create inserts', () => store.create(k('a'), { n: 1 }), 1],
    ['create on a taken id', () => store.create(k('a'), { n: 2 }), 0],
    ['put', () => store.put(k('a'), { n: 3 }), 1],
    ['update that writes', () => store.update<{ n: number }>(k('a'), (c) => c && { n: c.n + 1 }), 1],
    ['update that creates', () => store.update(k('b'), () => ({ n: 1 })), 1],
    ['update that deletes', () => store.update(k('b'), () => undefined), 1],
    ['update of nothing to nothing', () => store.update(k('none'), () => undefined), 0],
    ['delete of a missing id', () => store.delete(k('none')), 0],
    ['delete', () => store.delete(k('a')), 1],
    ['a write of another kind', () => store.put({ ...k('a'), kind: `${kind}-other` }, {}), 0],
  ];
  try {
    for (const [label, run, expected] of steps) {
      heard.length = 0;
      await run();
      assert.equal(heard.length, expected, label);
      if (expected) assert.deepEqual(heard[0], k(label === 'update that creates' || label === 'update that deletes' ? 'b' : 'a'), label);
    }
    heard.length = 0;
    await store.put(k('kept'), { n: 1 });
    await assert.rejects(store.update(k('kept'), () => { throw new Error('refused'); }), /refused/);
    assert.deepEqual(heard, [k('kept')], 'an update whose function throws rolls back and publishes nothing');
    assert.deepEqual(await store.get(k('kept')), { n: 1 });
  } finally {
    stop();
  }
}

/**
 * A listener reads the key it hears about: it must see the write (the change is published after
 * the commit), and the write's promise must not resolve before the listener ran.
 */
export async function checkPublishedAfterCommit(store: DocumentStore, kind: string): Promise<void> {
  const k: DocumentKey = { kind, accountId: '111111111111', region: 'global', id: 'seen' };
  const reads: Promise<unknown>[] = [];
  const stop = store.changes.onChange(kind, () => { reads.push(store.get(k)); });
  try {
    await store.put(k, { v: 1 });
    assert.equal(reads.length, 1, 'heard before put resolved');
    await store.update<{ v: number }>(k, (c) => c && { v: c.v + 1 });
    assert.equal(reads.length, 2, 'heard before update resolved');
    await store.update(k, () => undefined);
    assert.equal(reads.length, 3, 'heard before the deleting update resolved');
    assert.deepEqual(await Promise.all(reads), [{ v: 1 }, { v: 2 }, undefined]);
  } finally {
    stop();
  }
}
