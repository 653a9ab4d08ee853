// Document changes: every committed write to the DocumentStore is published as (kind, account,
// region, id), and in-memory caches subscribe by kind instead of being invalidated by hand. In one
// process delivery is synchronous with the write; a transport (PostgreSQL LISTEN/NOTIFY) carries the
// same serializable change to the other nodes sharing a database.

/** One document that was created, replaced or deleted. Plain data: it crosses processes as JSON. */
export interface DocumentChange {
  kind: string;
  accountId: string;
  region: string;
  id: string;
}

/**
 * Any document of `kind` may have changed: a transport lost track for a while (its connection
 * dropped, a notification was too large to carry its key). A cache drops everything of the kind.
 */
export interface KindChanged {
  kind: string;
  all: true;
}

export type Change = DocumentChange | KindChanged;

export type ChangeListener = (change: Change) => void;

/** What a cache subscribes to. */
export interface ChangeFeed {
  /**
   * Calls `listener` after every committed write of a document of one of `kinds`, before the write's
   * promise resolves (so the writer's next call already sees the cache dropped). Listeners must be
   * quick and must not throw. Returns the unsubscribe function.
   */
  onChange(kinds: string | readonly string[], listener: ChangeListener): () => void;
}

/** The in-process bus a DocumentStore publishes to, and a transport delivers remote changes into. */
export class ChangeBus implements ChangeFeed {
  private readonly byKind = new Map<string, Set<ChangeListener>>();

  /** A listener that throws is reported here; the write it followed has committed and stays done. */
  constructor(private readonly onListenerError: (e: unknown, change: Change) => void = reportListenerError) {}

  onChange(kinds: string | readonly string[], listener: ChangeListener): () => void {
    const list = typeof kinds === 'string' ? [kinds] : kinds;
    for (const kind of list) {
      let set = this.byKind.get(kind);
      if (!set) this.byKind.set(kind, set = new Set());
      set.add(listener);
    }
    return () => { for (const kind of list) this.byKind.get(kind)?.delete(listener); };
  }

  publish(change: Change): void {
    const listeners = this.byKind.get(change.kind);
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (e) {
        this.onListenerError(e, change);
      }
    }
  }

  /** Tells every subscriber that anything may have changed (after a transport's gap). */
  publishAll(): void {
    for (const kind of [...this.byKind.keys()]) this.publish({ kind, all: true });
  }
}

function reportListenerError(e: unknown, change: Change): void {
  process.emitWarning(`change listener for ${change.kind} failed: ${e instanceof Error ? e.message : String(e)}`);
}

/** A change as it travels between processes; `origin` lets a node skip its own. */
export interface ChangeMessage {
  origin: string;
  change: Change;
}

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; a longer key travels as `all`. */
export const MAX_MESSAGE_BYTES = 7900;

export function encodeChangeMessage(origin: string, change: Change): string {
  const text = JSON.stringify({ origin, change } satisfies ChangeMessage);
  if (Buffer.byteLength(text) < MAX_MESSAGE_BYTES) return text;
  return JSON.stringify({ origin, change: { kind: change.kind, all: true } } satisfies ChangeMessage);
}

/** Undefined for anything that is not a well-formed message (never throws on foreign input). */
export function decodeChangeMessage(text: string): ChangeMessage | undefined {
  let v: unknown;
  try { v = JSON.parse(text); } catch { return undefined; }
  if (!isRecord(v) || typeof v.origin !== 'string' || !isRecord(v.change)) return undefined;
  const c = v.change;
  if (typeof c.kind !== 'string') return undefined;
  if (c.all === true) return { origin: v.origin, change: { kind: c.kind, all: true } };
  if (typeof c.accountId !== 'string' || typeof c.region !== 'string' || typeof c.id !== 'string') return undefined;
  return { origin: v.origin, change: { kind: c.kind, accountId: c.accountId, region: c.region, id: c.id } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
