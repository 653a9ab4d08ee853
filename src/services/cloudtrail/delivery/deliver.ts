// Log file delivery for one trail, exactly once: pick the next range of events, persist an intent
// naming every object it will write, write them, then advance the cursor and clear the intent in
// one document update. A crash anywhere replays the same intent: same events, same keys.
import type { BucketSink, TopicSink } from './sinks.js';
import type { DocumentStore } from '../../../storage/documents.js';
import type { EventStore, StoredEvent } from '../../../storage/event-store.js';
import type { Clock, Ids } from '../../../common/runtime.js';
import { trailArn, type LoggingSpan, type TrailDoc } from '../trails-model.js';
import { compileFilter, type TrailFilter } from './filter.js';
import { accountRoot, buildLogFile, logFileKey } from './log-file.js';
import { chainId, ensureState, readState, updateState, type IntentFile, type LogFileEntry, type LogIntent } from './state.js';

export interface OrgInfo { id: string; managementAccountId: string; memberAccountIds: string[] }
export type OrgLookup = (accountId: string) => Promise<OrgInfo | undefined>;

export interface DeliveryEnv {
  documents: DocumentStore;
  /** Delivery only reads the store in order. */
  events: Pick<EventStore, 'readAfter' | 'lastSeq'>;
  clock: Clock;
  ids: Ids;
  sink(): BucketSink | undefined;
  topics(): TopicSink | undefined;
  orgs: OrgLookup;
  maxEventsPerPass: number;
  maxRecordsPerFile: number;
}

/** A failed write, with the code GetTrailStatus shows (`NoSuchBucket`, `AccessDenied`...). */
export class DeliveryFailure extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export function failureCode(e: unknown): string {
  if (e instanceof DeliveryFailure) return e.code;
  const x = e as { Code?: unknown; code?: unknown; name?: unknown };
  for (const c of [x?.Code, x?.name, x?.code]) {
    if (typeof c === 'string' && /^[A-Z][A-Za-z]+$/.test(c) && c !== 'Error' && c !== 'TypeError') return c;
  }
  return 'ServiceUnavailable';
}

export type PassResult = 'idle' | 'more';

/** The next events to consider: within a logging span, after the cursor, up to what is stored. */
export function nextRange(spans: readonly LoggingSpan[], cursor: number, lastSeq: number): { from: number; to: number } | undefined {
  for (const span of spans) {
    const end = span.stopSeq ?? Infinity;
    if (end <= cursor) continue;
    const from = Math.max(cursor, span.startSeq);
    const to = Math.min(end, lastSeq);
    if (to > from) return { from, to };
    if (end === Infinity || lastSeq < end) return from > cursor ? { from, to: from } : undefined;
  }
  return undefined;
}

export class LogDelivery {
  constructor(private readonly env: DeliveryEnv) {}

  /** One pass: finishes a pending intent, then delivers the next range. Throws DeliveryFailure. */
  async deliver(trail: TrailDoc): Promise<PassResult> {
    if (trail.logging.length === 0) return 'idle';
    const state = (await readState(this.env.documents, trail)) ?? await ensureState(this.env.documents, trail);
    let cursor = state.cursor;
    if (state.intent) {
      await this.complete(trail, state.intent);
      cursor = state.intent.to;
    }
    const range = nextRange(trail.logging, cursor, await this.env.events.lastSeq());
    if (!range) return 'idle';
    const batch = range.to > range.from ? await this.env.events.readAfter(range.from, this.env.maxEventsPerPass) : [];
    const cut = batch.findIndex((e) => e.seq! > range.to);
    const events = cut < 0 ? batch : batch.slice(0, cut);
    const truncated = cut < 0 && batch.length === this.env.maxEventsPerPass;
    const to = truncated ? events.at(-1)!.seq! : range.to;
    const filter = await this.filterOf(trail);
    const groups = groupEvents(events, filter);
    if (groups.size === 0) {
      await updateState(this.env.documents, trail, (s) => { if (!s.intent) s.cursor = Math.max(s.cursor, to); });
      return truncated ? 'more' : 'idle';
    }
    const intent = await this.intentFor(trail, range.from, to, filter, groups);
    await updateState(this.env.documents, trail, (s) => { s.intent = intent; });
    await this.complete(trail, intent, groups);
    return truncated ? 'more' : 'idle';
  }

  private async filterOf(trail: TrailDoc): Promise<TrailFilter & { orgId?: string }> {
    let accounts = [trail.accountId];
    let orgId: string | undefined;
    if (trail.isOrganizationTrail) {
      const org = await this.env.orgs(trail.accountId);
      if (org && org.managementAccountId === trail.accountId) {
        orgId = org.id;
        accounts = [...new Set([trail.accountId, ...org.memberAccountIds])];
      }
    }
    return {
      accounts, orgId, homeRegion: trail.homeRegion, multiRegion: trail.isMultiRegionTrail, includeGlobal: trail.includeGlobalServiceEvents,
      eventSelectors: trail.eventSelectors, advancedEventSelectors: trail.advancedEventSelectors,
    };
  }

  private async intentFor(trail: TrailDoc, from: number, to: number, filter: TrailFilter & { orgId?: string }, groups: Map<string, StoredEvent[]>): Promise<LogIntent> {
    const now = this.env.clock.now();
    const max = this.env.maxRecordsPerFile;
    const files: IntentFile[] = [];
    for (const [id, events] of groups) {
      const [account, region] = id.split('/');
      const root = accountRoot(trail.s3KeyPrefix, account, filter.orgId);
      for (let part = 0; part * max < events.length; part++) {
        files.push({ account, region, part, key: logFileKey(root, account, region, now, this.env.ids.alnum(16)) });
      }
    }
    const { orgId, ...snapshot } = filter;
    return {
      from, to, bucket: trail.s3BucketName, filter: snapshot, maxRecordsPerFile: max, orgId, prefix: trail.s3KeyPrefix,
      validation: trail.logFileValidationEnabled, topicArn: trail.snsTopicArn, files,
    };
  }

  /**
   * Writes every file of an intent, then commits it. A replay (after a failure or a crash) reads
   * the intent's events again; the first attempt passes the groups it just made from them.
   */
  async complete(trail: TrailDoc, intent: LogIntent, selected?: Map<string, StoredEvent[]>): Promise<void> {
    const { env } = this;
    const sink = env.sink();
    if (!sink) throw new DeliveryFailure('NoSuchBucket', 'no S3 service is available for delivery');
    const source = { trailArn: trailArn(trail), accountId: trail.accountId };
    const check = await sink.checkDelivery(intent.bucket, accountRoot(intent.prefix, intent.orgId ?? trail.accountId), source);
    if (!check.ok) throw new DeliveryFailure(check.code === 'S3BucketDoesNotExistException' ? 'NoSuchBucket' : 'AccessDenied', check.message);
    const groups = selected ?? groupEvents(await this.readRange(intent.from, intent.to), intent.filter);
    const written: { file: IntentFile; entry: LogFileEntry }[] = [];
    await mapLimit(intent.files, 4, async (file) => {
      const all = groups.get(chainId(file.account, file.region)) ?? [];
      const records = all.slice(file.part * intent.maxRecordsPerFile, (file.part + 1) * intent.maxRecordsPerFile);
      if (records.length === 0) return; // purged by retention since the intent was made
      const built = await buildLogFile(records, intent.validation);
      await sink.putObject(intent.bucket, file.key, built.gz, { contentType: 'application/json', contentEncoding: 'gzip' });
      written.push({ file, entry: { s3Bucket: intent.bucket, s3Object: file.key, hashValue: built.hash, hashAlgorithm: 'SHA-256', newestEventTime: built.newestEventTime, oldestEventTime: built.oldestEventTime } });
    });
    written.sort((a, b) => (a.file.key < b.file.key ? -1 : 1));
    const now = env.clock.now();
    await updateState(env.documents, trail, (s) => {
      if (!s.intent || s.intent.to !== intent.to || s.intent.from !== intent.from) return;
      s.cursor = intent.to;
      delete s.intent;
      for (const { file, entry } of written) {
        if (intent.validation) {
          const id = chainId(file.account, file.region);
          (s.chains[id] ??= { account: file.account, region: file.region, startTime: isoNow(now), files: [] }).files.push(entry);
        }
        if (intent.topicArn) s.notices.push({ topicArn: intent.topicArn, bucket: intent.bucket, key: file.key });
      }
      Object.assign(s.status, { latestDeliveryTime: now, latestDeliveryAttemptTime: now, latestDeliveryAttemptSucceeded: now });
      delete s.status.latestDeliveryError;
    });
  }

  /** Events with from < seq <= to, read in chunks so a replay sees exactly the intent's range. */
  private async readRange(from: number, to: number): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let after = from;
    while (after < to) {
      const chunk = await this.env.events.readAfter(after, this.env.maxEventsPerPass);
      if (chunk.length === 0) break;
      for (const e of chunk) {
        if (e.seq! > to) return out;
        out.push(e);
      }
      after = chunk.at(-1)!.seq!;
    }
    return out;
  }

  /** Publishes the notifications owed for delivered files; what fails stays owed. */
  async notify(trail: TrailDoc): Promise<void> {
    const state = await readState(this.env.documents, trail);
    if (!state || state.notices.length === 0) return;
    const topics = this.env.topics();
    const source = { trailArn: trailArn(trail), accountId: trail.accountId };
    for (const n of state.notices) {
      const now = this.env.clock.now();
      try {
        if (!topics) throw new DeliveryFailure('NotFound', 'no SNS service is available');
        const check = await topics.checkPublish(n.topicArn, source);
        if (!check.ok) throw new DeliveryFailure(check.code === 'InsufficientSnsTopicPolicyException' ? 'AuthorizationError' : 'NotFound', check.message);
        await topics.publish(n.topicArn, JSON.stringify({ s3Bucket: n.bucket, s3ObjectKey: [n.key] }));
      } catch (e) {
        await updateState(this.env.documents, trail, (s) => { s.status.latestNotificationError = failureCode(e); s.status.latestNotificationAttemptTime = now; });
        throw e;
      }
      await updateState(this.env.documents, trail, (s) => {
        s.notices = s.notices.filter((x) => x.key !== n.key || x.topicArn !== n.topicArn);
        Object.assign(s.status, { latestNotificationTime: now, latestNotificationAttemptTime: now, latestNotificationAttemptSucceeded: now });
        delete s.status.latestNotificationError;
      });
    }
  }
}

function isoNow(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Selected events by `account/region` of the file they go in, in store order. */
export function groupEvents(events: readonly StoredEvent[], filter: TrailFilter): Map<string, StoredEvent[]> {
  const regionOf = compileFilter(filter);
  const groups = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const region = regionOf(e);
    if (region === undefined) continue;
    const id = chainId(e.accountId, region);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = []));
    g.push(e);
  }
  return groups;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => { while (next < items.length) await fn(items[next++]); };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
