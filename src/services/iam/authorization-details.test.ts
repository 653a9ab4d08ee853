// GetAccountAuthorizationDetails: every kind of entity with its policies (documents URL-encoded),
// group memberships and instance profiles, the Filter, AWS policies only when used, and paging.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOW_S3_LIST, iamTestbed, TRUST_ACCOUNT, type IamTestbed } from '../../../test/support/iam.js';

const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
let tb: IamTestbed;
let localArn = '';
before(async () => {
  tb = await iamTestbed();
  await tb.call('CreateUser', { UserName: 'ann' });
  await tb.call('PutUserPolicy', { UserName: 'ann', PolicyName: 'own', PolicyDocument: ALLOW_S3_LIST });
  await tb.call('CreateGroup', { GroupName: 'crew' });
  await tb.call('AddUserToGroup', { GroupName: 'crew', UserName: 'ann' });
  await tb.call('AttachGroupPolicy', { GroupName: 'crew', PolicyArn: READ_ONLY });
  await tb.call('CreateRole', { RoleName: 'box', AssumeRolePolicyDocument: TRUST_ACCOUNT(tb.accountId) });
  await tb.call('CreateInstanceProfile', { InstanceProfileName: 'box-profile' });
  await tb.call('AddRoleToInstanceProfile', { InstanceProfileName: 'box-profile', RoleName: 'box' });
  const p = (await tb.call('CreatePolicy', { PolicyName: 'local', PolicyDocument: ALLOW_S3_LIST })) as { Policy: { Arn: string } };
  localArn = p.Policy.Arn;
  await tb.call('AttachRolePolicy', { RoleName: 'box', PolicyArn: localArn });
});
after(async () => { await tb.close(); });

type Details = {
  UserDetailList: { UserName: string; GroupList: string[]; UserPolicyList: { PolicyName: string; PolicyDocument: string }[] }[];
  GroupDetailList: { GroupName: string; AttachedManagedPolicies: { PolicyArn: string }[] }[];
  RoleDetailList: { RoleName: string; AssumeRolePolicyDocument: string; InstanceProfileList: { InstanceProfileName: string }[]; AttachedManagedPolicies: { PolicyArn: string }[] }[];
  Policies: { Arn: string; AttachmentCount: number; PolicyVersionList: { Document: string; VersionId: string; IsDefaultVersion: boolean; CreateDate: Date }[] }[];
  IsTruncated: boolean;
  Marker?: string;
};

test('everything, with memberships, profiles and encoded documents; AWS policies only when used', async () => {
  const d = (await tb.call('GetAccountAuthorizationDetails', {})) as Details;
  const ann = d.UserDetailList.find((u) => u.UserName === 'ann');
  assert.ok(ann);
  assert.deepEqual(ann.GroupList, ['crew']);
  assert.deepEqual(ann.UserPolicyList, [{ PolicyName: 'own', PolicyDocument: encodeURIComponent(ALLOW_S3_LIST) }]);
  assert.deepEqual(d.GroupDetailList.map((g) => [g.GroupName, g.AttachedManagedPolicies.map((a) => a.PolicyArn)]), [['crew', [READ_ONLY]]]);
  const box = d.RoleDetailList.find((r) => r.RoleName === 'box');
  assert.ok(box);
  assert.equal(box.AssumeRolePolicyDocument, encodeURIComponent(TRUST_ACCOUNT(tb.accountId)));
  assert.deepEqual(box.InstanceProfileList.map((p) => p.InstanceProfileName), ['box-profile']);
  assert.deepEqual(box.AttachedManagedPolicies.map((a) => a.PolicyArn), [localArn]);
  const arns = d.Policies.map((p) => p.Arn).sort();
  assert.ok(arns.includes(READ_ONLY) && arns.includes(localArn), arns.join());
  assert.ok(!arns.includes('arn:aws:iam::aws:policy/AWSSupportAccess'), 'an unused AWS policy is left out');
  const local = d.Policies.find((p) => p.Arn === localArn)!;
  assert.equal(local.AttachmentCount, 1);
  assert.deepEqual(local.PolicyVersionList, [{ Document: encodeURIComponent(ALLOW_S3_LIST), VersionId: 'v1', IsDefaultVersion: true, CreateDate: local.PolicyVersionList[0].CreateDate }]);
  assert.equal(d.IsTruncated, false);
});

test('Filter narrows the lists; paging walks all of them', async () => {
  const groups = (await tb.call('GetAccountAuthorizationDetails', { Filter: ['Group'] })) as Details;
  assert.deepEqual([groups.UserDetailList.length, groups.GroupDetailList.length, groups.RoleDetailList.length, groups.Policies.length], [0, 1, 0, 0]);
  const local = (await tb.call('GetAccountAuthorizationDetails', { Filter: ['LocalManagedPolicy'] })) as Details;
  assert.deepEqual(local.Policies.map((p) => p.Arn), [localArn]);
  const whole = (await tb.call('GetAccountAuthorizationDetails', {})) as Details;
  const total = whole.UserDetailList.length + whole.GroupDetailList.length + whole.RoleDetailList.length + whole.Policies.length;
  let seen = 0;
  let marker: string | undefined;
  do {
    const page = (await tb.call('GetAccountAuthorizationDetails', { MaxItems: 2, Marker: marker })) as Details;
    seen += page.UserDetailList.length + page.GroupDetailList.length + page.RoleDetailList.length + page.Policies.length;
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  assert.equal(seen, total);
  assert.ok(total >= 6, String(total));
});
