// The `chattrail` command: `start` runs the server; `aws ...` runs the AWS CLI against it with the
// first-start credentials (like awslocal); `account create NAME` adds an account with its admin;
// `slack connect|workspaces` connects a Slack workspace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { loadConfig, isLoopback, type Config } from '../common/config.js';
import { startChattrail } from '../server/app.js';
import { PROFILE, configFile, credentialsFile, existingProfile, writeProfile } from '../server/bootstrap.js';
import { readProfile } from './signed-client.js';
import { connectWorkspace, listWorkspaces } from './slack.js';

const USAGE = `usage: chattrail <command>
  start [--port N] [--host H] [--data-dir D] [--region R]    run the server (default command)
        [--durability normal|full] [--log-level debug|info|warn|error]
  aws <aws cli arguments...>                                  run the AWS CLI against chattrail
  account create <name>                                       add an account with an admin user
  env                                                         print shell exports for AWS SDKs
  slack connect                                               print Slack's authorize URL, wait for the workspace
  slack workspaces                                            list the Slack workspaces connected to the account
  --version                                                   print chattrail's version
aws, account, env and slack find the server and its data folder through CHATTRAIL_PORT, CHATTRAIL_HOST and
CHATTRAIL_DATA_DIR (and CHATTRAIL_DATABASE_URL), so give them the same settings as the server.`;

async function start(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  const app = await startChattrail(config);
  const creds = credentialsFile(config.dataDir);
  process.stdout.write(`chattrail listening on ${app.url} (region ${config.region}, data in ${config.dataDir})\n`);
  if (app.firstAdmin) {
    process.stdout.write(`Created account ${app.firstAdmin.accountId} with IAM user 'admin' (AdministratorAccess).\n` +
      `Its access key is in ${creds} (profile '${PROFILE}'). Try:\n` +
      `  ${helperPrefix(config)}npx chattrail aws sts get-caller-identity\n` +
      `  AWS_SHARED_CREDENTIALS_FILE=${creds} AWS_PROFILE=${PROFILE} aws --endpoint-url ${app.url} cloudtrail lookup-events --max-results 5\n`);
  }
  if (!isLoopback(config.host)) process.stdout.write(`warning: listening on ${config.host}, reachable from other machines; put TLS in front of it.\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info('shutting down', { signal });
    app.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The settings `chattrail aws/env/account` need in front of them when the server runs off its defaults. */
function helperPrefix(config: Config): string {
  const defaults = loadConfig([], {});
  const parts: string[] = [];
  if (config.port !== defaults.port) parts.push(`CHATTRAIL_PORT=${config.port}`);
  if (config.host !== defaults.host) parts.push(`CHATTRAIL_HOST=${config.host}`);
  if (config.dataDir !== defaults.dataDir) parts.push(`CHATTRAIL_DATA_DIR=${config.dataDir}`);
  return parts.length ? `${parts.join(' ')} ` : '';
}

/** Where a client on this machine reaches the server (a wildcard listen address is not dialable). */
function endpointOf(config: Config): string {
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}`;
}

function awsEnv(config: Config): NodeJS.ProcessEnv {
  // AWS_ENDPOINT_URL too, not only --endpoint-url: commands that make clients of their own
  // (cloudtrail validate-logs reads S3 and Organizations) must reach chattrail as well.
  return {
    ...process.env, AWS_SHARED_CREDENTIALS_FILE: credentialsFile(config.dataDir), AWS_CONFIG_FILE: configFile(config.dataDir),
    AWS_PROFILE: process.env.AWS_PROFILE ?? PROFILE, AWS_ENDPOINT_URL: endpointOf(config),
  };
}

function runAws(args: string[]): void {
  const config = loadConfig([]);
  if (!fs.existsSync(credentialsFile(config.dataDir))) {
    process.stderr.write(`no credentials in ${config.dataDir}: start chattrail first (npm start)\n`);
    process.exit(1);
  }
  const child = spawn('aws', ['--endpoint-url', endpointOf(config), ...args], { stdio: 'inherit', env: awsEnv(config) });
  child.on('exit', (code) => process.exit(code ?? 1));
  child.on('error', (e) => { process.stderr.write(`could not run the AWS CLI: ${e.message}\n`); process.exit(1); });
}

async function accountCreate(name: string | undefined): Promise<void> {
  if (!name) throw new Error('usage: chattrail account create <name>');
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/.test(name)) throw new Error(`account names are letters, digits, '.', '_' and '-' (at most 50), got '${name}'`);
  const config = loadConfig([]);
  const profile = `${PROFILE}-${name}`;
  if (existingProfile(config.dataDir, profile)) {
    throw new Error(`profile '${profile}' already exists in ${credentialsFile(config.dataDir)}: pick another name`);
  }
  // Uses the storage directly: an account is created by the operator, not through an API call.
  const { openStores } = await import('../storage/stores.js');
  const { SecretBox, loadMasterKey } = await import('../storage/secrets.js');
  const { IdentityStore } = await import('../identity/store.js');
  const { createAccount } = await import('../identity/accounts.js');
  const { systemClock, randomIds } = await import('../common/runtime.js');
  const stores = await openStores(config);
  const identity = new IdentityStore(stores.documents, new SecretBox(loadMasterKey(config.dataDir, config.masterKey)));
  const creds = await createAccount(identity, randomIds, systemClock, name);
  await stores.close();
  writeProfile(config.dataDir, profile, creds, config.region);
  process.stdout.write(`account ${creds.accountId} created; its admin key is in ${credentialsFile(config.dataDir)} (profile '${profile}')\n`);
}

/** `slack connect` / `slack workspaces`, as the profile's user (AWS_PROFILE, default `chattrail`). */
async function slackCommand(args: string[]): Promise<void> {
  const [sub, ...extra] = args;
  if ((sub !== 'connect' && sub !== 'workspaces') || extra.length) throw new Error(`usage: chattrail slack connect | chattrail slack workspaces`);
  const config = loadConfig([]);
  const profile = process.env.AWS_PROFILE ?? PROFILE;
  const credentials = readProfile(credentialsFile(config.dataDir), profile);
  if (!credentials) throw new Error(`no profile '${profile}' in ${credentialsFile(config.dataDir)}: start chattrail first (npm start)`);
  const target = { endpoint: endpointOf(config), region: config.region, credentials, waitMs: 10 * 60_000, out: (l: string) => process.stdout.write(`${l}\n`) };
  if (sub === 'connect') await connectWorkspace(target);
  else await listWorkspaces(target);
}

/** chattrail's version and the versions of the AWS data it ships. */
async function versionLine(): Promise<string> {
  const { readFileSync, existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const path = await import('node:path');
  // The nearest package.json above the compiled file is chattrail's own.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  const { dataVersions } = await import('../policy/data-versions.js');
  return [`chattrail ${pkg.version}`, ...dataVersions().map((d) => `${d.name} ${d.version}`)].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const [cmd = 'start', ...rest] = argv;
  switch (cmd) {
    case 'start': return start(rest);
    case 'aws': return runAws(rest);
    case 'account': return rest[0] === 'create' ? accountCreate(rest[1]) : Promise.reject(new Error(USAGE));
    case 'slack': return slackCommand(rest);
    case '--version': case 'version':
      process.stdout.write(`${await versionLine()}\n`);
      return;
    case 'env': {
      const config = loadConfig([]);
      process.stdout.write(`export AWS_SHARED_CREDENTIALS_FILE=${credentialsFile(config.dataDir)}\nexport AWS_CONFIG_FILE=${configFile(config.dataDir)}\nexport AWS_PROFILE=${PROFILE}\nexport AWS_ENDPOINT_URL=${endpointOf(config)}\n`);
      return;
    }
    case '--help': case '-h': case 'help':
      process.stdout.write(USAGE + '\n');
      return;
    default:
      throw new Error(`unknown command '${cmd}'\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
