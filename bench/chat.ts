// Chat command round trip: a signed Slack `app_mention` in → chat.postMessage out at the local
// Slack peer, with 20 channels asking at once. Each command is a real AssumeRole (as
// chatbot.amazonaws.com) plus the call, both recorded durably, then the answer posted to Slack.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/common/config.js';
import { startChattrail } from '../src/server/app.js';
import { createLogger } from '../src/common/runtime.js';
import { openChatbotStore } from '../src/services/chatbot/module.js';
import { SecretBox, loadMasterKey } from '../src/storage/secrets.js';
import { startSlackPeer } from '../test/slack-peer/peer.js';
import { appMention, sendEvent } from '../test/slack-peer/events.js';
import { startChattrail as spawnChattrail } from './processes.js';

export interface BenchRow { metric: string; value: string; peer: string; ratio: string; target: string; pass: boolean }

const SECRET = 'bench-signing-secret';
const TEAM = 'T0BENCH';
const CHANNELS = 20;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function runChatBench(rounds = Number(process.env.BENCH_CHAT_ROUNDS ?? 25)): Promise<BenchRow[]> {
  const peer = await startSlackPeer();
  const channels = Array.from({ length: CHANNELS }, (_, i) => ({ id: `C0B${String(i).padStart(4, '0')}`, name: `bench-${i}` }));
  peer.addWorkspace({ teamId: TEAM, teamName: 'Bench', channels, users: [{ id: 'U0BENCH', name: 'bench' }] });
  const bot = peer.bot(TEAM);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-chat-bench-'));
  const env = { CHATTRAIL_REGION: 'us-east-2', CHATTRAIL_SLACK_API_URL: peer.url, CHATTRAIL_SLACK_SIGNING_SECRET: SECRET };
  // Set up in-process, then measure the real server in its own process (as deployed), so the
  // Slack peer and this load generator do not share its event loop.
  const app = await startChattrail(loadConfig([], { CHATTRAIL_PORT: '0', CHATTRAIL_DATA_DIR: dataDir, ...env }), { logger: createLogger('error') });
  let server: Awaited<ReturnType<typeof spawnChattrail>> | undefined;
  try {
    const accountId = app.firstAdmin!.accountId;
    // Workspace and configurations straight into storage: the benchmark measures commands, not setup.
    const store = openChatbotStore({ config: app.config, stores: app.stores, box: new SecretBox(loadMasterKey(dataDir)), logger: app.logger });
    await store.saveInstallation(accountId, app.firstAdmin!.userName, {
      teamId: TEAM, teamName: 'Bench', botUserId: bot.userId, botToken: bot.token, installedAt: new Date(), scopes: [],
    } as never);
    await app.identity.createRole(accountId, {
      roleName: 'bench-chat', roleId: 'AROABENCHBENCHBENCH00', arn: `arn:aws:iam::${accountId}:role/bench-chat`, path: '/', createDate: new Date(),
      assumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      maxSessionDuration: 3600, tags: [], inlinePolicies: {}, attachedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    });
    for (const c of channels) {
      const name = c.name;
      await store.slackConfigs.put(accountId, name, {
        SlackTeamName: 'Bench', SlackTeamId: TEAM, SlackChannelId: c.id, SlackChannelName: c.name,
        ChatConfigurationArn: `arn:aws:chatbot::${accountId}:chat-configuration/slack-channel/${name}`,
        IamRoleArn: `arn:aws:iam::${accountId}:role/bench-chat`, SnsTopicArns: [], ConfigurationName: name, LoggingLevel: 'NONE',
        GuardrailPolicyArns: [], UserAuthorizationRequired: false, Tags: [], State: 'ENABLED', CreatedAt: new Date(), AccountId: accountId,
      } as never);
    }
    await app.close();
    Object.assign(process.env, env);
    server = await spawnChattrail(dataDir);
    const url = server.url;
    // Slack keeps connections to an app open; so does this load generator.
    const agent = new http.Agent({ keepAlive: true, maxSockets: CHANNELS });
    let ts = 1800000000;
    const once = async (channel: string): Promise<number> => {
      const id = `${++ts}.000100`;
      const start = performance.now();
      const waiting = peer.waitForPost((p) => p.thread_ts === id, 10_000);
      await sendEvent(`${url}/slack/events`, SECRET, appMention({ teamId: TEAM, channel, user: 'U0BENCH', text: `<@${bot.userId}> sts get-caller-identity`, ts: id }), { teamId: TEAM, botUserId: bot.userId, agent });
      await waiting;
      return performance.now() - start;
    };
    // Warm-up, not measured: compiles the hot paths and opens the keep-alive connections (load
    // generator → chattrail → Slack peer) that a running deployment already has.
    for (const c of channels.slice(0, 5)) await once(c.id);
    for (let r = 0; r < 2; r++) await Promise.all(channels.map((c) => once(c.id)));
    const samples: number[] = [];
    if (process.env.BENCH_CHAT_SEQUENTIAL) { for (let i = 0; i < 20; i++) { const t = await once(channels[0].id); process.stderr.write(`seq ${t.toFixed(1)}\n`); } }
    for (let r = 0; r < rounds; r++) {
      const round = await Promise.all(channels.map((c) => once(c.id)));
      if (process.env.BENCH_CHAT_TRACE) process.stderr.write(`round ${r}: min ${Math.min(...round).toFixed(1)} max ${Math.max(...round).toFixed(1)}\n`);
      samples.push(...round);
    }
    samples.sort((a, b) => a - b);
    const p50 = percentile(samples, 50);
    const p99 = percentile(samples, 99);
    return [
      { metric: `chat command round trip p50 (${CHANNELS} channels, ${samples.length} cmds)`, value: `${p50.toFixed(1)} ms`, peer: '-', ratio: '-', target: '-', pass: true },
      { metric: `chat command round trip p99 (${CHANNELS} channels)`, value: `${p99.toFixed(1)} ms`, peer: '-', ratio: '-', target: '< 50 ms', pass: p99 < 50 },
    ];
  } finally {
    await server?.stop();
    await app.close();
    await peer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runChatBench().then((rows) => { for (const r of rows) console.log(`${r.metric}: ${r.value} (target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`); }, (e: unknown) => { console.error(e); process.exit(1); });
}
