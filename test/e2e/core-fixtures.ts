// Shared setup for the core end-to-end tests: IAM users and roles written straight into the
// IdentityStore (so these tests do not depend on the IAM handlers), a movable clock, and small
// readers for Event history answers. Switch the setup to `aws iam create-user/create-role` later.
import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandInput } from '@aws-sdk/client-cloudtrail';
import type { TestServer } from './harness.js';
import type { Clock } from '../../src/common/runtime.js';
import { randomIds } from '../../src/common/runtime.js';
import { userIdFor } from '../../src/identity/accounts.js';

export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A clock tests can move; starts at the real time so CLI signatures are accepted. */
export class MovableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advanceDays(days: number): void {
    this.offsetMs += days * 86_400_000;
  }
}

export const ALLOW_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/** Creates an IAM user with the given inline policies and one active access key. */
export async function createUser(srv: TestServer, userName: string, policies: Record<string, string> = {}, accountId = srv.admin.accountId): Promise<KeyPair & { arn: string; userId: string }> {
  const identity = srv.app.identity;
  const arn = `arn:aws:iam::${accountId}:user/${userName}`;
  const userId = userIdFor(randomIds);
  await identity.createUser(accountId, {
    userName, userId, arn, path: '/', createDate: new Date(), tags: [], inlinePolicies: policies, attachedPolicies: [],
  });
  const accessKeyId = `AKIA${randomIds.alnum(16)}`;
  const secretAccessKey = randomIds.secret(40);
  await identity.putAccessKey({ accessKeyId, sealedSecret: identity.box.seal(secretAccessKey), accountId, userName, status: 'Active', createDate: new Date() });
  return { accessKeyId, secretAccessKey, arn, userId };
}

/** Creates a role with a trust policy and inline permission policies. */
export async function createRole(srv: TestServer, roleName: string, trust: object, policies: Record<string, string> = {}, maxSessionDuration = 3600): Promise<{ arn: string; roleId: string }> {
  const accountId = srv.admin.accountId;
  const arn = `arn:aws:iam::${accountId}:role/${roleName}`;
  const roleId = `AROA${randomIds.alnum(17)}`;
  await srv.app.identity.createRole(accountId, {
    roleName, roleId, arn, path: '/', createDate: new Date(), assumeRolePolicyDocument: JSON.stringify(trust),
    maxSessionDuration, tags: [], inlinePolicies: policies, attachedPolicies: [],
  });
  return { arn, roleId };
}

/** One event of a `lookup-events` answer, with its record parsed. */
export interface LookedUpEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: unknown;
  EventSource: string;
  Username?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
  record: Record<string, unknown>;
}

export function parseEvents(events: unknown): LookedUpEvent[] {
  return ((events ?? []) as Omit<LookedUpEvent, 'record'>[]).map((e) => ({ ...e, record: JSON.parse(e.CloudTrailEvent) as Record<string, unknown> }));
}

/** Runs `aws cloudtrail lookup-events` with one attribute and returns the parsed events. */
export async function lookup(srv: TestServer, attr?: [string, string], opts: { creds?: KeyPair; region?: string; extra?: string[] } = {}): Promise<LookedUpEvent[]> {
  const args = ['cloudtrail', 'lookup-events', ...(attr ? ['--lookup-attributes', `AttributeKey=${attr[0]},AttributeValue=${attr[1]}`] : []), ...(opts.extra ?? [])];
  const r = await srv.aws(args, { creds: opts.creds, region: opts.region });
  if (r.code !== 0) throw new Error(`lookup-events failed: ${r.stderr}`);
  return parseEvents(r.json.Events);
}

/** LookupEvents through SDK v3, following NextToken to the end. */
export async function lookupAllSdk(srv: TestServer, input: LookupEventsCommandInput = {}, opts: { creds?: KeyPair; region?: string; clockOffsetMs?: number } = {}): Promise<LookedUpEvent[]> {
  const client = new CloudTrailClient({ ...srv.sdkConfig(opts.region, opts.creds), systemClockOffset: opts.clockOffsetMs ?? 0 });
  const out: LookedUpEvent[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new LookupEventsCommand({ ...input, NextToken: token }));
      out.push(...parseEvents(page.Events));
      token = page.NextToken;
    } while (token);
  } finally {
    client.destroy();
  }
  return out;
}

/** Finds the record with this requestID among events, or throws with what was there. */
export function byRequestId(events: LookedUpEvent[], requestId: string | undefined): LookedUpEvent {
  const found = events.find((e) => e.record.requestID === requestId);
  if (!found) throw new Error(`no record with requestID ${requestId} among ${events.map((e) => `${e.EventName}:${String(e.record.requestID)}`).join(', ')}`);
  return found;
}

export { randomIds };
