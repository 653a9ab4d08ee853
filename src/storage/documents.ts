// The control-plane store: every service keeps its resources (users, roles, trails, channel
// configurations, topics, functions...) as JSON documents keyed by kind, account, region and id.
// One small async interface so PostgreSQL can stand in for SQLite without touching callers.
// Every committed write is published on `changes` (see changes.ts), which caches subscribe to.
import type { ChangeFeed } from './changes.js';

export interface DocumentKey {
  kind: string;
  accountId: string;
  /** `global` for resources that have no region (IAM). */
  region: string;
  id: string;
}

export interface ListOptions {
  /** Only ids starting with this. */
  prefix?: string;
  /** Resume after this id (ids are listed in ascending order). */
  after?: string;
  limit?: number;
}

/**
 * Each write below is its own transaction (update's read-modify-write included) and, once committed,
 * publishes one change of its key on `changes`: create only when it inserted, delete only when it
 * removed, update when it wrote or removed; a write that fails or rolls back publishes nothing.
 */
export interface DocumentStore {
  readonly changes: ChangeFeed;
  get<T>(key: DocumentKey): Promise<T | undefined>;
  /** Inserts; returns false (and changes nothing) when the id is taken. */
  create<T>(key: DocumentKey, doc: T): Promise<boolean>;
  put<T>(key: DocumentKey, doc: T): Promise<void>;
  /** Read-modify-write in one transaction; `fn` returning undefined deletes, and the result is returned. */
  update<T>(key: DocumentKey, fn: (current: T | undefined) => T | undefined): Promise<T | undefined>;
  delete(key: DocumentKey): Promise<boolean>;
  list<T>(kind: string, accountId: string, region: string, opts?: ListOptions): Promise<{ id: string; doc: T }[]>;
  /** Every document of a kind in every account and region (trail delivery, startup caches). */
  listAll<T>(kind: string): Promise<{ key: DocumentKey; doc: T }[]>;
}
