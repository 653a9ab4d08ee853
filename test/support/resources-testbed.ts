// For the canonical-resource property tests: a real chattrail (temporary SQLite folder) driven
// through a second Pipeline over the same services and stores, whose authorizer records every
// resource it is asked about; a seeded generator of case, path, partition, account and region
// variants; and the property each call must hold.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/common/config.js';
import { Authorizer } from '../../src/auth/authorize.js';
import { CredentialResolver } from '../../src/auth/credentials.js';
import type { Principal } from '../../src/common/principal.js';
import { startChattrail, type Chattrail } from '../../src/server/app.js';
import { Pipeline } from '../../src/server/pipeline.js';
import { type CallResult } from '../../src/core/internal-client.js';
import { PipelineClient } from '../../src/server/internal-client.js';
import { createLogger, randomIds, systemClock } from '../../src/common/runtime.js';

/** An authorizer that remembers what it was asked, then decides as the real one does. */
class SpyAuthorizer extends Authorizer {
  readonly seen: { action: string; resource: string }[] = [];
  override authorize(...args: Parameters<Authorizer['authorize']>): ReturnType<Authorizer['authorize']> {
    this.seen.push({ action: args[1], resource: args[2] });
    return super.authorize(...args);
  }
}

export interface Outcome { result: CallResult; seen: string[] }

export interface ResourceBed {
  app: Chattrail;
  accountId: string;
  /** Runs one call as the account's administrator (an IAM user with AdministratorAccess). */
  run(service: string, op: string, input: Record<string, unknown>, region?: string): Promise<Outcome>;
  /** Setup: runs a call that must succeed, and returns its output. */
  must(service: string, op: string, input: Record<string, unknown>, region?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function resourceBed(): Promise<ResourceBed> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-resources-'));
  const config = loadConfig([], { CHATTRAIL_PORT: '0', CHATTRAIL_DATA_DIR: dataDir, CHATTRAIL_LOG_LEVEL: 'error' });
  const logger = createLogger('error');
  const app = await startChattrail(config, { logger });
  const admin = app.firstAdmin;
  assert.ok(admin);
  const credentials = new CredentialResolver(app.identity);
  const principal: Principal | undefined = (await credentials.resolve(admin.accessKeyId))?.principal;
  assert.ok(principal);
  const spy = new SpyAuthorizer(app.identity);
  const pipeline = new Pipeline({
    registry: app.registry, credentials, authorizer: spy, stores: app.stores, clock: systemClock, ids: randomIds, logger, homeRegion: config.region,
  });
  const client = new PipelineClient({ pipeline: () => pipeline, registry: app.registry, ids: randomIds, homeRegion: config.region });
  const run = async (service: string, op: string, input: Record<string, unknown>, region = 'us-east-1'): Promise<Outcome> => {
    assert.ok(client.serves(service), service);
    spy.invalidate();
    spy.seen.length = 0;
    const result = await client.callAs(principal, service, op, { ...input }, { region, via: { direct: { sourceIp: '127.0.0.1', userAgent: 'property-test' } } });
    return { result, seen: spy.seen.map((s) => s.resource) };
  };
  return {
    app, accountId: principal.accountId, run,
    async must(service, op, input, region) {
      const { result } = await run(service, op, input, region);
      if (!result.ok) assert.fail(`${service} ${op} ${JSON.stringify(input)}: ${result.error.code} ${result.error.message}`);
      return result.output;
    },
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Errors that mean "refused" or "no such resource": a variant may end so, whatever it was authorized on. */
const REFUSED = /NotFound|NoSuch|Invalid|AccessDenied|ValidationError|ValidationException|AuthorizationError|TrailNotProvided|ARNInvalid|NotInUse|ConcurrentModification/;

/**
 * The property: a call authorized on anything but the resources it should act on (`expected`, the
 * stored ARNs) must have been refused or found nothing; an exact input is authorized on exactly
 * those; nothing fails internally. Returns the violations, worded for the assertion message.
 */
export function violations(label: string, o: Outcome, expected: readonly string[], exact: boolean): string[] {
  const out: string[] = [];
  const code = o.result.ok ? 'ok' : o.result.error.code;
  if (code === 'InternalFailure') out.push(`${label}: InternalFailure ${o.result.ok ? '' : o.result.error.message}`);
  const stray = o.seen.filter((r) => !expected.includes(r));
  if (exact && (o.seen.length === 0 || stray.length)) out.push(`${label}: the exact input was authorized on [${o.seen.join(', ')}], not on [${expected.join(', ')}] (${code})`);
  if (!exact && stray.length && (o.result.ok || !REFUSED.test(code))) {
    out.push(`${label}: authorized on [${stray.join(', ')}] instead of [${expected.join(', ')}], and answered ${code}`);
  }
  return out;
}

/** A small seeded PRNG (mulberry32), so a failure is reproducible from the seed in its message. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTITIONS = ['aws-cn', 'aws-us-gov', 'aws-x', 'aws-iso', 'AWS', 'Aws', ''];
const REGIONS = ['us-west-2', 'eu-west-1', 'ap-south-1', 'us-east-2'];

export class Variants {
  private readonly rnd: () => number;
  constructor(readonly seed: number) { this.rnd = prng(seed); }

  pick<T>(items: readonly T[]): T { return items[Math.floor(this.rnd() * items.length)]; }

  /** The text with letters' case flipped at random, at least one of them when it has any. */
  flipCase(s: string): string {
    const letters = [...s].map((c, i) => (/[a-z]/i.test(c) ? i : -1)).filter((i) => i >= 0);
    if (!letters.length) return s;
    const forced = this.pick(letters);
    return [...s].map((c, i) => (i === forced || (letters.includes(i) && this.rnd() < 0.5) ? flip(c) : c)).join('');
  }

  /** `n` case variants of a name (distinct from it). */
  names(name: string, n: number): string[] {
    return Array.from({ length: n }, () => this.flipCase(name));
  }

  /** `n` variants of an ARN, one strategy each: case, partition, account, region, path. */
  arns(arn: string, n: number): { label: string; value: string }[] {
    const parts = arn.split(':');
    const resource = parts.slice(5).join(':');
    const make: Record<string, () => string | undefined> = {
      'case of the resource': () => [...parts.slice(0, 5), this.flipCase(resource)].join(':'),
      'case of the name': () => arn.replace(/[^/:]+$/, (m) => this.flipCase(m)),
      'case of the service': () => [parts[0], parts[1], this.flipCase(parts[2]), ...parts.slice(3)].join(':'),
      partition: () => [parts[0], this.pick(PARTITIONS), ...parts.slice(2)].join(':'),
      account: () => (/^\d{12}$/.test(parts[4]) ? [...parts.slice(0, 4), String(100000000000 + Math.floor(this.rnd() * 8e11)), ...parts.slice(5)].join(':') : undefined),
      region: () => (parts[3] ? [...parts.slice(0, 3), this.pick(REGIONS.filter((r) => r !== parts[3])), ...parts.slice(4)].join(':') : undefined),
      path: () => {
        const segs = resource.split('/');
        if (segs.length < 2) return undefined;
        const moved = segs.length > 2 ? [segs[0], segs[segs.length - 1]] : [segs[0], this.pick(['sandbox', 'admins', 'x']), segs[1]];
        return [...parts.slice(0, 5), moved.join('/')].join(':');
      },
    };
    const out: { label: string; value: string }[] = [];
    const kinds = Object.keys(make);
    for (let tries = 0; out.length < n && tries < n * 10; tries++) {
      const kind = this.pick(kinds);
      const value = make[kind]();
      if (value !== undefined && value !== arn) out.push({ label: kind, value });
    }
    return out;
  }
}

function flip(c: string): string {
  return c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
}
