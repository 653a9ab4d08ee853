// Property test of the canonical-resource mechanism for CloudTrail, S3, Lambda, SNS, Chatbot and
// Organizations: each resource-taking operation, called with seeded random variants of the
// resource (case, path, partition, account, region; names and ARNs), is authorized on the stored
// resource or refused / not found; never authorized on a variant and then acting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resourceBed, violations, Variants, type ResourceBed } from '../../test/support/resources-testbed.js';

// Fixed, so a failure reproduces; seeds 1-7 were also run by hand when this was written.
const SEED = 18;
const N = 6;
let bed: ResourceBed;
let v: Variants;
const problems: string[] = [];
let calls = 0;

before(async () => { bed = await resourceBed(); v = new Variants(SEED); });
after(async () => { await bed?.close(); });

type Build = (ref: string) => Record<string, unknown>;

/**
 * Runs `op` for each variant of `exact`, then for `exact` itself (last, so destructive operations
 * leave the resource to the variants); `expected(ref)` is what the call may be authorized on.
 * `untouched`, for operations that succeed on a resource that does not exist (SNS DeleteTopic),
 * tells a variant that acted on nothing from one that reached the stored resource.
 */
async function probe(service: string, op: string, build: Build, exact: string, refs: { label: string; value: string }[],
  expected: (ref: string) => string[], region?: string, untouched?: () => Promise<boolean>): Promise<void> {
  for (const { label, value } of [...refs, { label: 'exact', value: exact }]) {
    const o = await bed.run(service, op, build(value), region);
    calls++;
    const found = violations(`seed ${SEED} ${service} ${op} ${value} (${label}${region ? ` in ${region}` : ''})`, o, expected(value), label === 'exact');
    if (found.length && label !== 'exact' && o.result.ok && untouched && await untouched()) continue;
    problems.push(...found);
  }
}

const names = (name: string) => v.names(name, N).map((value) => ({ label: 'case', value }));

test('CloudTrail: trails by name or ARN, from the home region and others', async () => {
  await bed.must('s3', 'CreateBucket', { Bucket: 'prop-trail-logs' });
  await bed.must('s3', 'PutBucketPolicy', { Bucket: 'prop-trail-logs', Policy: JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: 'arn:aws:s3:::prop-trail-logs' },
    { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::prop-trail-logs/*' },
  ] }) });
  const made = await bed.must('cloudtrail', 'CreateTrail', { Name: 'AuDit1', S3BucketName: 'prop-trail-logs', IsMultiRegionTrail: true });
  const stored = String(made.TrailARN);
  const ops: [string, Build][] = [
    ['GetTrail', (r) => ({ Name: r })], ['GetTrailStatus', (r) => ({ Name: r })], ['StartLogging', (r) => ({ Name: r })],
    ['StopLogging', (r) => ({ Name: r })], ['UpdateTrail', (r) => ({ Name: r, EnableLogFileValidation: true })],
    ['GetEventSelectors', (r) => ({ TrailName: r })], ['PutEventSelectors', (r) => ({ TrailName: r, EventSelectors: [{ ReadWriteType: 'All' }] })],
    ['GetInsightSelectors', (r) => ({ TrailName: r })], ['AddTags', (r) => ({ ResourceId: r, TagsList: [{ Key: 'k', Value: 'v' }] })],
    ['ListTags', (r) => ({ ResourceIdList: [r] })], ['RemoveTags', (r) => ({ ResourceId: r, TagsList: [{ Key: 'k' }] })],
  ];
  for (const [op, build] of ops) {
    await probe('cloudtrail', op, build, stored, v.arns(stored, N), () => [stored]);
    if (!op.endsWith('Tags')) {
      await probe('cloudtrail', op, build, 'AuDit1', names('AuDit1'), () => [stored]);
      // A multi-region trail named from another region is the trail itself, with its home ARN.
      await probe('cloudtrail', op, build, 'AuDit1', [], () => [stored], v.pick(['us-west-2', 'eu-west-1']));
    }
  }
  await probe('cloudtrail', 'DeleteTrail', (r) => ({ Name: r }), stored, v.arns(stored, N), () => [stored]);
  assert.deepEqual(problems.splice(0), []);
});

test('S3: buckets and keys as sent (keys are case-sensitive), the copy source and every deleted key', async () => {
  await bed.must('s3', 'CreateBucket', { Bucket: 'prop-data' });
  const put = (Key: string) => bed.must('s3', 'PutObject', { Bucket: 'prop-data', Key, Body: Buffer.from('x') });
  await put('Dir/Key.txt');
  const arn = (b: string, k?: string) => (k === undefined ? `arn:aws:s3:::${b}` : `arn:aws:s3:::${b}/${k}`);
  const buckets = names('prop-data');
  for (const op of ['HeadBucket', 'ListObjectsV2', 'GetBucketLocation', 'GetBucketTagging']) {
    await probe('s3', op, (b) => ({ Bucket: b }), 'prop-data', buckets, () => [arn('prop-data')]);
  }
  const keys = names('Dir/Key.txt');
  for (const op of ['HeadObject', 'GetObject', 'GetObjectTagging', 'PutObject', 'DeleteObject']) {
    const body = op === 'PutObject' ? { Body: Buffer.from('y') } : {};
    await probe('s3', op, (k) => ({ Bucket: 'prop-data', Key: k, ...body }), 'Dir/Key.txt', keys, (k) => [arn('prop-data', k)]);
    await probe('s3', op, (b) => ({ Bucket: b, Key: 'Dir/Key.txt', ...body }), 'prop-data', buckets, () => [arn('prop-data', 'Dir/Key.txt')]);
    await put('Dir/Key.txt');
  }
  await probe('s3', 'CopyObject', (k) => ({ Bucket: 'prop-data', Key: 'copy.txt', CopySource: `prop-data/${k}` }), 'Dir/Key.txt', keys,
    (k) => [arn('prop-data', 'copy.txt'), arn('prop-data', k)]);
  await probe('s3', 'DeleteObjects', (k) => ({ Bucket: 'prop-data', Delete: { Objects: [{ Key: k }, { Key: 'other' }] } }), 'Dir/Key.txt', keys,
    (k) => [arn('prop-data', k), arn('prop-data', 'other')]);
  assert.deepEqual(problems.splice(0), []);
});

test('Lambda: a function by name, partial ARN and full ARN', async () => {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const role = await bed.must('iam', 'CreateRole', { RoleName: 'prop-fn-role', AssumeRolePolicyDocument: trust }) as { Role: { Arn: string } };
  const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)]);
  const made = await bed.must('lambda', 'CreateFunction', { FunctionName: 'PropFn', Runtime: 'python3.12', Handler: 'i.h', Role: role.Role.Arn, Code: { ZipFile: zip } });
  const stored = String(made.FunctionArn);
  const ops: [string, Build][] = [
    ['GetFunction', (r) => ({ FunctionName: r })], ['GetFunctionConfiguration', (r) => ({ FunctionName: r })],
    ['UpdateFunctionConfiguration', (r) => ({ FunctionName: r, Description: 'd' })], ['GetPolicy', (r) => ({ FunctionName: r })],
    ['ListVersionsByFunction', (r) => ({ FunctionName: r })], ['ListAliases', (r) => ({ FunctionName: r })], ['PublishVersion', (r) => ({ FunctionName: r })],
    ['Invoke', (r) => ({ FunctionName: r })],
  ];
  for (const [op, build] of ops) {
    await probe('lambda', op, build, stored, v.arns(stored, N), () => [stored]);
    await probe('lambda', op, build, 'PropFn', [...names('PropFn'), { label: 'partial ARN', value: `${bed.accountId}:function:${v.flipCase('PropFn')}` }], () => [stored]);
  }
  for (const [op, build] of [['TagResource', (r: string) => ({ Resource: r, Tags: { k: 'v' } })], ['ListTags', (r: string) => ({ Resource: r })],
    ['UntagResource', (r: string) => ({ Resource: r, TagKeys: ['k'] })], ['DeleteFunction', (r: string) => ({ FunctionName: r })]] as [string, Build][]) {
    await probe('lambda', op, build, stored, v.arns(stored, N), () => [stored]);
  }
  assert.deepEqual(problems.splice(0), []);
});

test('SNS: a topic by ARN', async () => {
  const stored = String((await bed.must('sns', 'CreateTopic', { Name: 'PropTopic' })).TopicArn);
  const ops: [string, Build][] = [
    ['GetTopicAttributes', (r) => ({ TopicArn: r })], ['SetTopicAttributes', (r) => ({ TopicArn: r, AttributeName: 'DisplayName', AttributeValue: 'd' })],
    ['ListSubscriptionsByTopic', (r) => ({ TopicArn: r })], ['Publish', (r) => ({ TopicArn: r, Message: 'm' })],
    ['Publish', (r) => ({ TargetArn: r, Message: 'm' })], ['TagResource', (r) => ({ ResourceArn: r, Tags: [{ Key: 'k', Value: 'v' }] })],
    ['ListTagsForResource', (r) => ({ ResourceArn: r })], ['UntagResource', (r) => ({ ResourceArn: r, TagKeys: ['k'] })],
  ];
  for (const [op, build] of ops) await probe('sns', op, build, stored, v.arns(stored, N), () => [stored]);
  // SNS deletes a topic that does not exist without a word: a variant must leave the stored topic be.
  const exists = async () => (await bed.run('sns', 'GetTopicAttributes', { TopicArn: stored })).result.ok;
  await probe('sns', 'DeleteTopic', (r) => ({ TopicArn: r }), stored, v.arns(stored, N), () => [stored], undefined, exists);
  assert.equal(await exists(), false, 'the exact ARN deleted it');
  assert.deepEqual(problems.splice(0), []);
});

test('Chatbot: a custom action by ARN', async () => {
  const stored = String((await bed.must('chatbot', 'CreateCustomAction', { ActionName: 'PropAction', Definition: { CommandText: 'sts get-caller-identity' } })).CustomActionArn);
  const ops: [string, Build][] = [
    ['GetCustomAction', (r) => ({ CustomActionArn: r })], ['UpdateCustomAction', (r) => ({ CustomActionArn: r, Definition: { CommandText: 's3 ls' } })],
    ['TagResource', (r) => ({ ResourceARN: r, Tags: [{ TagKey: 'k', TagValue: 'v' }] })], ['ListTagsForResource', (r) => ({ ResourceARN: r })],
    ['UntagResource', (r) => ({ ResourceARN: r, TagKeys: ['k'] })], ['DeleteCustomAction', (r) => ({ CustomActionArn: r })],
  ];
  for (const [op, build] of ops) await probe('chatbot', op, build, stored, v.arns(stored, N), () => [stored]);
  assert.deepEqual(problems.splice(0), []);
});

test('Organizations: accounts, OUs and roots by id', async () => {
  const org = (await bed.must('organizations', 'CreateOrganization', { FeatureSet: 'ALL' })).Organization as { Id: string };
  const root = ((await bed.must('organizations', 'ListRoots', {})).Roots as { Id: string }[])[0].Id;
  const ou = ((await bed.must('organizations', 'CreateOrganizationalUnit', { ParentId: root, Name: 'PropOu' })).OrganizationalUnit as { Id: string }).Id;
  const base = `arn:aws:organizations::${bed.accountId}`;
  const arnOf = (id: string) => `${base}:${/^\d{12}$/.test(id) ? 'account' : id.startsWith('r-') ? 'root' : 'ou'}/${org.Id}/${id}`;
  const ids = (id: string) => [...names(id), { label: 'other id', value: id.replace(/.$/, (c) => (c === '1' ? '2' : '1')) }];
  const acct = bed.accountId;
  await probe('organizations', 'DescribeAccount', (r) => ({ AccountId: r }), acct, ids(acct), () => [arnOf(acct)]);
  await probe('organizations', 'ListParents', (r) => ({ ChildId: r }), acct, ids(acct), () => [arnOf(acct)]);
  await probe('organizations', 'ListParents', (r) => ({ ChildId: r }), ou, ids(ou), () => [arnOf(ou)]);
  const parentOps: [string, Build][] = [
    ['ListChildren', (r) => ({ ParentId: r, ChildType: 'ACCOUNT' })], ['ListOrganizationalUnitsForParent', (r) => ({ ParentId: r })],
    ['ListAccountsForParent', (r) => ({ ParentId: r })], ['CreateOrganizationalUnit', (r) => ({ ParentId: r, Name: `PropOu${calls}` })],
  ];
  for (const [op, build] of parentOps) {
    await probe('organizations', op, build, root, ids(root), () => [arnOf(root)]);
    await probe('organizations', op, build, ou, ids(ou), () => [arnOf(ou)]);
  }
  await probe('organizations', 'MoveAccount', (r) => ({ AccountId: acct, SourceParentId: r, DestinationParentId: ou }), root, ids(root), () => [arnOf(acct), arnOf(root), arnOf(ou)]);
  await probe('organizations', 'DescribeOrganizationalUnit', (r) => ({ OrganizationalUnitId: r }), ou, ids(ou), () => [arnOf(ou)]);
  await probe('organizations', 'UpdateOrganizationalUnit', (r) => ({ OrganizationalUnitId: r, Name: 'Renamed' }), ou, ids(ou), () => [arnOf(ou)]);
  assert.deepEqual(problems.splice(0), []);
});

test('the variants were many, and each service was reached', (t) => {
  t.diagnostic(`seed ${SEED}: ${calls} calls`);
  assert.ok(calls > 500, `${calls} calls`);
});
