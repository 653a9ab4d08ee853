// Effective management policies: the inheritance operators as AWS documents them
// (orgs_manage_policies_inheritance_mgmt.html, examples 1-6), and which policy set each setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHATBOT_POLICY_SCHEMA, parseManagementPolicy } from './management-policy.js';
import { effectivePolicy, type AttachedPolicy } from './effective.js';

const pol = (id: string, slack: unknown): AttachedPolicy => ({
  ref: { policyId: id, policyName: `name-${id}` },
  content: parseManagementPolicy(JSON.stringify({ chatbot: { platforms: { slack } } }), CHATBOT_POLICY_SCHEMA),
});
const slackOf = (levels: AttachedPolicy[][]) => ((effectivePolicy(levels).content.chatbot as Record<string, Record<string, unknown>>).platforms.slack) as Record<string, unknown>;

test('@@assign replaces, @@append adds, @@remove takes away, root to account; sources follow', () => {
  const root = pol('p-root', { workspaces: { '@@assign': ['T1', 'T2'] }, client: { '@@assign': 'enabled' } });
  const ou = pol('p-ou', { workspaces: { '@@append': ['T3'] } });
  const acct = pol('p-acct', { workspaces: { '@@remove': ['T1', 'T9'] } });
  const e = effectivePolicy([[root], [ou], [acct]]);
  assert.deepEqual(e.content, { chatbot: { platforms: { slack: { workspaces: ['T2', 'T3'], client: 'enabled' } } } });
  assert.equal(e.sources['chatbot/platforms/slack/workspaces'].policyId, 'p-acct');
  assert.equal(e.sources['chatbot/platforms/slack/client'].policyName, 'name-p-root');
  assert.deepEqual(slackOf([[root], [pol('p-ou2', { workspaces: { '@@assign': ['T7'] } })]]).workspaces, ['T7']);
});

test('@@operators_allowed_for_child_policies: @@none locks a setting and its block; a list limits the operators', () => {
  const root = pol('p-root', {
    '@@operators_allowed_for_child_policies': ['@@none'],
    workspaces: { '@@assign': ['T1'], '@@operators_allowed_for_child_policies': ['@@append'] },
  });
  const child = pol('p-child', { workspaces: { '@@assign': ['T9'], '@@append': ['T2'] }, client: { '@@assign': 'disabled' } });
  const slack = slackOf([[root], [child]]);
  // The assign is ignored, the append kept; `client` cannot be added under a locked block.
  assert.deepEqual(slack, { workspaces: ['T1', 'T2'] });
});

test('child control operators of one level intersect; they bind the levels below, not siblings', () => {
  const g = pol('p-g', { workspaces: { '@@assign': ['T1'], '@@operators_allowed_for_child_policies': ['@@append'] } });
  const h = pol('p-h', { workspaces: { '@@operators_allowed_for_child_policies': ['@@append', '@@remove'] } });
  const child = pol('p-c', { workspaces: { '@@remove': ['T1'], '@@append': ['T5'] } });
  assert.deepEqual(slackOf([[g, h], [child]]).workspaces, ['T1', 'T5']);
  // A sibling at the same level is not bound by its neighbour's child control.
  assert.deepEqual(slackOf([[g, pol('p-s', { workspaces: { '@@append': ['T6'] } })]]).workspaces, ['T1', 'T6']);
});

test('policies on the same target apply in attachment order: the first @@assign stays', () => {
  const j = pol('p-j', { client: { '@@assign': 'enabled' } });
  const k = pol('p-k', { client: { '@@assign': 'disabled' } });
  assert.equal(slackOf([[j, k]]).client, 'enabled');
  assert.equal(slackOf([[k, j]]).client, 'disabled');
  // At a lower level the child's @@assign wins as usual.
  assert.equal(slackOf([[j], [k]]).client, 'disabled');
});

test('no settings: an empty effective policy', () => {
  assert.deepEqual(effectivePolicy([[pol('p-e', {})]]).content, {});
});
