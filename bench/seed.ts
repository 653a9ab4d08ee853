// Fills a stopped chattrail's event store with realistic management events (about 1 KB each,
// ~1,000 users, ~200 event names, some with resources) through the real SqliteEventStore, so
// LookupEvents is measured on the same tables and indexes the server writes.
import crypto from 'node:crypto';
import { openEmbeddedStores } from '../src/storage/stores.js';
import type { StoredEvent } from '../src/storage/event-store.js';

export const USERS = 1000;
const SERVICES = ['iam', 'sts', 's3', 'lambda', 'sns', 'cloudtrail', 'organizations', 'ec2', 'kms', 'dynamodb'];
const VERBS = ['Get', 'List', 'Describe', 'Create', 'Delete', 'Update', 'Put', 'Tag', 'Untag', 'Attach'];
const NOUNS = ['Resource', 'Policy', 'Configuration'];
const DAY_MS = 86_400_000;

/** ~200 event names: every verb and noun per service, e.g. `CreateIamPolicy`... trimmed to 200. */
export const EVENT_NAMES: { name: string; source: string }[] = SERVICES.flatMap((svc) =>
  VERBS.flatMap((v) => NOUNS.map((n) => ({ name: `${v}${svc[0].toUpperCase()}${svc.slice(1)}${n}`, source: `${svc}.amazonaws.com` })))).slice(0, 200);

export function userName(i: number): string {
  return `user-${String(i).padStart(4, '0')}`;
}

function accessKeyOf(i: number): string {
  return `AKIA${crypto.createHash('sha1').update(String(i)).digest('hex').slice(0, 16).toUpperCase()}`;
}

const USER_AGENT = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/benchmark.seed';

function makeEvent(accountId: string, region: string, time: Date, n: number): StoredEvent {
  const u = n % USERS;
  const op = EVENT_NAMES[(n * 7919) % EVENT_NAMES.length];
  const readOnly = /^(Get|List|Describe)/.test(op.name);
  const eventId = crypto.randomUUID();
  const user = userName(u);
  const resourceArn = n % 10 === 0 ? `arn:aws:iam::${accountId}:role/bench-role-${n % 500}` : undefined;
  const record: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: { type: 'IAMUser', principalId: `AIDA${accessKeyOf(u).slice(4)}X`, arn: `arn:aws:iam::${accountId}:user/${user}`, accountId, accessKeyId: accessKeyOf(u), userName: user },
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: op.source,
    eventName: op.name,
    awsRegion: region,
    sourceIPAddress: `10.${(u >> 8) & 255}.${u & 255}.${n % 250}`,
    userAgent: USER_AGENT,
    requestParameters: { resourceName: `bench-resource-${n % 5000}`, maxItems: 100, filters: [{ name: 'tag:team', values: ['platform', 'security'] }], clientToken: crypto.randomUUID() },
    responseElements: readOnly ? null : { resourceArn: resourceArn ?? `arn:aws:${op.source.split('.')[0]}:${region}:${accountId}:resource/bench-${n}`, status: 'ACTIVE' },
    requestID: crypto.randomUUID(),
    eventID: eventId,
    readOnly,
    ...(resourceArn ? { resources: [{ accountId, type: 'AWS::IAM::Role', ARN: resourceArn }] } : {}),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${op.source.split('.')[0]}.${region}.amazonaws.com` },
  };
  return {
    eventId, accountId, region, eventTime: new Date(Math.floor(time.getTime() / 1000) * 1000), eventName: op.name, eventSource: op.source,
    username: user, accessKeyId: accessKeyOf(u), readOnly, management: true,
    resources: resourceArn ? [{ type: 'AWS::IAM::Role', name: resourceArn }] : [], record: JSON.stringify(record),
  };
}

/** Appends `count` events spread over the last 80 days, oldest first, 50,000 per transaction. */
export async function seedEvents(dataDir: string, accountId: string, region: string, count: number, progress?: (done: number) => void): Promise<{ bytes: number }> {
  const stores = openEmbeddedStores({ dataDir, synchronous: 'normal' });
  const now = Date.now();
  const span = 80 * DAY_MS;
  let bytes = 0;
  try {
    for (let done = 0; done < count;) {
      const batch = Math.min(50_000, count - done);
      const appends: Promise<void>[] = [];
      for (let i = 0; i < batch; i++) {
        const n = done + i;
        const e = makeEvent(accountId, region, new Date(now - span + Math.floor((n / count) * span)), n);
        bytes += e.record.length;
        // Appends made in one turn share one transaction (the store's group commit).
        appends.push(stores.events.append(e));
      }
      await Promise.all(appends);
      done += batch;
      progress?.(done);
    }
  } finally {
    await stores.close();
  }
  return { bytes };
}
