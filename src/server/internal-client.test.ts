// The internal client against a real chattrail (temporary SQLite folder): a refused call is
// recorded with its errorCode, a call invoked by AWS Chatbot is recorded as the service made it,
// a call made on behalf of a signed-in user is refused where that user is, and an unknown service
// is a bug, not a result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../common/config.js';
import { CredentialResolver } from '../auth/credentials.js';
import type { Principal } from '../common/principal.js';
import { servicePrincipal, servicePrincipals } from '../common/service-principals.js';
import { parsePolicyDocument } from '../policy/document.js';
import { startChattrail, type Chattrail } from './app.js';
import { PipelineClient } from './internal-client.js';
import type { InternalClient } from '../core/internal-client.js';
import { type CallOptions } from '../core/internal-client.js';
import { createLogger, randomIds } from '../common/runtime.js';

let dataDir: string;
let app: Chattrail;
let client: InternalClient;
let admin: Principal;
let nobody: Principal;
const direct: CallOptions = { via: { direct: { sourceIp: '198.51.100.7', userAgent: 'internal-client-test' } } };

/** The CloudTrail records appended since `seq`, parsed. */
async function recordsAfter(seq: number): Promise<Record<string, unknown>[]> {
  return (await app.stores.events.readAfter(seq, 100)).map((e) => JSON.parse(e.record) as Record<string, unknown>);
}

async function must(p: Principal, service: string, op: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await client.callAs(p, service, op, input, direct);
  if (!r.ok) assert.fail(`${service} ${op}: ${r.error.code} ${r.error.message}`);
  return r.output;
}

before(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-internal-client-'));
  const config = loadConfig([], { CHATTRAIL_PORT: '0', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' });
  app = await startChattrail(config, { logger: createLogger('error') });
  client = new PipelineClient({ pipeline: () => app.pipeline, registry: app.registry, ids: randomIds, homeRegion: config.region });
  const credentials = new CredentialResolver(app.identity);
  admin = (await credentials.resolve(app.firstAdmin!.accessKeyId))!.principal;
  await must(admin, 'iam', 'CreateUser', { UserName: 'nobody' });
  const key = (await must(admin, 'iam', 'CreateAccessKey', { UserName: 'nobody' })).AccessKey as { AccessKeyId: string };
  nobody = (await credentials.resolve(key.AccessKeyId))!.principal;
});

after(async () => {
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a refused call is an error result, recorded with its errorCode like an HTTP call', async () => {
  const seq = await app.stores.events.lastSeq();
  const r = await client.callAs(nobody, 'iam', 'ListUsers', {}, direct);
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.code, 'AccessDenied');
  assert.match(!r.ok ? r.error.message : '', /user\/nobody is not authorized to perform: iam:ListUsers/);
  const [rec, ...rest] = await recordsAfter(seq);
  assert.equal(rest.length, 0);
  assert.equal(rec.eventName, 'ListUsers');
  assert.equal(rec.errorCode, 'AccessDenied');
  assert.equal(rec.sourceIPAddress, '198.51.100.7');
  assert.equal(rec.userAgent, 'internal-client-test');
  assert.equal((rec.userIdentity as { arn: string }).arn, nobody.arn);
  assert.equal(rec.sessionCredentialFromConsole, undefined);
});

test('input is validated by the model before anything runs, and the failure is recorded', async () => {
  const seq = await app.stores.events.lastSeq();
  const r = await client.callAs(admin, 'iam', 'GetUser', { UserName: 'x'.repeat(200) }, direct);
  assert.equal(!r.ok && r.error.code, 'ValidationError');
  const [rec] = await recordsAfter(seq);
  assert.equal(rec.errorCode, 'ValidationError');
});

test('via the console: the browser\'s address, and the record says the console made it', async () => {
  const seq = await app.stores.events.lastSeq();
  const r = await client.callAs(admin, 'sts', 'GetCallerIdentity', {}, { via: { console: { sourceIp: '203.0.113.9', userAgent: 'Mozilla/5.0' } } });
  assert.equal(r.ok && r.output.Arn, admin.arn);
  const [rec] = await recordsAfter(seq);
  assert.equal(rec.sourceIPAddress, '203.0.113.9');
  assert.equal(rec.userAgent, 'Mozilla/5.0');
  assert.equal(rec.sessionCredentialFromConsole, 'true');
});

test('invoked by AWS Chatbot: the service is the caller\'s identity, address and agent, and aws:SourceIp is absent', async () => {
  const account = admin.accountId;
  const configArn = `arn:aws:chatbot::${account}:chat-configuration/slack-channel/ops`;
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: servicePrincipals.chatbot }, Action: 'sts:AssumeRole' }] };
  // A role that may do anything, but only from one address: a call AWS Chatbot makes carries none.
  await must(admin, 'iam', 'CreateRole', { RoleName: 'chat-role', AssumeRolePolicyDocument: JSON.stringify(trust) });
  await must(admin, 'iam', 'PutRolePolicy', {
    RoleName: 'chat-role', PolicyName: 'from-office', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '198.51.100.0/24' } } }],
    }),
  });
  const seq = await app.stores.events.lastSeq();
  const via = { invokedBy: servicePrincipals.chatbot };
  const assumed = await client.callAs(servicePrincipal(servicePrincipals.chatbot, account, configArn), 'sts', 'AssumeRole',
    { RoleArn: `arn:aws:iam::${account}:role/chat-role`, RoleSessionName: 'chatbot-session' }, { via });
  assert.ok(assumed.ok, assumed.ok ? '' : assumed.error.message);
  const [rec] = await recordsAfter(seq);
  assert.deepEqual(rec.userIdentity, { type: 'AWSService', invokedBy: 'chatbot.amazonaws.com' });
  assert.equal(rec.sourceIPAddress, 'chatbot.amazonaws.com');
  assert.equal(rec.userAgent, 'chatbot.amazonaws.com');

  const keyId = (assumed.output.Credentials as { AccessKeyId: string }).AccessKeyId;
  const session = (await new CredentialResolver(app.identity).resolve(keyId))!.principal;
  const before = await app.stores.events.lastSeq();
  // The same session from an address outside the condition's range is refused...
  const direct2 = await client.callAs(session, 'iam', 'ListRoles', {}, { via: { direct: { sourceIp: '192.0.2.1', userAgent: 'x' } } });
  assert.equal(!direct2.ok && direct2.error.code, 'AccessDenied');
  // ...and through Chatbot there is no aws:SourceIp to match, so it is refused too (as in AWS).
  const viaChatbot = await client.callAs(session, 'iam', 'ListRoles', {}, { via });
  assert.equal(!viaChatbot.ok && viaChatbot.error.code, 'AccessDenied');
  const recs = await recordsAfter(before);
  assert.deepEqual(recs.map((r) => r.sourceIPAddress), ['192.0.2.1', 'chatbot.amazonaws.com']);
  assert.equal(recs[1].userAgent, 'chatbot.amazonaws.com');
  assert.equal((recs[1].userIdentity as { type: string }).type, 'AssumedRole');
});

test('on behalf of a user: every action must be allowed for them too, where they are', async () => {
  const user = { principal: nobody, sourceIp: '198.51.100.7', userAgent: 'Mozilla/5.0' };
  const seq = await app.stores.events.lastSeq();
  const refused = await client.callAs(admin, 'iam', 'ListUsers', {}, { ...direct, onBehalfOf: user });
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.error.code, 'AccessDenied');
  // The refusal names the user, not the caller whose credentials allow it.
  assert.match(!refused.ok ? refused.error.message : '', new RegExp(`User: ${nobody.arn} is not authorized`));
  const [rec] = await recordsAfter(seq);
  assert.equal(rec.errorCode, 'AccessDenied');
  assert.equal((rec.userIdentity as { arn: string }).arn, admin.arn);
  const allowed = await client.callAs(admin, 'iam', 'ListUsers', {}, { ...direct, onBehalfOf: { ...user, principal: admin } });
  assert.equal(allowed.ok, true);
});

test('guardrails bound the caller\'s own permissions', async () => {
  const readOnly = [parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:List*', Resource: '*' }] }), 'identity')];
  const listed = await client.callAs(admin, 'iam', 'ListUsers', {}, { ...direct, guardrails: readOnly });
  assert.equal(listed.ok, true);
  const created = await client.callAs(admin, 'iam', 'CreateUser', { UserName: 'blocked' }, { ...direct, guardrails: readOnly });
  assert.equal(!created.ok && created.error.code, 'AccessDenied');
});

test('an unknown service is a bug in the caller: it throws instead of answering', async () => {
  assert.equal(client.serves('sts'), true);
  assert.equal(client.serves('nosuch'), false);
  await assert.rejects(client.callAs(admin, 'nosuch', 'Anything', {}, direct), /no service named nosuch/);
});
