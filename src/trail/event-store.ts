// Where recorded events live: appended durably (a resolved append is on disk), looked up for Event
// history, and read in order by trail delivery. Implementations: SQLite now, PostgreSQL later.

export interface StoredEvent {
  /** Assigned by the store: a strictly increasing position, the delivery cursor's unit. */
  seq?: number;
  eventId: string;
  accountId: string;
  region: string;
  eventTime: Date;
  eventName: string;
  eventSource: string;
  username?: string;
  accessKeyId?: string;
  readOnly: boolean;
  /** Management events appear in Event history; data events only reach trails that select them. */
  management: boolean;
  resources: { type: string; name: string }[];
  /** The CloudTrail record, serialized once. */
  record: string;
}

export type LookupAttributeKey =
  | 'EventId' | 'EventName' | 'ReadOnly' | 'Username' | 'ResourceType' | 'ResourceName' | 'EventSource' | 'AccessKeyId';

export interface LookupQuery {
  accountId: string;
  region: string;
  attribute?: { key: LookupAttributeKey; value: string };
  start: Date;
  end: Date;
  limit: number;
  /** Resume strictly after this (eventTime ms, seq) position, newest-first order. */
  after?: { time: number; seq: number };
}

export interface EventStore {
  append(event: StoredEvent): Promise<void>;
  lookup(q: LookupQuery): Promise<StoredEvent[]>;
  /** Events with seq > after, oldest first (trail delivery). */
  readAfter(after: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq stored (0 when empty). */
  lastSeq(): Promise<number>;
  /** Deletes events older than `before`; returns how many. */
  purgeBefore(before: Date): Promise<number>;
  close(): Promise<void>;
}
