// The pipeline's half of the canonical-resource contract: the action is authorized on every
// resource the service resolves (and only then does the handler run, seeing them in ctx.resolved);
// per-item operations leave it to ctx.authorize; a resolver that names nothing, or an ARN of
// another partition, never becomes an authorization on nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores, type Stores } from '../storage/stores.js';
import { SecretBox } from '../storage/secrets.js';
import { IdentityStore } from '../identity/store.js';
import { Authorizer } from '../auth/authorize.js';
import { CredentialResolver } from '../auth/credentials.js';
import type { UserPrincipal } from '../common/principal.js';
import { loadModel } from '../protocol/model.js';
import { AUTHORIZED_PER_ITEM, type CallContext, type ResourceResolution, type ServiceDefinition } from '../core/service.js';
import { Pipeline } from './pipeline.js';
import { PipelineClient } from './internal-client.js';
import type { InternalClient } from '../core/internal-client.js';
import { ServiceRegistry } from '../core/registry.js';
import { createLogger, randomIds, systemClock } from '../common/runtime.js';

const ACCT = '111122223333';
const OTHER = '444455556666';
const ROLE = `arn:aws:iam::${OTHER}:role/team/Target`;

/** Allows everything but the resources in `denied`, and remembers what it was asked. */
class StubAuthorizer extends Authorizer {
  readonly asked: string[] = [];
  readonly denied = new Set<string>();
  override async authorize(...args: Parameters<Authorizer['authorize']>): ReturnType<Authorizer['authorize']> {
    this.asked.push(`${args[1]} ${args[2]}`);
    const refused = this.denied.has(args[2]);
    return { allowed: !refused, explicitDeny: refused };
  }
}

let dir: string;
let stores: Stores;
let auth: StubAuthorizer;
let client: InternalClient;
let resolution: ResourceResolution = [];
let seenByHandler: CallContext['resolved'];
let handled = 0;
let service: ServiceDefinition;
const principal: UserPrincipal = { type: 'IAMUser', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/caller`, userName: 'caller', userId: 'AIDACALLER', accessKeyId: 'AKIACALLER' };

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-pipeline-'));
  stores = openEmbeddedStores({ dataDir: dir, synchronous: 'normal' });
  const identity = new IdentityStore(stores.documents, new SecretBox(crypto.randomBytes(32)));
  auth = new StubAuthorizer(identity);
  const registry = new ServiceRegistry();
  service = {
    model: loadModel('sts'),
    recording: { eventSource: 'sts.amazonaws.com' },
    resolveResources: async () => resolution,
    handlers: {
      async AssumeRole(_input: unknown, ctx: CallContext) {
        handled++;
        seenByHandler = ctx.resolved;
        await ctx.authorize('sts:TagSession', `${ROLE}-tags`);
        return {};
      },
    },
  };
  registry.register(service);
  const pipeline = new Pipeline({
    registry, credentials: new CredentialResolver(identity), authorizer: auth, stores, clock: systemClock, ids: randomIds,
    logger: createLogger('error'), homeRegion: 'us-east-1',
  });
  client = new PipelineClient({ pipeline: () => pipeline, registry, ids: randomIds, homeRegion: 'us-east-1' });
});
after(async () => {
  await stores.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call() {
  auth.asked.length = 0;
  seenByHandler = undefined;
  return client.callAs(principal, 'sts', 'AssumeRole', { RoleArn: ROLE, RoleSessionName: 'session' },
    { region: 'us-east-1', via: { direct: { sourceIp: '127.0.0.1', userAgent: 'test' } } });
}

test('the action is authorized on every resolved resource before the handler runs, which sees them', async () => {
  resolution = [{ arn: ROLE, accountId: OTHER }, { arn: `arn:aws:iam::${ACCT}:role/Second`, accountId: ACCT }];
  const r = await call();
  assert.equal(r.ok, true);
  assert.deepEqual(auth.asked, [`sts:AssumeRole ${ROLE}`, `sts:AssumeRole arn:aws:iam::${ACCT}:role/Second`, `sts:TagSession ${ROLE}-tags`]);
  assert.deepEqual(seenByHandler, resolution);
});

test('a refusal on any resolved resource refuses the call; the handler never runs', async () => {
  const before = handled;
  auth.denied.add(`arn:aws:iam::${ACCT}:role/Second`);
  const r = await call();
  auth.denied.clear();
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.error.code, 'AccessDenied');
  assert.equal(handled, before);
});

test('per-item operations are not authorized by the pipeline: the handler does it, through ctx.authorize', async () => {
  resolution = AUTHORIZED_PER_ITEM;
  const r = await call();
  assert.equal(r.ok, true);
  assert.deepEqual(auth.asked, [`sts:TagSession ${ROLE}-tags`]);
  assert.deepEqual(seenByHandler, []);
});

test('a resolver that names no resource is an internal failure, never a call authorized on nothing', async () => {
  const before = handled;
  resolution = [];
  const r = await call();
  assert.equal(!r.ok && r.error.code, 'InternalFailure');
  assert.deepEqual(auth.asked, []);
  assert.equal(handled, before);
});

test('an ARN of another partition is refused with the validation error, before any policy sees it', async () => {
  for (const arn of [`arn:aws-cn:iam::${ACCT}:role/x`, `arn:aws-x:iam::${ACCT}:role/x`, 'role/x', `arn:AWS:iam::${ACCT}:role/x`]) {
    resolution = [{ arn }];
    const r = await call();
    assert.equal(!r.ok && r.error.code, 'ValidationError', arn);
    assert.deepEqual(auth.asked, [], arn);
  }
});
