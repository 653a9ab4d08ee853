// Where recorded events live: appended durably (a resolved append is on disk), looked up for Event
// history, and read in commit order by the record feed (src/records/feed.ts), whose consumers' cursors
// are kept here too, in the same database. Implementations: SQLite and PostgreSQL.

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
  /** Events with seq > after, oldest first (the record feed, trail delivery). */
  readAfter(after: number, limit: number): Promise<StoredEvent[]>;
  /** The highest seq stored (0 when empty). */
  lastSeq(): Promise<number>;
  /** A feed consumer's committed position (the last seq it handled), or undefined if it never committed one. */
  cursor(name: string): Promise<number | undefined>;
  /**
   * Stores a feed consumer's position durably, beside the events (resolves once committed). Never
   * moves a cursor backwards, so a late commit from a slower copy of the consumer cannot rewind it.
   */
  commitCursor(name: string, seq: number): Promise<void>;
  /** Deletes events older than `before`; returns how many. */
  purgeBefore(before: Date): Promise<number>;
  close(): Promise<void>;
}
