import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainDenial, readDenial, type DenialContext, type PolicySource } from './explain.js';
import { parsePolicyDocument, type PolicyDocument } from '../policy/document.js';
import type { IamRole } from '../identity/store.js';

const ACCOUNT = '111122223333';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/chat-ops`;
const WHO = `arn:aws:sts::${ACCOUNT}:assumed-role/chat-ops/chatbot-session`;
const CONFIG = `arn:aws:chatbot::${ACCOUNT}:chat-configuration/slack-channel/ops`;
const GUARD = `arn:aws:iam::${ACCOUNT}:policy/no-iam`;
const doc = (statements: unknown[]): PolicyDocument => parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: statements }), 'identity');

const role = (extra: Partial<IamRole> = {}): IamRole => ({
  roleName: 'chat-ops', roleId: 'AROA', arn: ROLE, path: '/', createDate: new Date(0), assumeRolePolicyDocument: '{}', maxSessionDuration: 3600, tags: [],
  inlinePolicies: {
    everything: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
    'no-iam-through-chat': JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoIamInChat', Effect: 'Deny', Action: 'iam:*', Resource: '*', Condition: { ArnLike: { 'aws:ChatbotSourceArn': 'arn:aws:chatbot::*' } } }] }),
  },
  attachedPolicies: [], ...extra,
});
const source = (r: IamRole, managed: Record<string, PolicyDocument> = {}): PolicySource => ({
  getRole: async (a, n) => (a === ACCOUNT && n === r.roleName ? r : undefined),
  managedPolicy: async (_a, arn) => managed[arn],
});
const ctx = (extra: Partial<DenialContext> = {}): DenialContext => ({
  roleArn: ROLE, usersOwnRole: false, configurationArn: CONFIG, guardrailPolicyArns: [], region: 'us-east-1', now: new Date('2025-01-01T00:00:00Z'), ...extra,
});
const denied = (tail: string, action = 'iam:ListUsers') => ({ code: 'AccessDenied', message: `User: ${WHO} is not authorized to perform: ${action} on resource: arn:aws:iam::${ACCOUNT}:user/ ${tail}` });

test('readDenial reads the layer, explicit or not, and an appended policy ARN', () => {
  assert.deepEqual(readDenial(denied('with an explicit deny in an identity-based policy').message),
    { principalArn: WHO, action: 'iam:ListUsers', resource: `arn:aws:iam::${ACCOUNT}:user/`, explicit: true, layer: 'identity', policyArn: undefined });
  const scp = readDenial(denied('with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123').message);
  assert.equal(scp?.layer, 'scp');
  assert.equal(scp?.policyArn, 'arn:aws:organizations::999988887777:policy/o-abc/service_control_policy/p-123');
  assert.equal(readDenial(denied('because no permissions boundary allows the iam:ListUsers action').message)?.layer, 'boundary');
  assert.equal(readDenial('Access Denied'), undefined);
});

test("an explicit deny in the role's inline policy names the policy and its statement", async () => {
  assert.equal(await explainDenial(denied('with an explicit deny in an identity-based policy'), ctx(), source(role())),
    "\n_Refused by the channel's IAM role `chat-ops`: its inline policy `no-iam-through-chat` denies `iam:ListUsers` (statement `NoIamInChat`). An administrator can change the role's policies in IAM._");
  // The user's own role (user authorization) is said to be theirs.
  assert.match(await explainDenial(denied('with an explicit deny in an identity-based policy'), ctx({ usersOwnRole: true }), source(role())), /^\n_Refused by your IAM role `chat-ops`/);
});

test('a managed policy holding the deny is named by its ARN', async () => {
  const r = role({ inlinePolicies: {}, attachedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess', GUARD] });
  const managed = { 'arn:aws:iam::aws:policy/AdministratorAccess': doc([{ Effect: 'Allow', Action: '*', Resource: '*' }]), [GUARD]: doc([{ Effect: 'Deny', Action: 'iam:*', Resource: '*' }]) };
  assert.match(await explainDenial(denied('with an explicit deny in an identity-based policy'), ctx(), source(r, managed)), new RegExp(`its managed policy \`${GUARD}\` denies`));
});

test('guardrails: an explicit deny names the guardrail; an implicit one keeps the old words and lists them', async () => {
  const managed = { [GUARD]: doc([{ Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'G1', Effect: 'Deny', Action: 'iam:*', Resource: '*' }]) };
  assert.equal(await explainDenial(denied('with an explicit deny in a session policy'), ctx({ guardrailPolicyArns: [GUARD] }), source(role(), managed)),
    `\n_Refused by the channel's guardrail policy \`${GUARD}\`: it denies \`iam:ListUsers\` (statement \`G1\`), whatever the role allows. An administrator can change the guardrails in the channel configuration._`);
  assert.equal(await explainDenial(denied('because no session policy allows the iam:ListUsers action'), ctx({ guardrailPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }), source(role())),
    "\n_The channel's guardrail policies do not allow this. An administrator can change them in the channel configuration. Guardrails: `arn:aws:iam::aws:policy/ReadOnlyAccess`; none allows `iam:ListUsers`._");
});

test('a permissions boundary, an SCP and a resource policy are each named as such', async () => {
  const bounded = role({ permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary` });
  assert.match(await explainDenial(denied('because no permissions boundary allows the iam:ListUsers action'), ctx(), source(bounded)),
    new RegExp(`Refused by the permissions boundary \`arn:aws:iam::${ACCOUNT}:policy/boundary\` of the channel's IAM role \`chat-ops\`: it does not allow`));
  assert.match(await explainDenial(denied('with an explicit deny in a service control policy'), ctx(), source(role())), /Refused by a service control policy of your AWS organization/);
  assert.match(await explainDenial(denied('with an explicit deny in a resource-based policy', 's3:ListBucket'), ctx(), source(role())), /Refused by the policy of the resource itself/);
});

test('the implicit identity denial keeps its words; non-denials and strangers get no role explanation', async () => {
  assert.equal(await explainDenial(denied('because no identity-based policy allows the iam:ListUsers action'), ctx(), source(role())),
    "\n_The channel's IAM role does not allow this. An administrator can change them in the channel configuration._");
  assert.equal(await explainDenial({ code: 'NoSuchEntity', message: 'no' }, ctx(), source(role())), '');
  const stranger = { code: 'AccessDenied', message: `User: arn:aws:iam::${ACCOUNT}:user/ann is not authorized to perform: iam:ListUsers on resource: * with an explicit deny in an identity-based policy` };
  assert.equal(await explainDenial(stranger, ctx(), source(role())), "\n_The channel's IAM role does not allow this. An administrator can change them in the channel configuration._");
});
