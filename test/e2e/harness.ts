// Starts a real chattrail (random port, temporary data folder) for end-to-end tests, and drives it
// with the real AWS CLI and AWS SDK v3 clients using the first-start administrator's credentials.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig, type Config } from '../../src/common/config.js';
import { startChattrail, type Chattrail, type StartOptions } from '../../src/server/app.js';
import type { AdminCredentials } from '../../src/identity/accounts.js';
import { createLogger } from '../../src/common/runtime.js';

const execFileP = promisify(execFile);

export interface TestServer {
  app: Chattrail;
  url: string;
  admin: AdminCredentials;
  dataDir: string;
  /** Runs `aws --endpoint-url <url> ...args` as the admin (or other creds); parses JSON stdout. */
  aws(args: string[], opts?: AwsRunOptions): Promise<AwsResult>;
  /** Credentials + endpoint for AWS SDK v3 clients. */
  sdkConfig(region?: string, creds?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): SdkConfig;
  stop(): Promise<void>;
}

export interface AwsRunOptions {
  region?: string;
  creds?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  env?: Record<string, string>;
}

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface SdkConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  forcePathStyle: boolean;
  maxAttempts: number;
}

/** Restarting on an existing data folder: no first start, so the earlier administrator is reused. */
export interface ReuseOptions {
  dataDir: string;
  admin: AdminCredentials;
}

export async function startTestServer(env: Record<string, string> = {}, opts: StartOptions = {}, reuse?: ReuseOptions): Promise<TestServer> {
  const dataDir = reuse?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-test-'));
  // The tests' SNS endpoints listen on loopback, which chattrail refuses by default: allowed here
  // explicitly (security-outbound.test.ts passes '' to test the default).
  const config: Config = loadConfig([], {
    CHATTRAIL_PORT: '0', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error', CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: '127.0.0.0/8', ...env,
  });
  const app = await startChattrail(config, { logger: createLogger('error'), ...opts });
  const admin = app.firstAdmin ?? reuse?.admin;
  if (!admin) throw new Error('test server did not create an administrator');
  const url = app.url;
  return {
    app, url, admin, dataDir,
    async aws(args, o = {}) {
      const creds = o.creds ?? admin;
      const env2: Record<string, string> = {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(),
        AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_DEFAULT_REGION: o.region ?? 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_MAX_ATTEMPTS: '1', AWS_RETRY_MODE: 'standard', AWS_PAGER: '', ...o.env,
      };
      if ('sessionToken' in creds && creds.sessionToken) env2.AWS_SESSION_TOKEN = creds.sessionToken;
      try {
        const { stdout, stderr } = await execFileP('aws', ['--endpoint-url', url, '--output', 'json', ...args], { env: env2, maxBuffer: 64 * 1024 * 1024 });
        return { code: 0, stdout, stderr, json: parseJsonOrUndefined(stdout) };
      } catch (e) {
        const err = e as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof err.code === 'number' ? err.code : 1, stdout: err.stdout ?? '', stderr: err.stderr ?? String(e), json: undefined };
      }
    },
    sdkConfig(region = 'us-east-1', creds) {
      const c = creds ?? { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
      return { endpoint: url, region, credentials: c, forcePathStyle: true, maxAttempts: 1 };
    },
    async stop() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `aws s3 ...` prints text, every other command JSON. */
function parseJsonOrUndefined(stdout: string): unknown {
  try { return stdout.trim() ? JSON.parse(stdout) : undefined; } catch { return undefined; }
}

/** The error code the AWS CLI printed: `An error occurred (Code) when calling ...`. */
export function cliErrorCode(r: AwsResult): string | undefined {
  return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1];
}
