// A real chattrail server with one more consumer of the record feed, not a trail, for
// feed-durability.test.ts: `node feed-consumer-process.js OUT_FILE`, settings from CHATTRAIL_*.
// Its effect: each record's seq and eventID appended to OUT_FILE and fsynced before the feed commits
// the cursor (at least once; the eventID is the idempotence key). Slow on purpose, so it lags behind.
import fs from 'node:fs';
import { loadConfig } from '../../src/common/config.js';
import { startChattrail } from '../../src/server/app.js';
import type { StoredEvent } from '../../src/storage/event-store.js';

/** Name and batch size are repeated in feed-durability.test.ts (importing this file would start a server). */
const CONSUMER = 'test-notifier';
const BATCH = 50;
const PAUSE_MS = 100;

const out = process.argv[2];
if (!out) throw new Error('usage: feed-consumer-process.js OUT_FILE');
const fd = fs.openSync(out, 'a');

async function handle(batch: readonly StoredEvent[]): Promise<void> {
  fs.writeSync(fd, batch.map((e) => `${process.pid} ${e.seq} ${e.eventId}\n`).join(''));
  fs.fsyncSync(fd);
  await new Promise((r) => setTimeout(r, PAUSE_MS)); // the rest of the effect, while the batch is uncommitted
}

const app = await startChattrail(loadConfig([]), {
  modules: [() => ({ name: 'feed-test', consumers: [{ name: CONSUMER, batchSize: BATCH, handle }] })],
});
process.stdout.write(`ready ${app.url}\n`);
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)); });
