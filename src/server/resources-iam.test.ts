// Property test of the canonical-resource mechanism for IAM and STS: every IAM operation that
// names a user, role, group, instance profile or policy, called with random case variants of the
// names (stored with paths and mixed case) and case/path/partition/account variants of policy
// ARNs, is authorized on the stored ARN or refused; so is AssumeRole for variants of a role ARN.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { resourceBed, violations, Variants, type ResourceBed } from '../../test/support/resources-testbed.js';

// Fixed, so a failure reproduces; seeds 1-7 were also run by hand when this was written.
const SEED = 18;
const VARIANTS = 6;
const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] });

let bed: ResourceBed;
before(async () => { bed = await resourceBed(); });
after(async () => { await bed?.close(); });

/** Members that address an entity, in the order an operation naming several acts on them. */
const PRIMARY = ['InstanceProfileName', 'GroupName', 'RoleName', 'UserName', 'PolicyArn'] as const;
type Primary = typeof PRIMARY[number];

interface Fixture { names: Record<Exclude<Primary, 'PolicyArn'>, string>; arns: Record<Primary, string>; accessKeyId: string }

/** One of each entity, at a path and in mixed case, tied together the way the operations need. */
async function fixture(n: number): Promise<Fixture> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${bed.accountId}:root` }, Action: 'sts:AssumeRole' }] });
  const names = { UserName: `UsEr${n}`, RoleName: `RoLe${n}`, GroupName: `GrOup${n}`, InstanceProfileName: `PrOfile${n}` };
  const arn = (o: Record<string, unknown>, k: string) => (o[k] as { Arn: string }).Arn;
  const user = arn(await bed.must('iam', 'CreateUser', { UserName: names.UserName, Path: '/pu/' }), 'User');
  const role = arn(await bed.must('iam', 'CreateRole', { RoleName: names.RoleName, Path: '/pr/', AssumeRolePolicyDocument: trust }), 'Role');
  const group = arn(await bed.must('iam', 'CreateGroup', { GroupName: names.GroupName, Path: '/pg/' }), 'Group');
  const profile = arn(await bed.must('iam', 'CreateInstanceProfile', { InstanceProfileName: names.InstanceProfileName, Path: '/pi/' }), 'InstanceProfile');
  const policy = arn(await bed.must('iam', 'CreatePolicy', { PolicyName: `PoLicy${n}`, Path: '/pp/', PolicyDocument: ALLOW_ALL }), 'Policy');
  await bed.must('iam', 'AddRoleToInstanceProfile', names);
  await bed.must('iam', 'AddUserToGroup', names);
  for (const [op, k] of [['AttachUserPolicy', 'UserName'], ['AttachRolePolicy', 'RoleName'], ['AttachGroupPolicy', 'GroupName']]) {
    await bed.must('iam', op, { [k]: names[k as keyof typeof names], PolicyArn: policy });
  }
  for (const [op, k] of [['PutUserPolicy', 'UserName'], ['PutRolePolicy', 'RoleName'], ['PutGroupPolicy', 'GroupName']]) {
    await bed.must('iam', op, { [k]: names[k as keyof typeof names], PolicyName: 'inline1', PolicyDocument: ALLOW_ALL });
  }
  await bed.must('iam', 'CreateLoginProfile', { UserName: names.UserName, Password: 'Str0ng-Passw0rd!' });
  const key = await bed.must('iam', 'CreateAccessKey', { UserName: names.UserName }) as { AccessKey: { AccessKeyId: string } };
  return { names, arns: { UserName: user, RoleName: role, GroupName: group, InstanceProfileName: profile, PolicyArn: policy }, accessKeyId: key.AccessKey.AccessKeyId };
}

/** Creations of the entity a member names (CreatePolicy names its policy by PolicyName: not varied here). */
const CREATES: Record<string, Primary> = { CreateUser: 'UserName', CreateRole: 'RoleName', CreateGroup: 'GroupName', CreateInstanceProfile: 'InstanceProfileName' };

/** Values for the other members an operation requires, so that it reaches authorization. */
function otherMembers(op: string, f: Fixture): Record<string, unknown> {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  return {
    PolicyDocument: op === 'UpdateAssumeRolePolicy' ? trust : ALLOW_ALL, AssumeRolePolicyDocument: trust, PolicyName: 'inline1', Tags: [{ Key: 'k', Value: 'v' }], TagKeys: ['k'], VersionId: 'v1',
    Password: 'An0ther-Passw0rd!', AccessKeyId: f.accessKeyId, Status: 'Inactive', PermissionsBoundary: f.arns.PolicyArn, PolicyArn: f.arns.PolicyArn,
    ...f.names,
  };
}

test('IAM: every entity-taking operation, under name and policy-ARN variants, is authorized on the stored ARN or refused', async (t) => {
  const iam = bed.app.registry.byName('iam');
  assert.ok(iam);
  const v = new Variants(SEED);
  const problems: string[] = [];
  let calls = 0;
  let ops = 0;
  for (const op of Object.keys(iam.handlers).sort()) {
    const inputShape = iam.model.operation(op)?.input?.shape;
    const members = inputShape ? Object.keys(iam.model.shape(inputShape).members ?? {}) : [];
    const primary = PRIMARY.find((m) => members.includes(m));
    if (!primary) continue;
    ops++;
    const f = await fixture(ops);
    const all = otherMembers(op, f);
    const base = Object.fromEntries(members.filter((m) => m in all).map((m) => [m, all[m]]));
    const stored = f.arns[primary];
    // A creation acts on the entity it would make, at the path it gives: the stored one's, for the
    // exact name; a name in another case is that of an entity that exists, so IAM refuses it.
    const creates = CREATES[op] === primary;
    if (creates) base.Path = stored.slice(stored.indexOf('/'), stored.lastIndexOf('/') + 1);
    const variants = primary === 'PolicyArn'
      ? v.arns(stored, VARIANTS).map((x) => ({ label: x.label, value: x.value }))
      : v.names(f.names[primary], VARIANTS).map((value) => ({ label: 'case', value }));
    // The exact input last: destructive operations then still find their entity for the variants.
    for (const { label, value } of [...variants, { label: 'exact', value: primary === 'PolicyArn' ? stored : f.names[primary] }]) {
      const o = await bed.run('iam', op, { ...base, [primary]: value });
      calls++;
      const what = `seed ${SEED} iam ${op} ${primary}=${value} (${label})`;
      const expected = creates ? `${stored.slice(0, stored.lastIndexOf('/') + 1)}${value}` : stored;
      problems.push(...violations(what, o, [expected], label === 'exact'));
      if (creates && (o.result.ok || o.result.error.code !== 'EntityAlreadyExists')) problems.push(`${what}: not EntityAlreadyExists`);
    }
  }
  t.diagnostic(`seed ${SEED}: ${ops} IAM operations, ${calls} calls`);
  assert.ok(ops >= 60, `only ${ops} IAM operations take an entity`);
  assert.ok(calls >= ops * (VARIANTS + 1));
  assert.deepEqual(problems, []);
});

test('STS: AssumeRole for variants of a role ARN (case, path, partition, account) is refused; the exact ARN assumes it', async (t) => {
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${bed.accountId}:root` }, Action: 'sts:AssumeRole' }] });
  const made = await bed.must('iam', 'CreateRole', { RoleName: 'SandBox', Path: '/sandbox/', AssumeRolePolicyDocument: trust }) as { Role: { Arn: string } };
  const stored = made.Role.Arn;
  const v = new Variants(SEED + 1);
  const problems: string[] = [];
  let assumed = 0;
  for (const { label, value } of [...v.arns(stored, 4 * VARIANTS), { label: 'exact', value: stored }]) {
    const o = await bed.run('sts', 'AssumeRole', { RoleArn: value, RoleSessionName: 'prop' });
    if (o.result.ok) assumed++;
    problems.push(...violations(`seed ${SEED + 1} sts AssumeRole RoleArn=${value} (${label})`, o, [stored], label === 'exact'));
    // Only the role's own ARN may assume it: a variant is refused even when the policy allowed it as typed.
    if (label !== 'exact' && o.result.ok) problems.push(`${value}: a variant assumed the role`);
  }
  t.diagnostic(`seed ${SEED + 1}: ${4 * VARIANTS + 1} AssumeRole calls`);
  assert.equal(assumed, 1);
  assert.deepEqual(problems, []);
});
