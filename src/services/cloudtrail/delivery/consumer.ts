// Trail delivery's place on the record feed: the consumer that wakes the delivery loop, and the
// sizes its passes and files are cut to.
import type { FeedConsumer } from '../../../records/feed.js';
import type { DeliveryLoop } from './loop.js';

/**
 * Passes are large enough to amortize their bookkeeping and small enough to stay well under a
 * second; files stay a few MB uncompressed, so a busy window becomes several files gzipped in parallel.
 */
export const DELIVERY_LIMITS = { maxEventsPerPass: 50_000, maxRecordsPerFile: 5_000 };

/**
 * Trail delivery as a consumer of the record feed. The feed drives it: every batch (appended
 * here or, polled, by another process on the same database) wakes the delivery loop, in seq order.
 * It is a progress consumer: it needs no records from the feed, so a backlog costs one read of the
 * last seq, not a pass over every record. The per-trail cursors stay in the trails' state documents (state.ts) rather than moving into the
 * feed, because exactly-once needs them there: a file's intent is cleared and its trail's cursor
 * advanced in one document update, each trail starts and stops at its own seqs (logging spans), and
 * a trail whose bucket refuses must not hold back the others. The feed cursor only says how far
 * delivery has been woken for; delivery reads each trail's range itself.
 */
export function deliveryConsumer(loop: DeliveryLoop): FeedConsumer {
  return {
    name: 'trail-delivery',
    progress: true,
    async handle() { loop.wake(); },
  };
}
