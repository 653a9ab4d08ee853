// A throw-away IAM for the tests beside this code: a store in a temporary folder, the real
// authorizer and credential resolver, the handlers, and CallContexts that collect resources.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedStores, type Stores } from '../../src/storage/stores.js';
import { SecretBox } from '../../src/storage/secrets.js';
import { Authorizer } from '../../src/auth/authorize.js';
import { CredentialResolver } from '../../src/auth/credentials.js';
import type { Principal, UserPrincipal } from '../../src/common/principal.js';
import { isAwsError } from '../../src/protocol/errors.js';
import { randomIds, systemClock } from '../../src/common/runtime.js';
import type { CallContext, Handler } from '../../src/core/service.js';
import { IdentityStore } from '../../src/identity/store.js';
import { createAccount, type AdminCredentials } from '../../src/identity/accounts.js';
import { iamHandlers } from '../../src/services/iam/handlers.js';
import type { IamDeps } from '../../src/services/iam/deps.js';

export interface TestContext extends CallContext {
  resources: { type: string; arn: string }[];
}

export interface IamTestbed {
  deps: IamDeps;
  stores: Stores;
  handlers: Record<string, Handler>;
  accountId: string;
  adminKey: AdminCredentials;
  admin: UserPrincipal;
  ctx(principal?: Principal): TestContext;
  /** Runs one operation as `principal` (the admin by default) and returns its output. */
  call(op: string, input: object, principal?: Principal): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function iamTestbed(): Promise<IamTestbed> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-iam-'));
  const stores = openEmbeddedStores({ dataDir, synchronous: 'normal' });
  const identity = new IdentityStore(stores.documents, new SecretBox(crypto.randomBytes(32)));
  const deps: IamDeps = { identity, authorizer: new Authorizer(identity), credentials: new CredentialResolver(identity) };
  const adminKey = await createAccount(identity, randomIds, systemClock, 'test');
  const resolved = await deps.credentials.resolve(adminKey.accessKeyId);
  assert.ok(resolved && resolved.principal.type === 'IAMUser');
  const admin = resolved.principal;
  const handlers = iamHandlers(deps);
  const ctx = (principal: Principal = admin): TestContext => {
    const resources: { type: string; arn: string }[] = [];
    return {
      requestId: randomIds.uuid(), principal, accountId: principal.accountId, region: 'us-east-1', sourceIp: '127.0.0.1',
      userAgent: 'test', clock: systemClock, ids: randomIds, stores, homeRegion: 'us-east-1', resources,
      addResource: (type, arn) => { resources.push({ type, arn }); },
      authorize: async () => undefined,
      annotate: () => undefined,
    };
  };
  return {
    deps, stores, handlers, accountId: adminKey.accountId, adminKey, admin, ctx,
    async call(op, input, principal) {
      const handler = handlers[op];
      assert.ok(handler, `no handler for ${op}`);
      return ((await handler(input, ctx(principal))) ?? {}) as Record<string, unknown>;
    },
    async close() {
      await stores.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asserts the promise fails with this AWS error code (and message, when given). */
export async function rejectsWith(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isAwsError(e), `expected an AwsError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

/** A principal acting as IAM user `userName` of the testbed's account. */
export async function userPrincipal(tb: IamTestbed, userName: string): Promise<UserPrincipal> {
  const user = await tb.deps.identity.getUser(tb.accountId, userName);
  assert.ok(user, userName);
  return { type: 'IAMUser', accountId: tb.accountId, arn: user.arn, userName: user.userName, userId: user.userId, accessKeyId: 'AKIATESTTESTTESTTEST' };
}

export const ALLOW_S3_LIST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBuckets', Resource: '*' }] });

export const TRUST_ACCOUNT = (accountId: string) => JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' }],
}, null, 2);
