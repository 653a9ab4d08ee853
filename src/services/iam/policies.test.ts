// Managed policies: customer policies and their versions (limits, defaults, deletion rules),
// AWS managed policies (readable, never changeable), and ListPolicies' scopes and filters.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_S3_LIST, iamTestbed, rejectsWith, userPrincipal, type IamTestbed } from '../../../test/support/iam.js';

const DENY_NOTHING = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sqs:ListQueues', Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

let tb: IamTestbed;
before(async () => { tb = await iamTestbed(); });
after(async () => { await tb.close(); });

type PolicyOut = { Policy: Record<string, unknown> & { Arn: string; PolicyId: string; AttachmentCount: number; DefaultVersionId: string } };
type VersionOut = { PolicyVersion: { Document?: string; VersionId: string; IsDefaultVersion: boolean; CreateDate: Date } };

test('CreatePolicy returns the Policy shape; GetPolicy adds the description', async () => {
  const ctx = tb.ctx();
  const out = (await tb.handlers.CreatePolicy({ PolicyName: 'S3List', Path: '/team/', PolicyDocument: ALLOW_S3_LIST, Description: 'lists', Tags: [{ Key: 'a', Value: 'b' }] }, ctx)) as PolicyOut;
  assert.equal(out.Policy.Arn, `arn:aws:iam::${tb.accountId}:policy/team/S3List`);
  assert.match(out.Policy.PolicyId, /^ANPA[A-Z2-7]{17}$/);
  assert.equal(out.Policy.DefaultVersionId, 'v1');
  assert.equal(out.Policy.AttachmentCount, 0);
  assert.equal(out.Policy.IsAttachable, true);
  assert.equal(out.Policy.Description, undefined);
  assert.deepEqual(out.Policy.Tags, [{ Key: 'a', Value: 'b' }]);
  assert.deepEqual(ctx.resources, [{ type: 'AWS::IAM::Policy', arn: out.Policy.Arn }]);
  const got = (await tb.call('GetPolicy', { PolicyArn: out.Policy.Arn })) as PolicyOut;
  assert.equal(got.Policy.Description, 'lists');
  assert.equal(got.Policy.PolicyId, out.Policy.PolicyId);
  const v1 = (await tb.call('GetPolicyVersion', { PolicyArn: out.Policy.Arn, VersionId: 'v1' })) as VersionOut;
  assert.equal(v1.PolicyVersion.Document, encodeURIComponent(ALLOW_S3_LIST));
  assert.equal(v1.PolicyVersion.IsDefaultVersion, true);
});

test('CreatePolicy refuses taken names (any case), malformed and oversized documents', async () => {
  await tb.call('CreatePolicy', { PolicyName: 'Unique', PolicyDocument: ALLOW_S3_LIST });
  await rejectsWith(tb.call('CreatePolicy', { PolicyName: 'unique', Path: '/elsewhere/', PolicyDocument: ALLOW_S3_LIST }),
    'EntityAlreadyExists', 'A policy called unique already exists. Duplicate names are not allowed.');
  await rejectsWith(tb.call('CreatePolicy', { PolicyName: 'bad', PolicyDocument: '{"Version":"2012-10-17"}' }), 'MalformedPolicyDocument');
  const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: Array.from({ length: 250 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
  await rejectsWith(tb.call('CreatePolicy', { PolicyName: 'big', PolicyDocument: big }), 'LimitExceeded', 'Cannot exceed quota for PolicySize: 6144');
});

test('unknown and invalid ARNs', async () => {
  const arn = `arn:aws:iam::${tb.accountId}:policy/none`;
  await rejectsWith(tb.call('GetPolicy', { PolicyArn: arn }), 'NoSuchEntity', `Policy ${arn} was not found.`);
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: arn }), 'NoSuchEntity', `Policy ${arn} was not found.`);
  await rejectsWith(tb.call('GetPolicy', { PolicyArn: 'not-an-arn-at-all-really' }), 'InvalidInput', 'ARN not-an-arn-at-all-really is not valid.');
  // Another account's customer policy is not visible from this one.
  await rejectsWith(tb.call('GetPolicy', { PolicyArn: 'arn:aws:iam::999999999999:policy/S3List' }), 'NoSuchEntity');
});

test('versions: at most five, ids never reused, default cannot be deleted', async () => {
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'versioned', PolicyDocument: ALLOW_S3_LIST })) as PolicyOut;
  for (let i = 2; i <= 5; i++) {
    const v = (await tb.call('CreatePolicyVersion', { PolicyArn: Policy.Arn, PolicyDocument: ALLOW_S3_LIST })) as VersionOut;
    assert.equal(v.PolicyVersion.VersionId, `v${i}`);
    assert.equal(v.PolicyVersion.IsDefaultVersion, false);
    assert.equal(v.PolicyVersion.Document, undefined);
  }
  await rejectsWith(tb.call('CreatePolicyVersion', { PolicyArn: Policy.Arn, PolicyDocument: ALLOW_S3_LIST }), 'LimitExceeded',
    'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.');
  await rejectsWith(tb.call('DeletePolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v1' }), 'DeleteConflict', 'Cannot delete the default version of a policy.');
  await tb.call('DeletePolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v5' });
  const next = (await tb.call('CreatePolicyVersion', { PolicyArn: Policy.Arn, PolicyDocument: ALLOW_S3_LIST, SetAsDefault: true })) as VersionOut;
  assert.equal(next.PolicyVersion.VersionId, 'v6');
  assert.equal(next.PolicyVersion.IsDefaultVersion, true);
  const listed = (await tb.call('ListPolicyVersions', { PolicyArn: Policy.Arn })) as { Versions: { VersionId: string; IsDefaultVersion: boolean }[] };
  assert.deepEqual(listed.Versions.map((v) => v.VersionId), ['v6', 'v4', 'v3', 'v2', 'v1']);
  assert.deepEqual(listed.Versions.filter((v) => v.IsDefaultVersion).map((v) => v.VersionId), ['v6']);
  await rejectsWith(tb.call('GetPolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v5' }), 'NoSuchEntity', `Policy ${Policy.Arn} version v5 does not exist or is not attachable.`);
  await rejectsWith(tb.call('SetDefaultPolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v9' }), 'NoSuchEntity');
  await rejectsWith(tb.call('DeletePolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v9' }), 'NoSuchEntity');
});

test('SetDefaultPolicyVersion changes what attached principals may do at once', async () => {
  await tb.call('CreateUser', { UserName: 'max' });
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'switch', PolicyDocument: ALLOW_S3_LIST })) as PolicyOut;
  await tb.call('CreatePolicyVersion', { PolicyArn: Policy.Arn, PolicyDocument: DENY_NOTHING });
  await tb.call('AttachUserPolicy', { UserName: 'max', PolicyArn: Policy.Arn });
  const max = await userPrincipal(tb, 'max');
  const check = async () => (await tb.deps.authorizer.authorize(max, 's3:ListBuckets', '*', {})).allowed;
  assert.equal(await check(), true);
  await tb.call('SetDefaultPolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v2' });
  assert.equal(await check(), false);
  const got = (await tb.call('GetPolicy', { PolicyArn: Policy.Arn })) as PolicyOut;
  assert.equal(got.Policy.DefaultVersionId, 'v2');
  assert.equal(got.Policy.AttachmentCount, 1);
});

test('DeletePolicy refuses while attached or versioned, then deletes', async () => {
  await tb.call('CreateUser', { UserName: 'nat' });
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'gone', PolicyDocument: ALLOW_S3_LIST })) as PolicyOut;
  await tb.call('AttachUserPolicy', { UserName: 'nat', PolicyArn: Policy.Arn });
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: Policy.Arn }), 'DeleteConflict', 'Cannot delete a policy attached to entities.');
  await tb.call('DetachUserPolicy', { UserName: 'nat', PolicyArn: Policy.Arn });
  await tb.call('CreatePolicyVersion', { PolicyArn: Policy.Arn, PolicyDocument: ALLOW_S3_LIST });
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: Policy.Arn }), 'DeleteConflict', /more than one version/);
  await tb.call('DeletePolicyVersion', { PolicyArn: Policy.Arn, VersionId: 'v2' });
  await tb.call('DeletePolicy', { PolicyArn: Policy.Arn });
  await rejectsWith(tb.call('GetPolicy', { PolicyArn: Policy.Arn }), 'NoSuchEntity');
});

test('a policy used as a permissions boundary cannot be deleted', async () => {
  const { Policy } = (await tb.call('CreatePolicy', { PolicyName: 'bound', PolicyDocument: ALLOW_S3_LIST })) as PolicyOut;
  await tb.call('CreateUser', { UserName: 'bounded', PermissionsBoundary: Policy.Arn });
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: Policy.Arn }), 'DeleteConflict');
  const got = (await tb.call('GetPolicy', { PolicyArn: Policy.Arn })) as PolicyOut;
  assert.equal(got.Policy.PermissionsBoundaryUsageCount, 1);
});

test('AWS managed policies can be read and counted but not changed', async () => {
  await tb.call('CreateUser', { UserName: 'ro' });
  await tb.call('AttachUserPolicy', { UserName: 'ro', PolicyArn: READ_ONLY });
  const got = (await tb.call('GetPolicy', { PolicyArn: READ_ONLY })) as PolicyOut;
  assert.equal(got.Policy.PolicyName, 'ReadOnlyAccess');
  assert.equal(got.Policy.Path, '/');
  assert.match(got.Policy.PolicyId, /^ANPA[A-Z2-7]{17}$/);
  // The admin created with the account carries AdministratorAccess, not this one.
  assert.equal(got.Policy.AttachmentCount, 1);
  const again = (await tb.call('GetPolicy', { PolicyArn: READ_ONLY })) as PolicyOut;
  assert.equal(again.Policy.PolicyId, got.Policy.PolicyId);
  const v = (await tb.call('GetPolicyVersion', { PolicyArn: READ_ONLY, VersionId: 'v1' })) as VersionOut;
  assert.ok(v.PolicyVersion.Document);
  assert.ok(JSON.parse(decodeURIComponent(v.PolicyVersion.Document)).Statement.length > 0);
  await rejectsWith(tb.call('DeletePolicy', { PolicyArn: READ_ONLY }), 'AccessDenied');
  await rejectsWith(tb.call('CreatePolicyVersion', { PolicyArn: READ_ONLY, PolicyDocument: ALLOW_S3_LIST }), 'AccessDenied');
  await rejectsWith(tb.call('SetDefaultPolicyVersion', { PolicyArn: READ_ONLY, VersionId: 'v1' }), 'AccessDenied');
});

test('ListPolicies: scopes, OnlyAttached, PathPrefix and paging', async () => {
  type ListOut = { Policies: { PolicyName: string; Arn: string; AttachmentCount: number; Description?: string }[]; IsTruncated: boolean; Marker?: string };
  const local = (await tb.call('ListPolicies', { Scope: 'Local' })) as ListOut;
  assert.ok(local.Policies.length > 0);
  assert.ok(local.Policies.every((p) => p.Arn.startsWith(`arn:aws:iam::${tb.accountId}:`)));
  assert.ok(local.Policies.every((p) => p.Description === undefined));
  // Every AWS managed policy is shipped: page through them all, as the CLI does.
  const aws: ListOut['Policies'] = [];
  let marker: string | undefined;
  do {
    const page = (await tb.call('ListPolicies', { Scope: 'AWS', MaxItems: 1000, Marker: marker })) as ListOut;
    aws.push(...page.Policies);
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  assert.ok(aws.length > 1000);
  assert.ok(aws.some((p) => p.Arn === READ_ONLY));
  assert.ok(aws.some((p) => p.Arn === 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'));
  assert.ok(aws.every((p) => p.Arn.startsWith('arn:aws:iam::aws:policy/')));
  const firstAll = (await tb.call('ListPolicies', { MaxItems: 1000 })) as ListOut;
  assert.equal(firstAll.Policies.length, 1000);
  assert.equal(firstAll.IsTruncated, true);
  const attached = (await tb.call('ListPolicies', { Scope: 'AWS', OnlyAttached: true })) as ListOut;
  assert.deepEqual(attached.Policies.map((p) => p.PolicyName).sort(), ['AdministratorAccess', 'ReadOnlyAccess']);
  const team = (await tb.call('ListPolicies', { Scope: 'Local', PathPrefix: '/team/' })) as ListOut;
  assert.deepEqual(team.Policies.map((p) => p.PolicyName), ['S3List']);
  const first = (await tb.call('ListPolicies', { MaxItems: 3 })) as ListOut;
  assert.equal(first.IsTruncated, true);
  const second = (await tb.call('ListPolicies', { MaxItems: 3, Marker: first.Marker })) as ListOut;
  assert.equal(second.Policies.length, 3);
  assert.ok(!second.Policies.some((p) => first.Policies.some((q) => q.Arn === p.Arn)));
});
