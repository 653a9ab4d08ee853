// End-to-end: the real server on PostgreSQL (CHATTRAIL_DATABASE_URL with a fresh schema), driven by
// the AWS CLI; then restarted on the same database: the IAM user and the recorded events survive,
// and nothing went to the embedded SQLite file. Skips when CHATTRAIL_TEST_POSTGRES_URL is unset.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, cliErrorCode, type TestServer } from './harness.js';
import { SKIP, createTestSchema, type TestSchema } from '../support/postgres.js';

let ts: TestSchema | undefined;
let srv: TestServer | undefined;
let env: Record<string, string>;

interface LookupEvent { EventId: string; EventName: string; Username?: string; Resources?: { ResourceName: string }[]; CloudTrailEvent: string }

async function lookupByName(s: TestServer, name: string): Promise<LookupEvent[]> {
  const r = await s.aws(['cloudtrail', 'lookup-events', '--lookup-attributes', `AttributeKey=EventName,AttributeValue=${name}`]);
  assert.equal(r.code, 0, r.stderr);
  return r.json.Events as LookupEvent[];
}

before(async () => {
  if (SKIP) return;
  ts = await createTestSchema();
  const url = new URL(ts.url);
  url.searchParams.set('schema', ts.schema);
  env = { CHATTRAIL_DATABASE_URL: url.toString() };
  srv = await startTestServer(env);
});

after(async () => {
  await srv?.stop();
  await ts?.drop();
});

test('on PostgreSQL: API calls work and are recorded; after a restart on the same database the user and events remain', { skip: SKIP }, async () => {
  const first = srv!;
  const who = await first.aws(['sts', 'get-caller-identity']);
  assert.equal(who.code, 0, who.stderr);
  assert.equal(who.json.Account, first.admin.accountId);

  const created = await first.aws(['iam', 'create-user', '--user-name', 'pg-alice']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.json.User.UserName, 'pg-alice');
  const again = await first.aws(['iam', 'create-user', '--user-name', 'pg-alice']);
  assert.equal(cliErrorCode(again), 'EntityAlreadyExists', 'the conflict comes from the PostgreSQL document store');

  const creates = await lookupByName(first, 'CreateUser');
  const ok = creates.find((e) => (JSON.parse(e.CloudTrailEvent) as { errorCode?: string }).errorCode === undefined);
  assert.ok(ok, 'the successful CreateUser is in Event history');
  assert.equal((JSON.parse(ok.CloudTrailEvent) as { requestParameters: { userName: string } }).requestParameters.userName, 'pg-alice');
  assert.equal(creates.length, 2, 'the failed CreateUser is recorded too');

  // The data folder keeps keys and credentials only: documents and events went to PostgreSQL.
  assert.equal(fs.existsSync(path.join(first.dataDir, 'chattrail.db')), false);
  const stored = await ts!.admin.query<{ n: string }>("SELECT count(*) AS n FROM events WHERE event_name = 'CreateUser'");
  assert.equal(Number(stored.rows[0].n), 2);

  // Restart: same data folder (master key) and same database; no first start this time.
  await first.app.close();
  srv = await startTestServer(env, {}, { dataDir: first.dataDir, admin: first.admin });
  const second = srv;
  assert.equal(second.app.firstAdmin, undefined, 'the restarted server found its account in PostgreSQL');
  const user = await second.aws(['iam', 'get-user', '--user-name', 'pg-alice']);
  assert.equal(user.code, 0, user.stderr);
  assert.equal(user.json.User.UserId, created.json.User.UserId);
  const kept = await lookupByName(second, 'CreateUser');
  assert.deepEqual(kept.map((e) => e.EventId).sort(), creates.map((e) => e.EventId).sort());
  const gets = await lookupByName(second, 'GetCallerIdentity');
  assert.equal(gets.length, 1, 'the call made before the restart is still there');
  assert.equal(fs.existsSync(path.join(first.dataDir, 'chattrail.db')), false);
});
