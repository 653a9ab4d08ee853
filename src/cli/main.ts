// The `chattrail` command: `start` runs the server; `aws ...` runs the AWS CLI against it with the
// first-start credentials (like awslocal); `account create NAME` adds an account with its admin.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { loadConfig, isLoopback } from '../config.js';
import { startChattrail } from '../server/app.js';
import { PROFILE, configFile, credentialsFile, writeProfile } from '../server/bootstrap.js';

const USAGE = `usage: chattrail <command>
  start [--port N] [--host H] [--data-dir D] [--region R]   run the server (default command)
  aws <aws cli arguments...>                                 run the AWS CLI against chattrail
  account create <name>                                      add an account with an admin user
  env                                                        print shell exports for AWS SDKs`;

async function start(argv: string[]): Promise<void> {
  const config = loadConfig(argv);
  const app = await startChattrail(config);
  const creds = credentialsFile(config.dataDir);
  process.stdout.write(`chattrail listening on ${app.url} (region ${config.region}, data in ${config.dataDir})\n`);
  if (app.firstAdmin) {
    process.stdout.write(`Created account ${app.firstAdmin.accountId} with IAM user 'admin' (AdministratorAccess).\n` +
      `Its access key is in ${creds} (profile '${PROFILE}'). Try:\n` +
      `  npx chattrail aws sts get-caller-identity\n` +
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

function awsEnv(dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, AWS_SHARED_CREDENTIALS_FILE: credentialsFile(dataDir), AWS_CONFIG_FILE: configFile(dataDir), AWS_PROFILE: process.env.AWS_PROFILE ?? PROFILE };
}

function runAws(args: string[]): void {
  const config = loadConfig([]);
  if (!fs.existsSync(credentialsFile(config.dataDir))) {
    process.stderr.write(`no credentials in ${config.dataDir}: start chattrail first (npm start)\n`);
    process.exit(1);
  }
  const endpoint = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
  const child = spawn('aws', ['--endpoint-url', endpoint, ...args], { stdio: 'inherit', env: awsEnv(config.dataDir) });
  child.on('exit', (code) => process.exit(code ?? 1));
  child.on('error', (e) => { process.stderr.write(`could not run the AWS CLI: ${e.message}\n`); process.exit(1); });
}

async function accountCreate(name: string | undefined): Promise<void> {
  if (!name) throw new Error('usage: chattrail account create <name>');
  const config = loadConfig([]);
  // Uses the storage directly: an account is created by the operator, not through an API call.
  const { openStores } = await import('../storage/stores.js');
  const { SecretBox, loadMasterKey } = await import('../storage/secrets.js');
  const { IdentityStore } = await import('../services/iam/store.js');
  const { createAccount } = await import('../services/iam/accounts.js');
  const { systemClock, randomIds } = await import('../server/runtime.js');
  const stores = await openStores(config);
  const identity = new IdentityStore(stores.documents, new SecretBox(loadMasterKey(config.dataDir, config.masterKey)));
  const creds = await createAccount(identity, randomIds, systemClock, name);
  await stores.close();
  const profile = `${PROFILE}-${name}`;
  writeProfile(config.dataDir, profile, creds, config.region);
  process.stdout.write(`account ${creds.accountId} created; its admin key is in ${credentialsFile(config.dataDir)} (profile '${profile}')\n`);
}

async function main(argv: string[]): Promise<void> {
  const [cmd = 'start', ...rest] = argv;
  switch (cmd) {
    case 'start': return start(rest);
    case 'aws': return runAws(rest);
    case 'account': return rest[0] === 'create' ? accountCreate(rest[1]) : Promise.reject(new Error(USAGE));
    case 'env': {
      const config = loadConfig([]);
      process.stdout.write(`export AWS_SHARED_CREDENTIALS_FILE=${credentialsFile(config.dataDir)}\nexport AWS_CONFIG_FILE=${configFile(config.dataDir)}\nexport AWS_PROFILE=${PROFILE}\nexport AWS_ENDPOINT_URL=http://${config.host}:${config.port}\n`);
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
