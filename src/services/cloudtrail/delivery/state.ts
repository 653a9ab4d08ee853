// A trail's persisted delivery state, one document per trail: the cursor into the event store, the
// pending write (intent) that makes delivery exactly-once across crashes, the digest chains, the
// SNS notifications still owed, and what GetTrailStatus reports.
import type { DocumentStore } from '../../../storage/documents.js';
import type { TrailDoc } from '../trails-model.js';
import type { TrailFilter } from './filter.js';

export const STATE_KIND = 'cloudtrail-delivery';

export interface IntentFile { account: string; region: string; /** n-th file of this account and region. */ part: number; key: string }

/** Fixed before anything is written, so a replay rewrites the same objects from the same events. */
export interface LogIntent {
  /** Events with from < seq <= to. */
  from: number;
  to: number;
  bucket: string;
  filter: TrailFilter;
  maxRecordsPerFile: number;
  orgId?: string;
  prefix?: string;
  validation: boolean;
  topicArn?: string;
  files: IntentFile[];
}

export interface LogFileEntry {
  s3Bucket: string;
  s3Object: string;
  hashValue: string;
  hashAlgorithm: 'SHA-256';
  newestEventTime: string;
  oldestEventTime: string;
}

export interface DigestIntent {
  bucket: string;
  key: string;
  /** The uncompressed digest JSON, exactly as signed. */
  body: string;
  signature: string;
  endTime: string;
  /** How many of the chain's pending log files it covers. */
  included: number;
  hash: string;
}

/** One chain of digests: per account whose files the trail writes, per region. */
export interface ChainState {
  account: string;
  region: string;
  startTime: string;
  previous?: { bucket: string; key: string; signature: string; hash: string };
  files: LogFileEntry[];
  intent?: DigestIntent;
}

export interface Notice { topicArn: string; bucket: string; key: string }

export interface DeliveryStatus {
  latestDeliveryTime?: Date;
  latestDeliveryError?: string;
  latestDeliveryAttemptTime?: Date;
  latestDeliveryAttemptSucceeded?: Date;
  latestNotificationTime?: Date;
  latestNotificationError?: string;
  latestNotificationAttemptTime?: Date;
  latestNotificationAttemptSucceeded?: Date;
  latestDigestDeliveryTime?: Date;
  latestDigestDeliveryError?: string;
}

export interface DeliveryState {
  trailId: string;
  cursor: number;
  intent?: LogIntent;
  chains: Record<string, ChainState>;
  notices: Notice[];
  status: DeliveryStatus;
}

export function stateKey(t: Pick<TrailDoc, 'accountId' | 'homeRegion' | 'name'>) {
  return { kind: STATE_KIND, accountId: t.accountId, region: 'global', id: `${t.homeRegion}/${t.name}` };
}

export function chainId(account: string, region: string): string {
  return `${account}/${region}`;
}

/** The state of this trail (not of an earlier trail of the same name), if delivery has begun. */
export async function readState(documents: DocumentStore, t: TrailDoc): Promise<DeliveryState | undefined> {
  const s = await documents.get<DeliveryState>(stateKey(t));
  return s && s.trailId === t.trailId ? s : undefined;
}

/** This trail's state, created (or reset, when a deleted trail's name is reused) on first delivery. */
export async function ensureState(documents: DocumentStore, t: TrailDoc): Promise<DeliveryState> {
  const s = await documents.update<DeliveryState>(stateKey(t), (cur) =>
    cur && cur.trailId === t.trailId ? cur : { trailId: t.trailId, cursor: 0, chains: {}, notices: [], status: {} });
  return s!;
}

/**
 * Read-modify-write of this trail's state in one transaction. `fn` is skipped (nothing changes)
 * when the trail was deleted or replaced meanwhile; returns the new state.
 */
export async function updateState(documents: DocumentStore, t: TrailDoc, fn: (s: DeliveryState) => void): Promise<DeliveryState | undefined> {
  return documents.update<DeliveryState>(stateKey(t), (cur) => {
    if (!cur || cur.trailId !== t.trailId) return cur;
    fn(cur);
    return cur;
  });
}
