// Chat applications policy content: AWS's documented examples parse; each kind of fault answers
// MalformedPolicyDocumentException; field names fold to lower case, identifiers keep their spelling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../protocol/errors.js';
import { CHATBOT_POLICY_SCHEMA, parseManagementPolicy } from './management-policy.js';

const parse = (doc: unknown) => parseManagementPolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), CHATBOT_POLICY_SCHEMA);
const malformed = (e: unknown) => isAwsError(e) && e.code === 'MalformedPolicyDocumentException';

/** Example 4 of orgs_manage_policies_chatbot_syntax.html (Slack and a Teams tenant), ids made concrete. */
const TENANT = '11111111-2222-3333-4444-555555555555';
const TEAM = '66666666-7777-8888-9999-000000000000';
const EXAMPLE_4 = {
  chatbot: {
    platforms: {
      slack: {
        client: { '@@assign': 'enabled' },
        workspaces: { '@@assign': ['T0ONE', 'T0TWO'] },
        default: { supported_channel_types: { '@@assign': ['private'] }, supported_role_settings: { '@@assign': ['user_role'] } },
        overrides: { T0TWO: { supported_channel_types: { '@@assign': ['public', 'private'] }, supported_role_settings: { '@@assign': ['channel_role', 'user_role'] } } },
      },
      microsoft_teams: {
        client: { '@@assign': 'enabled' },
        tenants: { [TENANT]: { '@@assign': [TEAM] } },
        default: { supported_role_settings: { '@@assign': ['user_role'] } },
        overrides: { [TENANT]: { [TEAM]: { supported_role_settings: { '@@assign': ['channel_role', 'user_role'] } } } },
      },
    },
    default: { client: { '@@assign': 'disabled' } },
  },
};

test("AWS's documented examples parse, operators and all", () => {
  const p = parse(EXAMPLE_4);
  assert.deepEqual(p.children.chatbot.children.platforms.children.slack.children.workspaces.assign, ['T0ONE', 'T0TWO']);
  assert.deepEqual(Object.keys(p.children.chatbot.children.platforms.children.slack.children.overrides.children), ['T0TWO']);
  // Example 2: every workspace ("*"), user roles only; and a child control operator.
  const p2 = parse({ chatbot: { platforms: { slack: { client: { '@@assign': 'enabled' }, workspaces: { '@@assign': ['*'], '@@operators_allowed_for_child_policies': ['@@none'] } } } } });
  assert.deepEqual(p2.children.chatbot.children.platforms.children.slack.children.workspaces.allowedForChildren, ['@@none']);
});

test('field names and operators are case-insensitive; workspace ids keep their case', () => {
  const p = parse({ ChatBot: { Platforms: { Slack: { Overrides: { T0Mixed: { Supported_Role_Settings: { '@@Append': ['channel_role'] } } } } } } });
  const o = p.children.chatbot.children.platforms.children.slack.children.overrides.children;
  assert.deepEqual(o.T0Mixed.children.supported_role_settings.append, ['channel_role']);
});

test('faults answer MalformedPolicyDocumentException', () => {
  const slack = (s: unknown) => ({ chatbot: { platforms: { slack: s } } });
  const cases: [string, unknown][] = [
    ['not JSON', '{"chatbot": '],
    ['no chatbot key', { tags: {} }],
    ['unknown top-level key', { chatbot: {}, extra: {} }],
    ['unknown platform', { chatbot: { platforms: { discord: { client: { '@@assign': 'enabled' } } } } }],
    ['client not enabled|disabled', slack({ client: { '@@assign': 'on' } })],
    ['@@append on a single value', slack({ client: { '@@append': ['enabled'] } })],
    ['channel type not public|private', slack({ default: { supported_channel_types: { '@@assign': ['secret'] } } })],
    ['role setting unknown', slack({ default: { supported_role_settings: { '@@assign': ['admin_role'] } } })],
    ['channel types on Teams', { chatbot: { platforms: { microsoft_teams: { default: { supported_channel_types: { '@@assign': ['public'] } } } } } }],
    ['bad workspace id', slack({ workspaces: { '@@assign': ['with space'] } })],
    ['setting not an object', slack({ client: 'enabled' })],
    ['empty list', slack({ workspaces: { '@@assign': [] } })],
    ['more than 255 workspaces', slack({ workspaces: { '@@assign': Array.from({ length: 256 }, (_, i) => `T${i}`) } })],
    ['unknown operator', slack({ client: { '@@set': 'enabled' } })],
    ['bad child control value', slack({ client: { '@@assign': 'enabled', '@@operators_allowed_for_child_policies': ['@@everything'] } })],
    ['duplicate key by case', '{"chatbot": {}, "ChatBot": {}}'],
  ];
  for (const [name, doc] of cases) assert.throws(() => parse(doc), malformed, name);
});
