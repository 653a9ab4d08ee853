// Live Event history: the events recorded most recently, kept in a ring as the record feed hands them over,
// and long-poll waiters that answer as soon as a matching event arrives. The HTTP layer answers
// whole responses only, so this is long polling rather than Server-Sent Events; the effect for the
// page is the same (new events appear within milliseconds of being recorded).
import type { LookupAttributeKey, StoredEvent } from '../storage/event-store.js';

const RING_SIZE = 5_000;

export interface LiveFilter {
  accountId: string;
  region: string;
  attribute?: { key: LookupAttributeKey; value: string };
}

export interface LiveAnswer {
  /** Pass back as `after` next time. */
  cursor: number;
  events: StoredEvent[];
  /** True when events after the cursor have already left the ring: reload the page instead. */
  gap: boolean;
}

interface Waiter {
  filter: LiveFilter;
  after: number;
  done: (a: LiveAnswer) => void;
  timer: NodeJS.Timeout;
}

export function matchesLive(e: StoredEvent, f: LiveFilter): boolean {
  if (!e.management || e.accountId !== f.accountId || e.region !== f.region) return false;
  const a = f.attribute;
  if (!a) return true;
  switch (a.key) {
    case 'EventId': return e.eventId === a.value;
    case 'EventName': return e.eventName === a.value;
    case 'EventSource': return e.eventSource === a.value;
    case 'Username': return e.username === a.value;
    case 'AccessKeyId': return e.accessKeyId === a.value;
    case 'ReadOnly': return String(e.readOnly) === a.value;
    case 'ResourceType': return e.resources.some((r) => r.type === a.value);
    case 'ResourceName': return e.resources.some((r) => r.name === a.value);
  }
}

export class LiveFeed {
  /** A circular buffer: the event at position p (1-based, counting every push) sits at slot p % RING_SIZE. */
  private readonly ring: (StoredEvent | undefined)[] = new Array(RING_SIZE);
  private readonly waiters = new Set<Waiter>();
  /** Our own counter: store seqs are not guaranteed to reach us in order across stores. */
  private counter = 0;

  /** Called for each durably recorded event; runs on the request path, so it only stores a pointer. */
  push(e: StoredEvent): void {
    const pos = ++this.counter;
    this.ring[pos % RING_SIZE] = e;
    if (this.waiters.size === 0) return;
    for (const w of this.waiters) {
      if (matchesLive(e, w.filter)) this.finish(w, this.collect(w.filter, w.after));
    }
  }

  get cursor(): number {
    return this.counter;
  }

  /** Answers at once when matching events are waiting (or after is unknown), else after the first one or `waitMs`. */
  wait(filter: LiveFilter, after: number | undefined, waitMs: number): Promise<LiveAnswer> {
    if (after === undefined || after > this.counter) return Promise.resolve({ cursor: this.counter, events: [], gap: false });
    const now = this.collect(filter, after);
    if (now.events.length || now.gap) return Promise.resolve(now);
    return new Promise((resolve) => {
      const w: Waiter = {
        filter, after, done: resolve,
        timer: setTimeout(() => this.finish(w, { cursor: this.counter, events: [], gap: false }), waitMs),
      };
      this.waiters.add(w);
    });
  }

  /** Ends every pending wait (shutdown). */
  close(): void {
    for (const w of this.waiters) this.finish(w, { cursor: this.counter, events: [], gap: false });
  }

  private collect(filter: LiveFilter, after: number): LiveAnswer {
    const oldest = Math.max(1, this.counter - RING_SIZE + 1);
    const gap = after < oldest - 1;
    const events: StoredEvent[] = [];
    for (let pos = this.counter; pos >= oldest && pos > after; pos--) {
      const e = this.ring[pos % RING_SIZE]!;
      if (matchesLive(e, filter)) events.push(e);
    }
    return { cursor: this.counter, events, gap };
  }

  private finish(w: Waiter, a: LiveAnswer): void {
    if (!this.waiters.delete(w)) return;
    clearTimeout(w.timer);
    w.done(a);
  }
}
