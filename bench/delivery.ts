// Trail delivery benchmarks. Latency: signed API calls against a real `chattrail start` process,
// each timed until a log file holding its requestID is listed in the bucket (polled through the S3
// API). Throughput: seeded events delivered by the same code the server runs (read, join, gzip,
// write to the embedded S3), beside plain gzip compressing the same bytes on this machine.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { S3Client, CreateBucketCommand, PutBucketPolicyCommand, ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { loadConfig } from '../src/common/config.js';
import { openEmbeddedStores } from '../src/storage/stores.js';
import { randomIds, systemClock } from '../src/common/runtime.js';
import { s3Deps } from '../src/services/s3/index.js';
import { EmbeddedBucketSink } from '../src/services/s3/sink.js';
import { LogDelivery } from '../src/services/cloudtrail/delivery/deliver.js';
import { logFileBody } from '../src/services/cloudtrail/delivery/log-file.js';
import { DELIVERY_LIMITS } from '../src/services/cloudtrail/delivery/consumer.js';
import { cloudTrailBuckets, type BucketSink } from '../src/services/cloudtrail/delivery/sinks.js';
import type { EventStore, StoredEvent } from '../src/storage/event-store.js';
import type { Stores } from '../src/storage/stores.js';
import { trailKey, type TrailDoc } from '../src/services/cloudtrail/trails-model.js';
import { adminCredentials, startChattrail } from './processes.js';
import { seedEvents } from './seed.js';

export interface BenchRow { metric: string; value: string; peer: string; ratio: string; target: string; pass: boolean }

const execFileP = promisify(execFile);
const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

function envInt(name: string, dflt: number): number {
  const n = Number(process.env[name] ?? dflt);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer`);
  return n;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function policy(bucket: string, accountId: string, prefixes = ['']): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: [
    { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${bucket}` },
    { Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: prefixes.map((p) => `arn:aws:s3:::${bucket}/${p}AWSLogs/${accountId}/*`) },
  ] });
}

/** Call → visible latencies (ms), one call every `gapMs`, against a server with the given window. */
async function measureLatency(windowSeconds: number, samples: number, gapMs: number): Promise<number[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-delivery-bench-'));
  const saved = process.env.CHATTRAIL_DELIVERY_WINDOW_SECONDS;
  process.env.CHATTRAIL_DELIVERY_WINDOW_SECONDS = String(windowSeconds);
  const server = await startChattrail(dataDir);
  if (saved === undefined) delete process.env.CHATTRAIL_DELIVERY_WINDOW_SECONDS;
  else process.env.CHATTRAIL_DELIVERY_WINDOW_SECONDS = saved;
  const config = { endpoint: server.url, region: 'us-east-1', credentials: adminCredentials(dataDir), forcePathStyle: true, maxAttempts: 1 };
  const s3 = new S3Client(config);
  const sts = new STSClient(config);
  const ct = new CloudTrailClient(config);
  try {
    const accountId = (await sts.send(new GetCallerIdentityCommand({}))).Account!;
    await s3.send(new CreateBucketCommand({ Bucket: 'bench-trail' }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'bench-trail', Policy: policy('bench-trail', accountId) }));
    await ct.send(new CreateTrailCommand({ Name: 'bench', S3BucketName: 'bench-trail' }));
    await ct.send(new StartLoggingCommand({ Name: 'bench' }));

    const sentAt = new Map<string, number>();
    const visibleAt = new Map<string, number>();
    const seen = new Set<string>();
    let sending = true;
    let lastSent = performance.now();
    const poll = async () => {
      // Until every call is seen, or a generous while after the last one (a lost call then shows as `never`).
      while (sending || (visibleAt.size < sentAt.size && performance.now() - lastSent < (windowSeconds + 30) * 1000)) {
        const listing = await s3.send(new ListObjectsV2Command({ Bucket: 'bench-trail', Prefix: `AWSLogs/${accountId}/CloudTrail/` }));
        const at = performance.now();
        for (const o of listing.Contents ?? []) {
          if (!o.Key || seen.has(o.Key)) continue;
          seen.add(o.Key);
          const body = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: 'bench-trail', Key: o.Key }))).Body!.transformToByteArray());
          for (const r of (JSON.parse(zlib.gunzipSync(body).toString('utf8')) as { Records: { requestID: string }[] }).Records) {
            if (!visibleAt.has(r.requestID)) visibleAt.set(r.requestID, at);
          }
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const poller = poll();
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      const out = await sts.send(new GetCallerIdentityCommand({}));
      sentAt.set(out.$metadata.requestId!, t);
      lastSent = t;
      await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (performance.now() - t))));
    }
    sending = false;
    await poller;
    return [...sentAt].map(([id, t]) => (visibleAt.get(id) ?? Infinity) - t).sort((a, b) => a - b);
  } finally {
    s3.destroy();
    sts.destroy();
    ct.destroy();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface Throughput {
  /** Serialization, gzip and write, from events already read. */
  pipeline: number;
  /** The same with the reads from the SQLite event store included. */
  endToEnd: number;
  plainGzip: number;
  gzipTool: string;
  files: number;
}

/** In-memory events in store order: the pipeline measured without the store's reads. */
function memoryEvents(all: StoredEvent[]): Pick<EventStore, 'readAfter' | 'lastSeq'> {
  return {
    async readAfter(after, limit) {
      let lo = 0;
      let hi = all.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (all[mid].seq! <= after) lo = mid + 1; else hi = mid; }
      return all.slice(lo, lo + limit);
    },
    async lastSeq() { return all.at(-1)?.seq ?? 0; },
  };
}

/** Delivers every stored event for a fresh trail with the server's code and limits; returns events/s. */
async function deliverAll(stores: Stores, events: Pick<EventStore, 'readAfter' | 'lastSeq'>, sink: BucketSink, name: string, count: number): Promise<number> {
  const trail: TrailDoc = {
    trailId: name, name, accountId: ACCOUNT, homeRegion: 'us-east-1', s3BucketName: 'bench-trail', s3KeyPrefix: name, includeGlobalServiceEvents: true,
    isMultiRegionTrail: true, logFileValidationEnabled: false, isOrganizationTrail: false, tags: [], isLogging: true, logging: [{ startSeq: 0 }], createdAt: new Date(),
  };
  await stores.documents.put(trailKey(ACCOUNT, 'us-east-1', name), trail);
  const delivery = new LogDelivery({
    documents: stores.documents, events, clock: systemClock, ids: randomIds, sink: () => sink, topics: () => undefined, orgs: async () => undefined, ...DELIVERY_LIMITS,
  });
  const t0 = performance.now();
  while ((await delivery.deliver(trail)) === 'more');
  return count / ((performance.now() - t0) / 1000);
}

const ACCOUNT = '123456789012';

async function measureThroughput(count: number): Promise<Throughput> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chattrail-delivery-throughput-'));
  try {
    await seedEvents(dataDir, ACCOUNT, 'us-east-1', count);
    const stores = openEmbeddedStores({ dataDir, synchronous: 'normal' });
    const s3 = s3Deps(stores.documents, dataDir, loadConfig([], {}).maxObjectBytes);
    await s3.buckets.create({ name: 'bench-trail', owner: ACCOUNT, region: 'us-east-1', createdAt: new Date(), policy: policy('bench-trail', ACCOUNT, ['pipeline/', 'e2e/']) });
    const embedded = cloudTrailBuckets(new EmbeddedBucketSink(s3.buckets, s3.objects, systemClock))!;
    let files = 0;
    const sink: BucketSink = {
      checkDelivery: (b, p, src) => embedded.checkDelivery(b, p, src),
      putObject: (b, k, body, o) => { files++; return embedded.putObject(b, k, body, o); },
      bucketRegion: (b) => embedded.bucketRegion(b),
    };
    const all: StoredEvent[] = [];
    for (let batch = await stores.events.readAfter(0, 50_000); batch.length; batch = await stores.events.readAfter(batch.at(-1)!.seq!, 50_000)) all.push(...batch);
    const pipeline = await deliverAll(stores, memoryEvents(all), sink, 'pipeline', count);
    const pipelineFiles = files;
    const endToEnd = await deliverAll(stores, stores.events, sink, 'e2e', count);

    // The peer: plain gzip (the gzip tool at its default level) over exactly the bytes delivered.
    const bodyFile = path.join(dataDir, 'bodies.json');
    const out = fs.openSync(bodyFile, 'w');
    for (let i = 0; i < all.length; i += DELIVERY_LIMITS.maxRecordsPerFile) fs.writeSync(out, logFileBody(all.slice(i, i + DELIVERY_LIMITS.maxRecordsPerFile)));
    fs.closeSync(out);
    await stores.close();
    let gzipTool = 'gzip -6';
    const g0 = performance.now();
    try {
      await execFileP('sh', ['-c', `gzip -6 -c '${bodyFile}' > /dev/null`]);
    } catch {
      gzipTool = 'zlib level 6';
      zlib.gzipSync(fs.readFileSync(bodyFile), { level: 6 });
    }
    const plainGzip = count / ((performance.now() - g0) / 1000);
    return { pipeline, endToEnd, plainGzip, gzipTool, files: pipelineFiles };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runDeliveryBench(): Promise<BenchRow[]> {
  const windowSeconds = envInt('BENCH_DELIVERY_WINDOW_SECONDS', loadConfig([], {}).deliveryWindowSeconds);
  const samples = envInt('BENCH_DELIVERY_SAMPLES', 100);
  const events = envInt('BENCH_DELIVERY_EVENTS', 300_000);
  log(`delivery latency: ${samples} calls, ${windowSeconds} s window`);
  const lat = await measureLatency(windowSeconds, samples, 200);
  const targetMs = (windowSeconds + 1) * 1000;
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  log(`delivery throughput: ${events.toLocaleString('en-US')} events`);
  const tp = await measureThroughput(events);
  const fmt = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'never');
  const perSec = (n: number) => n.toFixed(0);
  return [
    { metric: `API call -> log file in bucket p50 (${windowSeconds} s window, ${samples} calls)`, value: fmt(p50), peer: '-', ratio: '-', target: `<= ${windowSeconds + 1} s`, pass: p50 <= targetMs },
    { metric: `API call -> log file in bucket p99 (${windowSeconds} s window)`, value: fmt(p99), peer: '-', ratio: '-', target: `<= ${windowSeconds + 1} s`, pass: p99 <= targetMs },
    {
      metric: `delivery events/s: serialize+gzip+write (${events.toLocaleString('en-US')} events, ${tp.files} files; peer: ${tp.gzipTool}, same bytes)`,
      value: perSec(tp.pipeline), peer: perSec(tp.plainGzip), ratio: `${(tp.pipeline / tp.plainGzip).toFixed(2)}x`, target: '>= 100000', pass: tp.pipeline >= 100_000,
    },
    {
      metric: 'delivery events/s incl. event-store reads (SQLite)', value: perSec(tp.endToEnd), peer: perSec(tp.plainGzip),
      ratio: `${(tp.endToEnd / tp.plainGzip).toFixed(2)}x`, target: '-', pass: true,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDeliveryBench().then((rows) => { for (const r of rows) console.log(`${r.metric}: ${r.value} (peer ${r.peer}, ${r.ratio}; target ${r.target}) ${r.pass ? 'PASS' : 'FAIL'}`); },
    (e: unknown) => { console.error(e); process.exit(1); });
}
