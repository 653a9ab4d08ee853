// Follows README.md's tour command by command, as a newcomer on a fresh clone does: the shell blocks
// marked `<!-- tour -->` run in order in bash (the real AWS CLI, `npx chattrail` from this build),
// the chat command is sent through the Slack test peer, and `<!-- tour: output -->` blocks are checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from './harness.js';
import { startSlackPeer, type SlackPeer } from '../slack-peer/peer.js';
import { appMention, sendEvent } from '../slack-peer/events.js';
import { freePort } from '../support/ports.js';
import type { AdminCredentials } from '../../src/identity/accounts.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(HERE, '..', '..', 'src', 'cli', 'main.js');
/** The README sits at the repository root, above dist/ or .build/<name>/. */
function readmePath(): string {
  let dir = HERE;
  while (!fs.existsSync(path.join(dir, 'README.md')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'README.md');
}

export type TourStep =
  | { kind: 'sh'; command: string; waits: boolean; line: number }
  | { kind: 'chat'; text: string; line: number }
  | { kind: 'output'; lines: string[]; line: number };

/** The tour's steps in document order: marked shell blocks, `@aws ...` chat commands, shown outputs. */
export function tourSteps(readme: string): TourStep[] {
  const all = readme.split('\n');
  const from = all.findIndex((l) => l.startsWith('## A five-minute tour'));
  const to = all.findIndex((l, i) => i > from && /^## (?!A five)/.test(l));
  const steps: TourStep[] = [];
  let marker: 'sh' | 'output' | undefined;
  for (let i = from; i < to; i++) {
    const line = all[i];
    const fence = /^(\s*)```/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < to && !/^\s*```\s*$/.test(all[i]); i++) body.push(all[i].slice(fence[1].length));
      if (marker === 'output') steps.push({ kind: 'output', lines: body, line: i + 1 - body.length });
      if (marker === 'sh') steps.push(...splitCommands(body, i + 1 - body.length));
      marker = undefined;
    } else if (/^\s*<!-- tour: output/.test(line)) marker = 'output';
    else if (/^\s*<!-- tour\b/.test(line)) marker = 'sh';
    else for (const m of line.matchAll(/`(@aws [^`]+)`/g)) steps.push({ kind: 'chat', text: m[1], line: i + 1 });
  }
  return steps;
}

/** Shell lines into commands: continuations and multi-line quotes joined; a `# ... later` comment
 *  (or `after`) before a command means the reader waits, so the command is retried until it succeeds. */
function splitCommands(body: string[], firstLine: number): TourStep[] {
  const out: TourStep[] = [];
  let cur = '';
  let start = 0;
  let quote: string | undefined;
  let waits = false;
  body.forEach((line, n) => {
    if (!cur && /^\s*(#|$)/.test(line)) { if (/\b(later|after)\b/.test(line)) waits = true; return; }
    if (!cur) start = firstLine + n;
    cur += (cur ? '\n' : '') + line;
    for (let c = 0; c < line.length; c++) {
      const ch = line[c];
      if (quote) { if (ch === quote) quote = undefined; } else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '#' && (c === 0 || /\s/.test(line[c - 1]))) break;
    }
    if (quote || line.endsWith('\\')) return;
    out.push({ kind: 'sh', command: cur, waits, line: start });
    cur = '';
    waits = false;
  });
  return out;
}

/** What a reader puts in for the README's placeholders, and nothing else. */
function substitute(command: string, s: { url: string; account: string; configArn: string }): string {
  const slack: Record<string, string> = { CLIENT_ID: 'cid.tour', CLIENT_SECRET: 'csecret.tour', SIGNING_SECRET: SIGNING_SECRET };
  return command
    .replaceAll('https://chattrail.example.com', s.url)
    .replaceAll('<account>', s.account)
    .replaceAll('<arn>', s.configArn)
    .replace(/CHATTRAIL_SLACK_(CLIENT_ID|CLIENT_SECRET|SIGNING_SECRET)=\.\.\./g, (_, k: string) => `CHATTRAIL_SLACK_${k}=${slack[k]}`);
}

/** What the README says a command shows, where it says it in prose or a comment. */
const SAYS: [RegExp, RegExp][] = [
  [/sts get-caller-identity$/, /"Arn": "arn:aws:iam::\d{12}:user\/admin"/],
  [/lookup-events --max-results 5/, /"EventName": "GetCallerIdentity"/],
  [/AttributeValue=CreateUser/, /"EventName": "CreateUser"[\s\S]*"userName\\":\\"alice\\"/],
  [/slack connect/, /Connected Slack workspace My Workspace \(T0123\)\./],
  [/AttributeValue=ListFunctions20150331/, /assumed-role\/chatops\/chatbot-session/],
  [/s3 ls --recursive/, /AWSLogs\/\d{12}\/CloudTrail\/us-east-1\/.*\.json\.gz/],
];

const SIGNING_SECRET = 'tour-signing-secret';
let peer: SlackPeer;
let srv: TestServer | undefined;
let work: string;

before(async () => {
  peer = await startSlackPeer();
  peer.addWorkspace({ teamId: 'T0123', teamName: 'My Workspace', channels: [{ id: 'C0456', name: 'ops' }], users: [{ id: 'U0READER', name: 'reader' }] });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-tour-'));
});

after(async () => {
  await srv?.app.close();
  await peer?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

interface ShResult { code: number | null; stdout: string; stderr: string }

/** Runs one command in bash with the reader's environment, and keeps what it exports (eval, export). */
async function sh(command: string, env: Record<string, string>, onStdout?: (all: string) => void): Promise<ShResult> {
  const envFile = path.join(work, 'env');
  const npx = `npx() { if [ "$1" = chattrail ]; then shift; node '${CLI}' "$@"; else command npx "$@"; fi; }`;
  const script = `${npx}\n${command}\n__tour_rc=$?\nenv -0 > '${envFile}'\nexit $__tour_rc\n`;
  const child = spawn('bash', ['-c', script], { cwd: path.join(work, 'home'), env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); onStdout?.(stdout); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (fs.existsSync(envFile)) {
    for (const k of Object.keys(env)) delete env[k];
    for (const kv of fs.readFileSync(envFile, 'utf8').split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0 && !['_', 'SHLVL', 'OLDPWD'].includes(kv.slice(0, eq))) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    fs.rmSync(envFile);
  }
  return { code, stdout, stderr };
}

/** `kill %1`, `wait %1` and `[VAR=value ...] npm start &`: the server's life, on the reader's port and data folder. */
async function serverStep(command: string, env: Record<string, string>, admin: AdminCredentials | undefined): Promise<TestServer | undefined> {
  let started: TestServer | undefined;
  for (const part of command.replace(/\s#.*$/, '').split(';').map((p) => p.trim())) {
    if (part === 'kill %1') { await srv?.app.close(); srv = undefined; continue; }
    if (part === 'wait %1') continue;
    const m = /^((?:[A-Z_]+=\S+\s+)*)npm start\s*&?$/.exec(part);
    assert.ok(m, `a server step the test does not know: ${part}`);
    const inline = Object.fromEntries(m[1].trim().split(/\s+/).filter(Boolean).map((a) => a.split('=', 2) as [string, string]));
    const settings = Object.fromEntries(Object.entries({ ...env, ...inline }).filter(([k]) => k.startsWith('CHATTRAIL_')));
    started = await startTestServer(settings, {}, admin ? { dataDir: env.CHATTRAIL_DATA_DIR, admin } : undefined);
    // The harness made a folder of its own before it read CHATTRAIL_DATA_DIR; the reader's is kept.
    if (started.dataDir !== env.CHATTRAIL_DATA_DIR) fs.rmSync(started.dataDir, { recursive: true, force: true });
  }
  return started;
}

/** A `<!-- tour: output -->` line: `...` stands for anything, and `1/1` for any count that is all valid. */
function outputLine(line: string): RegExp {
  const escaped = line.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replaceAll('\\.\\.\\.', '.*').replace(/\d+\/\d+/, '(\\d+)/\\1').replace(/\s+/g, '\\s+'), 'm');
}

test('README tour steps are found in order', () => {
  const steps = tourSteps(fs.readFileSync(readmePath(), 'utf8'));
  const commands = steps.filter((s) => s.kind === 'sh').map((s) => (s as { command: string }).command);
  assert.equal(commands[0].replace(/\s+#.*/, ''), 'npm start &');
  assert.ok(commands.some((c) => c.startsWith('aws s3api put-bucket-policy') && c.includes('"Resource":"arn:aws:s3:::audit-logs/AWSLogs/*"}]}\'')), 'a quoted policy over three lines is one command');
  assert.deepEqual(steps.filter((s) => s.kind === 'chat').map((s) => (s as { text: string }).text), ['@aws lambda list-functions --region us-west-2', '@aws ec2 describe-instances --region us-west-2']);
  const validate = steps.findIndex((s) => s.kind === 'sh' && s.command.startsWith('aws cloudtrail validate-logs'));
  assert.ok(validate > 0 && (steps[validate] as { waits: boolean }).waits && steps[validate + 1].kind === 'output');
});

test('the README tour runs start to finish as written', { timeout: 120_000 }, async () => {
  fs.mkdirSync(path.join(work, 'home'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The reader's shell: a fresh home; the port and data folder a reader would pick; Slack is the peer.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '', HOME: path.join(work, 'home'),
    CHATTRAIL_PORT: String(port), CHATTRAIL_DATA_DIR: path.join(work, 'data'), CHATTRAIL_SLACK_API_URL: peer.url,
  };
  const sub = { url, account: '', configArn: '' };
  let admin: AdminCredentials | undefined;
  let last: ShResult | undefined;
  let lastCommand = '';
  let ts = 1800000000;
  const steps = tourSteps(fs.readFileSync(readmePath(), 'utf8'));
  for (const step of steps) {
    const where = `README.md:${step.line}`;
    if (step.kind === 'output') {
      assert.ok(last, `${where}: output shown before any command`);
      for (const l of step.lines.filter((x) => x.trim())) assert.match(last.stdout, outputLine(l), `${where}: \`${lastCommand}\` shows this line`);
      continue;
    }
    if (step.kind === 'chat') {
      const bot = peer.bot('T0123').userId;
      const at = `${++ts}.000100`;
      const text = step.text.replace(/^@aws/, `<@${bot}>`);
      const r = await sendEvent(`${url}/slack/events`, SIGNING_SECRET, appMention({ teamId: 'T0123', channel: 'C0456', user: 'U0READER', text, ts: at }), { teamId: 'T0123', botUserId: bot });
      assert.equal(r.status, 200, where);
      const reply = (await peer.waitForPost((p) => p.channel === 'C0456' && p.thread_ts === at, 10_000)).text ?? '';
      const [service, command] = step.text.replace(/^@aws\s+/, '').split(/\s+/);
      assert.match(reply, new RegExp(`^\\*${service} ${command} \\(`), `${where}: answers in the thread`);
      assert.doesNotMatch(reply, /failed/, where);
      continue;
    }
    const command = substitute(step.command, sub);
    lastCommand = command;
    if (/\bnpm start\b/.test(command)) {
      const started = await serverStep(command, env, admin);
      if (started) srv = started;
      admin ??= srv?.admin;
      sub.account = admin?.accountId ?? '';
      continue;
    }
    const deadline = Date.now() + (step.waits ? 40_000 : 0);
    for (;;) {
      last = await sh(command, env, /slack connect/.test(command) ? approveInBrowser(url) : undefined);
      const said = SAYS.find(([c]) => c.test(command))?.[1];
      const next = steps[steps.indexOf(step) + 1];
      const shown = next?.kind === 'output' ? next.lines.filter((x) => x.trim()).every((l) => outputLine(l).test(last!.stdout)) : true;
      if ((last.code === 0 && (!said || said.test(last.stdout)) && shown) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(last.code, 0, `${where}: \`${command}\` exits 0\n${last.stderr}`);
    const said = SAYS.find(([c]) => c.test(command))?.[1];
    if (said) assert.match(last.stdout + last.stderr, said, `${where}: \`${command}\``);
    await afterCommand(command, last, sub, where);
  }
  assert.ok(srv, 'the tour leaves chattrail running');
});

/** What follows a command in the reader's world: they note the configuration ARN, Slack shows the post. */
async function afterCommand(command: string, r: ShResult, sub: { configArn: string; account: string }, where: string): Promise<void> {
  if (/create-slack-channel-configuration/.test(command)) {
    sub.configArn = (JSON.parse(r.stdout) as { ChannelConfiguration: { ChatConfigurationArn: string } }).ChannelConfiguration.ChatConfigurationArn;
  }
  if (/aws sns publish/.test(command)) {
    const post = await peer.waitForPost((p) => p.channel === 'C0456' && JSON.stringify(p).includes('Deploy failed'), 10_000);
    assert.ok(post, `${where}: the notification is posted into the channel`);
  }
  if (/AWS_PROFILE=chattrail-staging .*get-caller-identity/.test(command)) {
    const account = (JSON.parse(r.stdout) as { Account: string }).Account;
    assert.match(account, /^\d{12}$/);
    assert.notEqual(account, sub.account, `${where}: the staging profile is another account`);
  }
}

/** The browser's part of `chattrail slack connect`: open the printed URL, approve, follow the redirect. */
function approveInBrowser(url: string): (stdout: string) => void {
  let done = false;
  return (stdout) => {
    const m = /^\s+(http\S+)$/m.exec(stdout);
    if (done || !m) return;
    done = true;
    const authorize = new URL(m[1]);
    const redirectUri = authorize.searchParams.get('redirect_uri') ?? '';
    assert.ok(redirectUri.startsWith(url), `the redirect goes to CHATTRAIL_PUBLIC_URL: ${redirectUri}`);
    const code = peer.issueOAuthCode('T0123', { clientId: 'cid.tour', clientSecret: 'csecret.tour', redirectUri });
    const callback = new URL(redirectUri);
    callback.searchParams.set('code', code);
    callback.searchParams.set('state', authorize.searchParams.get('state') ?? '');
    void fetch(callback).then((r) => r.text());
  };
}
