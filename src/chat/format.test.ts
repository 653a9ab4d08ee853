import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countLabel, formatResult, MAX_ROWS, MAX_TABLE_WIDTH, outline } from './format.js';

const arn = (n: string) => `arn:aws:iam::123456789012:user/${n}`;
const user = (n: string) => ({ Path: '/', UserName: n, UserId: `AIDA${n.toUpperCase().padEnd(17, 'X')}`, Arn: arn(n), CreateDate: new Date('2026-01-02T03:04:05Z') });

test('tables stay narrow enough for Slack and shorten timestamps', () => {
  const names = ['admin', 'a-rather-long-user-name-indeed', 'bob'];
  const r = formatResult('iam list-users (global)', { Users: names.map(user), IsTruncated: false }, 'text');
  const body = /```([\s\S]*)```/.exec(r.text)![1];
  for (const line of body.split('\n')) assert.ok(line.length <= MAX_TABLE_WIDTH, `too wide: ${line}`);
  assert.match(body, /^UserName/);
  assert.match(body, /2026-01-02T03:04:05Z/);
  assert.doesNotMatch(body, /\.000Z/);
  assert.doesNotMatch(r.text, /IsTruncated/);
  assert.match(r.text, /^\*iam list-users \(global\): 3 users\*/);
  assert.equal(r.attachment, undefined);
});

test('counts read as words: trailList, singulars, empty lists', () => {
  assert.equal(countLabel('trailList', 0), '0 trails');
  assert.equal(countLabel('Users', 1), '1 user');
  assert.equal(countLabel('Policies', 1), '1 policy');
  assert.equal(countLabel('SlackChannelConfigurations', 2), '2 slack channel configurations');
  assert.match(formatResult('cloudtrail describe-trails (us-east-2)', { trailList: [] }, 'text').text, /: 0 trails\*\n```\(no trails\)```/);
});

test('more rows than shown: a count, and the full result attached', () => {
  const users = Array.from({ length: 60 }, (_, i) => user(`u${i}`));
  const r = formatResult('iam list-users (global)', { Users: users }, 'text');
  assert.match(r.text, /: 60 users\*/);
  assert.match(r.text, new RegExp(`Showing ${MAX_ROWS} of 60\\. The full result is attached\\.`));
  assert.ok(r.attachment, 'attached even though the text is short');
  assert.equal((JSON.parse(r.attachment.content) as { Users: unknown[] }).Users.length, 60);
  assert.equal(r.attachment.filename, 'iam-list-users-global.json');
});

test('a text too long is cut at a line, never mid-row', () => {
  const events = Array.from({ length: 20 }, (_, i) => ({ EventName: `E${i}`, Detail: 'x'.repeat(300) }));
  const r = formatResult('t', { Thing: { Events: events } }, 'text');
  assert.ok(r.attachment);
  assert.ok(r.text.length <= 3500);
  assert.match(r.text, /_Truncated: \d+ more lines\. The full result is attached\._$/);
  const body = /```([\s\S]*)```/.exec(r.text)![1];
  const details = body.split('\n').filter((l) => l.includes('Detail'));
  assert.ok(details.length > 0 && details.every((l) => l === `      Detail: ${'x'.repeat(300)}`), 'whole lines only');
});

test('objects read as indented key: value lines, not JSON', () => {
  const r = formatResult('iam create-user (global)', { User: { ...user('bob'), Tags: [{ Key: 'team', Value: 'a b' }] } }, 'text');
  assert.doesNotMatch(r.text, /\{"/);
  assert.match(r.text, /User:\n {2}Path: \/\n {2}UserName: bob\n/);
  assert.match(r.text, /CreateDate: 2026-01-02T03:04:05Z/);
  assert.match(r.text, /Tags:\n {4}- Key: team\n {6}Value: a b/);
  assert.deepEqual(outline({ A: ['x', 'y'], B: {}, C: [] }), ['A: x, y', 'C: (none)']);
});

test('URL-encoded IAM policy documents are shown decoded, as the AWS CLI does', () => {
  const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] }));
  const r = formatResult('iam get-role (global)', { Role: { RoleName: 'r', AssumeRolePolicyDocument: doc } }, 'text');
  assert.doesNotMatch(r.text, /%7B/);
  assert.match(r.text, /AssumeRolePolicyDocument:\n {4}Version: 2012-10-17\n {4}Statement:\n {6}- Effect: Allow/);
  const j = formatResult('iam get-role (global)', { Role: { AssumeRolePolicyDocument: doc } }, 'json');
  assert.match(j.text, /"Service": "chatbot.amazonaws.com"/);
});

test('a next page is offered as the option to add', () => {
  const r = formatResult('iam list-users (global)', { Users: [user('a')], IsTruncated: true, Marker: 'abc' }, 'text');
  assert.match(r.text, /_More results: add_ `--marker abc`$/);
  assert.doesNotMatch(r.text, /IsTruncated|Marker:/);
  const l = formatResult('lambda list-functions (us-west-2)', { Functions: [], NextMarker: 'm1' }, 'text');
  assert.match(l.text, /`--marker m1`/);
  const c = formatResult('cloudtrail lookup-events (us-east-2)', { Events: [], NextToken: 't1' }, 'text');
  assert.match(c.text, /`--next-token t1`/);
});
