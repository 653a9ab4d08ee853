// The server for the record feed's bench row: chattrail (`node feed-server.js N`, settings from
// CHATTRAIL_*) with N idle durable consumers registered on the record feed beside trail delivery.
// Idle: each takes its batches and does nothing with them, so what is measured is the feed itself.
import { loadConfig } from '../src/common/config.js';
import { startChattrail } from '../src/server/app.js';
import type { FeedConsumer } from '../src/records/feed.js';

const count = Number(process.argv[2] ?? '0');
if (!Number.isInteger(count) || count < 0) throw new Error('usage: feed-server.js CONSUMERS');
const consumers: FeedConsumer[] = Array.from({ length: count }, (_, i) => ({ name: `bench-idle-${i}`, handle: async () => undefined }));
const app = await startChattrail(loadConfig([]), { modules: count ? [() => ({ name: 'bench-consumers', consumers })] : [] });
process.on('SIGTERM', () => { app.close().then(() => process.exit(0), () => process.exit(1)); });
