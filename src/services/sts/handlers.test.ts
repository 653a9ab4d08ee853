// STS handlers against a real IdentityStore: role chaining's one-hour cap, GetSessionToken
// sessions (same user, marked as a session, refused for another token or a federation token),
// and managed session policies (PolicyArns) carried into the session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { iamTestbed, rejectsWith, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';
import type { AssumedRolePrincipal, Principal } from '../../common/principal.js';
import { stsHandlers } from './handlers.js';
import type { Handler } from '../../core/service.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let tb: IamTestbed;
let sts: Record<string, Handler>;
let roleArn = '';
before(async () => {
  tb = await iamTestbed();
  sts = stsHandlers({ identity: tb.deps.identity });
  const out = (await tb.call('CreateRole', { RoleName: 'long', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId), MaxSessionDuration: 43200 })) as { Role: { Arn: string } };
  roleArn = out.Role.Arn;
});
after(async () => { await tb.close(); });

type Creds = { Credentials: { AccessKeyId: string } };
const run = async (op: string, input: object, p: Principal = tb.admin) => (await sts[op](input, tb.ctx(p))) as Creds & Record<string, unknown>;
const sessionOf = async (accessKeyId: string) => (await tb.deps.identity.getSession(accessKeyId))!.principal;

test('role chaining: a role session may assume a role for one hour at most, even if the role allows more', async () => {
  const first = await run('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'first', DurationSeconds: 7200 });
  const session = await sessionOf(first.Credentials.AccessKeyId);
  assert.equal(session.type, 'AssumedRole');
  await rejectsWith(run('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'second', DurationSeconds: 3601 }, session), 'ValidationError',
    'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  const chained = await run('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'second', DurationSeconds: 3600 }, session);
  assert.match(chained.Credentials.AccessKeyId, /^ASIA/);
});

test('GetSessionToken: the session is the same user, marked with its creation time', async () => {
  const out = await run('GetSessionToken', { DurationSeconds: 900 });
  const p = await sessionOf(out.Credentials.AccessKeyId);
  assert.equal(p.type, 'IAMUser');
  assert.ok(p.type === 'IAMUser' && p.sessionCreatedAt instanceof Date);
  assert.equal(p.arn, tb.admin.arn);
  assert.equal(p.accessKeyId, out.Credentials.AccessKeyId);
  await rejectsWith(run('GetSessionToken', {}, p), 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
  await rejectsWith(run('GetFederationToken', { Name: 'fed', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}' }, p),
    'AccessDenied', 'Cannot call GetFederationToken with session credentials');
});

test('PolicyArns become managed session policies; GetFederationToken with only PolicyArns is not deny-all', async () => {
  const assumed = await run('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'narrow', PolicyArns: [{ arn: READ_ONLY }] });
  const p = (await sessionOf(assumed.Credentials.AccessKeyId)) as AssumedRolePrincipal;
  assert.deepEqual(p.sessionPolicyArns, [READ_ONLY]);
  assert.equal(p.sessionPolicy, undefined);
  assert.ok(typeof assumed.PackedPolicySize === 'number');
  const fed = await run('GetFederationToken', { Name: 'reader', PolicyArns: [{ arn: READ_ONLY }] });
  const f = await sessionOf(fed.Credentials.AccessKeyId);
  assert.ok(f.type === 'FederatedUser');
  assert.equal(f.sessionPolicy, undefined);
  assert.deepEqual(f.sessionPolicyArns, [READ_ONLY]);
  assert.equal((await tb.deps.authorizer.authorize(f, 'iam:ListUsers', '*', {})).allowed, true);
  assert.equal((await tb.deps.authorizer.authorize(f, 'iam:CreateUser', '*', {})).deniedBy, 'sessionPolicy');
  await rejectsWith(run('AssumeRole', { RoleArn: roleArn, RoleSessionName: 'bad', PolicyArns: [{ arn: 'arn:aws:s3:::bucket/key' }] }), 'ValidationError');
});
