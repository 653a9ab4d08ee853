// evaluateLayers: identity policies ∩ permissions boundary ∩ session policy, with the layer that
// refused named (AWS words its AccessDenied message by it) and an explicit Deny anywhere winning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyDocument, Statement } from './document.js';
import { evaluateLayers, type AuthorizationRequest } from './evaluate.js';

const ACCOUNT = '123456789012';
const req = (action: string): AuthorizationRequest => ({
  action, resource: '*', principal: { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, type: 'IAMUser' }, context: {},
});
const policy = (...Statement: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string): Statement => ({ Effect: 'Allow', Action, Resource: '*' });
const deny = (Action: string): Statement => ({ Effect: 'Deny', Action, Resource: '*' });

type Kind = 'identity' | 'permissionsBoundary' | 'sessionPolicy';
const layers = (identity: PolicyDocument[], boundary?: PolicyDocument[], session?: PolicyDocument[]) => {
  const out: { kind: Kind; policies: PolicyDocument[] }[] = [{ kind: 'identity', policies: identity }];
  if (boundary) out.push({ kind: 'permissionsBoundary', policies: boundary });
  if (session) out.push({ kind: 'sessionPolicy', policies: session });
  return out;
};

test('allowed only where every layer allows', () => {
  const admin = [policy(allow('*'))];
  const readOnly = [policy(allow('iam:List*'), allow('s3:*'))];
  const s3Only = [policy(allow('s3:*'))];
  assert.equal(evaluateLayers(req('iam:CreateUser'), layers(admin)).decision, 'Allow');
  assert.deepEqual(evaluateLayers(req('iam:CreateUser'), layers(admin, readOnly)), { decision: 'ImplicitDeny', deniedBy: 'permissionsBoundary' });
  assert.equal(evaluateLayers(req('iam:ListUsers'), layers(admin, readOnly)).decision, 'Allow');
  assert.deepEqual(evaluateLayers(req('iam:ListUsers'), layers(admin, readOnly, s3Only)), { decision: 'ImplicitDeny', deniedBy: 'sessionPolicy' });
  assert.equal(evaluateLayers(req('s3:GetObject'), layers(admin, readOnly, s3Only)).decision, 'Allow');
});

test('a boundary grants nothing by itself: identity refusals are named first', () => {
  const r = evaluateLayers(req('s3:GetObject'), layers([policy(allow('iam:*'))], [policy(allow('*'))]));
  assert.deepEqual(r, { decision: 'ImplicitDeny', deniedBy: 'identity' });
});

test('an explicit Deny in a later layer wins over an earlier implicit deny, and is named', () => {
  const r = evaluateLayers(req('iam:ListUsers'), layers([policy(allow('s3:*'))], [policy(allow('*'), deny('iam:ListUsers'))]));
  assert.equal(r.decision, 'ExplicitDeny');
  assert.equal(r.deniedBy, 'permissionsBoundary');
  const s = evaluateLayers(req('iam:ListUsers'), layers([policy(allow('*'))], undefined, [policy(deny('iam:*'))]));
  assert.equal(s.deniedBy, 'sessionPolicy');
});

test('an empty boundary allows nothing; no layers at all allow nothing', () => {
  assert.deepEqual(evaluateLayers(req('s3:GetObject'), layers([policy(allow('*'))], [])), { decision: 'ImplicitDeny', deniedBy: 'permissionsBoundary' });
  assert.equal(evaluateLayers(req('s3:GetObject'), []).decision, 'ImplicitDeny');
});
