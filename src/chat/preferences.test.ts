import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../common/runtime.js';
import { migrate, openSqlite } from '../storage/sqlite.js';
import { SqliteDocumentStore, documentMigrations } from '../storage/sqlite-documents.js';
import { ChannelPreferencesStore, DEFAULT_PREFERENCES, channelPreferences, preferencesRequest } from './preferences.js';

test('preferences requests: show, set, and anything else answers the usage', () => {
  assert.deepEqual(preferencesRequest('<@U0BOT> preferences'), { kind: 'show' });
  assert.deepEqual(preferencesRequest('@aws preferences notification-updates threads-only'), { kind: 'set', notificationUpdates: 'threads-only' });
  assert.deepEqual(preferencesRequest('@aws preferences notification-updates Threads-And-Channel'), { kind: 'set', notificationUpdates: 'threads-and-channel' });
  assert.equal(preferencesRequest('@aws preferences notification-updates sometimes')?.kind, 'error');
  assert.equal(preferencesRequest('@aws preferences x y z')?.kind, 'error');
  assert.equal(preferencesRequest('@aws sns list-topics'), undefined);
});

test('preferences are kept per channel, default until a member sets them', async () => {
  const db = openSqlite(':memory:', { synchronous: 'normal' });
  migrate(db, documentMigrations);
  const documents = new SqliteDocumentStore(db);
  const store = new ChannelPreferencesStore(documents, { now: () => new Date(0) } as Clock);
  assert.deepEqual(await channelPreferences(documents, 'T1', 'C1'), DEFAULT_PREFERENCES);
  assert.match(await store.answer({ kind: 'set', notificationUpdates: 'threads-only' }, 'T1', 'C1', 'U1'), /in threads only/);
  assert.equal((await channelPreferences(documents, 'T1', 'C1')).notificationUpdates, 'threads-only');
  assert.equal((await channelPreferences(documents, 'T1', 'C2')).notificationUpdates, 'threads-and-channel');
  assert.equal((await channelPreferences(documents, 'T2', 'C1')).notificationUpdates, 'threads-and-channel');
  assert.match(await store.answer({ kind: 'show' }, 'T1', 'C1', 'U2'), /set by <@U1>/);
});
