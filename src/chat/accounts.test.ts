import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelConfig } from '../core/chat-directory.js';
import type { Clock } from '../common/runtime.js';
import { migrate, openSqlite } from '../storage/sqlite.js';
import { SqliteDocumentStore, documentMigrations } from '../storage/sqlite-documents.js';
import { DefaultAccounts, defaultAccountRequest } from './accounts.js';

const config = (accountId: string, name: string): ChannelConfig => ({
  accountId, configurationArn: `arn:aws:chatbot::${accountId}:chat-configuration/slack-channel/${name}`, configurationName: name,
  teamId: 'T1', channelId: 'C1', iamRoleArn: `arn:aws:iam::${accountId}:role/r`, guardrailPolicyArns: [], userAuthorizationRequired: false, loggingLevel: 'NONE',
});
const A = config('111111111111', 'a');
const B = config('222222222222', 'b');

function accounts(): DefaultAccounts {
  const db = openSqlite(':memory:', { synchronous: 'normal' });
  migrate(db, documentMigrations);
  return new DefaultAccounts(new SqliteDocumentStore(db), { now: () => new Date(0) } as Clock);
}

test('set default-account is read with or without an id; anything else is not it', () => {
  assert.deepEqual(defaultAccountRequest('<@U0BOT> set default-account'), {});
  assert.deepEqual(defaultAccountRequest('@aws set default-account 222222222222'), { accountId: '222222222222' });
  assert.ok('error' in (defaultAccountRequest('@aws set default-account 12') ?? {}));
  assert.ok('error' in (defaultAccountRequest('@aws set default-account 222222222222 extra') ?? {}));
  assert.equal(defaultAccountRequest('@aws sts get-caller-identity'), undefined);
  assert.equal(defaultAccountRequest('@aws set alarm-state'), undefined);
});

test('the oldest configuration is the default; a member\'s choice is theirs alone, per channel', async () => {
  const a = accounts();
  assert.equal(await a.pick([A, B], 'T1', 'C1', 'U1'), A);
  assert.match(await a.answer({ accountId: B.accountId }, [A, B], 'T1', 'C1', 'U1'), /now run in account 222222222222 \(configuration b\)/);
  assert.equal(await a.pick([A, B], 'T1', 'C1', 'U1'), B);
  assert.equal(await a.pick([A, B], 'T1', 'C1', 'U2'), A, 'another member keeps the default');
  assert.equal(await a.pick([A, B], 'T1', 'C2', 'U1'), A, 'another channel keeps the default');
  // The chosen account's configuration is gone: back to the default.
  assert.equal(await a.pick([A], 'T1', 'C1', 'U1'), A);
});

test('listing marks the member\'s default; an account the channel does not reach is refused', async () => {
  const a = accounts();
  const list = await a.answer({}, [A, B], 'T1', 'C1', 'U1');
  assert.match(list, /111111111111 \(configuration a\) ← your default/);
  assert.match(list, /222222222222 \(configuration b\)\n/);
  assert.match(await a.answer({ accountId: '333333333333' }, [A, B], 'T1', 'C1', 'U1'), /Account 333333333333 has no configuration for this channel/);
  assert.equal(await a.pick([A, B], 'T1', 'C1', 'U1'), A);
});
