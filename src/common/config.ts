// The one typed configuration object, read once from flags and environment variables (flags win).
// Nothing else in chattrail reads process.env. Every setting is documented in the README.
import path from 'node:path';
import { parseCidrList } from '../net/addresses.js';

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** This deployment's home region: where Chatbot processes commands and global work happens. */
  region: string;
  /** `full` also survives power loss (fsync per commit); `normal` survives a killed process. */
  durability: 'normal' | 'full';
  /** Base64 32-byte key sealing secrets at rest; generated into the data folder when absent. */
  masterKey?: string;
  /** Largest request body accepted (bytes); S3 object uploads have their own limit. */
  maxBodyBytes: number;
  maxObjectBytes: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  deliveryWindowSeconds: number;
  digestWindowSeconds: number;
  retentionDays: number;
  slack: {
    apiUrl: string;
    clientId?: string;
    clientSecret?: string;
    signingSecret?: string;
    /** Where Slack sends users back after authorizing (defaults to this server's /slack/oauth/callback). */
    redirectUri?: string;
  };
  /** The URL users reach this server at (OAuth redirects, console links). */
  publicUrl?: string;
  /** When set, trails deliver log and digest files to this S3-compatible endpoint instead of the embedded S3. */
  s3Delivery?: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  /**
   * CHATTRAIL_DATABASE_URL: when set, documents and events live in PostgreSQL instead of the
   * embedded SQLite file (unset: SQLite in the data folder, no setup). Form:
   * `postgres://user:password@host:5432/database?schema=chattrail` — `schema` (lower-case letters,
   * digits, _; default `public`) is chattrail's own query parameter, removed from the URL before it
   * reaches the driver, and the schema is created when missing. Other query parameters (sslmode,
   * options...) pass through to node-postgres. The data folder still holds objects, keys and the
   * credentials file, so every process sharing a database needs the same CHATTRAIL_MASTER_KEY.
   */
  database?: { url: string; schema: string };
  /**
   * CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS: the non-public addresses (loopback, private, link-local,
   * metadata...) that calls to tenant-supplied endpoints (SNS http/https) may reach: `true` for any,
   * or a comma-separated CIDR list. Unset, empty or `false`: public addresses only.
   */
  allowPrivateEndpoints: true | string[];
  /**
   * CHATTRAIL_TRUSTED_PROXIES: CIDR blocks of reverse proxies in front of chattrail. A request from
   * one is attributed to the right-most X-Forwarded-For address not itself trusted. Default: none.
   */
  trustedProxies: string[];
  /**
   * Issue 11: services chattrail does not emulate are forwarded to this AWS emulator (the backend)
   * after chattrail's own authentication, authorization and before its record. Unset: none.
   */
  backend?: BackendConfig;
}

export interface BackendConfig {
  /** `moto`: chattrail starts and supervises `command`; `url`: an emulator already running at `url`. */
  kind: 'moto' | 'url';
  /** CHATTRAIL_BACKEND_URL (kind `url`). */
  url?: string;
  /** CHATTRAIL_BACKEND_COMMAND: the executable started for kind `moto` (default `moto_server`, from PATH). */
  command: string;
  /** CHATTRAIL_BACKEND_TIMEOUT_SECONDS: bound on one forwarded call (default 30). */
  timeoutMs: number;
  /** CHATTRAIL_BACKEND_START_SECONDS: bound on the backend's start or restart (default 30). */
  startTimeoutMs: number;
  /** CHATTRAIL_BACKEND_EXCLUDE: services never forwarded (default `batch`: moto's batch runs Docker on the host). */
  exclude: string[];
}

type Env = Record<string, string | undefined>;

function flagValue(argv: string[], name: string): string | undefined {
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = argv[i];
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[i + 1];
}

function int(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer between ${min} and ${max}, got '${v}'`);
  return n;
}

function oneOf<T extends string>(name: string, v: string | undefined, allowed: readonly T[], dflt: T): T {
  if (v === undefined || v === '') return dflt;
  if (!allowed.includes(v as T)) throw new Error(`${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

/** The flags `chattrail start` takes; each also has a CHATTRAIL_* environment variable. */
export const FLAGS = ['port', 'host', 'data-dir', 'region', 'durability', 'log-level'] as const;

/** A misspelt flag must not start a server with a setting silently ignored. */
function checkFlags(argv: string[]): void {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = /^--([^=]+)/.exec(a)?.[1];
    if (!name || !(FLAGS as readonly string[]).includes(name)) {
      throw new Error(`unknown argument '${a}' (flags: ${FLAGS.map((f) => `--${f}`).join(', ')})`);
    }
    if (!a.includes('=')) i++; // its value
  }
}

export function loadConfig(argv: string[] = [], env: Env = process.env, cwd = process.cwd()): Config {
  checkFlags(argv);
  const get = (flag: string, envName: string) => flagValue(argv, flag) ?? env[envName];
  const region = get('region', 'CHATTRAIL_REGION') ?? 'us-east-1';
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`CHATTRAIL_REGION must be a region name like us-east-1, got '${region}'`);
  return {
    host: get('host', 'CHATTRAIL_HOST') ?? '127.0.0.1',
    port: int('CHATTRAIL_PORT', get('port', 'CHATTRAIL_PORT'), 4566, 0, 65535),
    dataDir: path.resolve(cwd, get('data-dir', 'CHATTRAIL_DATA_DIR') ?? '.chattrail'),
    region,
    durability: oneOf('CHATTRAIL_DURABILITY', get('durability', 'CHATTRAIL_DURABILITY'), ['normal', 'full'] as const, 'normal'),
    masterKey: env.CHATTRAIL_MASTER_KEY,
    maxBodyBytes: int('CHATTRAIL_MAX_BODY_BYTES', env.CHATTRAIL_MAX_BODY_BYTES, 10 * 1024 * 1024, 1024, 1024 ** 3),
    maxObjectBytes: int('CHATTRAIL_MAX_OBJECT_BYTES', env.CHATTRAIL_MAX_OBJECT_BYTES, 512 * 1024 * 1024, 1024, 5 * 1024 ** 3),
    logLevel: oneOf('CHATTRAIL_LOG_LEVEL', get('log-level', 'CHATTRAIL_LOG_LEVEL'), ['debug', 'info', 'warn', 'error'] as const, 'info'),
    deliveryWindowSeconds: int('CHATTRAIL_DELIVERY_WINDOW_SECONDS', env.CHATTRAIL_DELIVERY_WINDOW_SECONDS, 5, 1, 3600),
    digestWindowSeconds: int('CHATTRAIL_DIGEST_WINDOW_SECONDS', env.CHATTRAIL_DIGEST_WINDOW_SECONDS, 3600, 1, 86400),
    retentionDays: int('CHATTRAIL_RETENTION_DAYS', env.CHATTRAIL_RETENTION_DAYS, 90, 1, 3650),
    slack: {
      apiUrl: env.CHATTRAIL_SLACK_API_URL ?? 'https://slack.com/api/',
      clientId: env.CHATTRAIL_SLACK_CLIENT_ID,
      clientSecret: env.CHATTRAIL_SLACK_CLIENT_SECRET,
      signingSecret: env.CHATTRAIL_SLACK_SIGNING_SECRET,
      redirectUri: env.CHATTRAIL_SLACK_REDIRECT_URI,
    },
    publicUrl: env.CHATTRAIL_PUBLIC_URL,
    s3Delivery: s3DeliveryOf(env),
    database: databaseOf(env.CHATTRAIL_DATABASE_URL),
    allowPrivateEndpoints: allowPrivateOf(env.CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS),
    trustedProxies: parseCidrList('CHATTRAIL_TRUSTED_PROXIES', env.CHATTRAIL_TRUSTED_PROXIES ?? ''),
    backend: backendOf(env),
  };
}

function backendOf(env: Env): BackendConfig | undefined {
  const kind = env.CHATTRAIL_BACKEND?.trim() || undefined;
  const url = env.CHATTRAIL_BACKEND_URL?.trim() || undefined;
  if (!kind && !url) return undefined;
  if (kind && url) throw new Error('set CHATTRAIL_BACKEND=moto (chattrail starts moto_server) or CHATTRAIL_BACKEND_URL (an emulator already running), not both');
  if (kind && kind !== 'moto') throw new Error(`CHATTRAIL_BACKEND must be 'moto', got '${kind}' (for another emulator, set CHATTRAIL_BACKEND_URL to where it listens)`);
  if (url && !/^https?:\/\/[^/]+\/?$/.test(url)) throw new Error(`CHATTRAIL_BACKEND_URL must be an http(s) URL with no path, got '${url}'`);
  const exclude = (env.CHATTRAIL_BACKEND_EXCLUDE ?? 'batch').split(',').map((s) => s.trim()).filter(Boolean);
  return {
    kind: url ? 'url' : 'moto',
    url: url?.replace(/\/$/, ''),
    command: env.CHATTRAIL_BACKEND_COMMAND?.trim() || 'moto_server',
    timeoutMs: int('CHATTRAIL_BACKEND_TIMEOUT_SECONDS', env.CHATTRAIL_BACKEND_TIMEOUT_SECONDS, 30, 1, 300) * 1000,
    startTimeoutMs: int('CHATTRAIL_BACKEND_START_SECONDS', env.CHATTRAIL_BACKEND_START_SECONDS, 30, 1, 600) * 1000,
    exclude,
  };
}

function allowPrivateOf(value: string | undefined): true | string[] {
  const v = (value ?? '').trim();
  if (v === 'true') return true;
  if (v === '' || v === 'false') return [];
  return parseCidrList('CHATTRAIL_ALLOW_PRIVATE_ENDPOINTS', v);
}

/** External S3 delivery is all-or-nothing: an endpoint without credentials is a configuration error. */
function s3DeliveryOf(env: Env): Config['s3Delivery'] {
  const endpoint = env.CHATTRAIL_S3_DELIVERY_ENDPOINT;
  if (!endpoint) return undefined;
  if (!/^https?:\/\/[^/]+/.test(endpoint)) throw new Error(`CHATTRAIL_S3_DELIVERY_ENDPOINT must be an http(s) URL, got '${endpoint}'`);
  const accessKeyId = env.CHATTRAIL_S3_DELIVERY_ACCESS_KEY_ID;
  const secretAccessKey = env.CHATTRAIL_S3_DELIVERY_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('CHATTRAIL_S3_DELIVERY_ACCESS_KEY_ID and CHATTRAIL_S3_DELIVERY_SECRET_ACCESS_KEY are required with CHATTRAIL_S3_DELIVERY_ENDPOINT');
  }
  return { endpoint, region: env.CHATTRAIL_S3_DELIVERY_REGION ?? 'us-east-1', accessKeyId, secretAccessKey };
}

/** Splits chattrail's `schema` parameter off the PostgreSQL URL; the URL itself is never echoed (it may hold a password). */
function databaseOf(value: string | undefined): Config['database'] {
  if (value === undefined || value === '') return undefined;
  let url: URL;
  try { url = new URL(value); } catch { throw new Error('CHATTRAIL_DATABASE_URL must be a URL like postgres://user@host:5432/database'); }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new Error('CHATTRAIL_DATABASE_URL must start with postgres:// or postgresql://');
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`CHATTRAIL_DATABASE_URL schema must be a lower-case identifier (a-z, 0-9, _), got '${schema}'`);
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}

/** Loopback hosts: the only ones where development conveniences may be enabled. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
