// The trails module: the trail half of the CloudTrail API, and the background delivery of log
// files, digests and SNS notifications to the embedded S3 (or an external S3-compatible endpoint).
import type { Module, ModuleDeps } from '../../server/module.js';
import { cloudTrailBuckets, cloudTrailTopics, type BucketSink, type TopicSink } from '../sinks.js';
import { ExternalS3Sink } from '../../storage/external-s3-sink.js';
import { OrganizationStore } from '../../services/organizations/store.js';
import { TrailStore } from '../../services/cloudtrail/trails-store.js';
import { trailsService } from '../../services/cloudtrail/trails-service.js';
import { SigningKeys } from './signing-keys.js';
import { DeliveryLoop } from './loop.js';
import type { OrgLookup } from './deliver.js';
import type { FeedConsumer } from '../feed.js';

/**
 * Passes are large enough to amortize their bookkeeping and small enough to stay well under a
 * second; files stay a few MB uncompressed, so a busy window becomes several files gzipped in parallel.
 */
export const DELIVERY_LIMITS = { maxEventsPerPass: 50_000, maxRecordsPerFile: 5_000 };
const MAX_BACKOFF_MS = 30_000;

export function trailsModule(deps: ModuleDeps): Module {
  const { config } = deps;
  const organizations = new OrganizationStore(deps.stores.documents, deps.identity);
  const orgs: OrgLookup = (accountId) => organizations.organizationOf(accountId);
  const keys = new SigningKeys(deps.stores.documents, deps.box, deps.clock);
  const store = new TrailStore(deps.stores.documents, orgs);
  const external = config.s3Delivery && new ExternalS3Sink({
    endpoint: config.s3Delivery.endpoint, region: config.s3Delivery.region, forcePathStyle: true,
    credentials: { accessKeyId: config.s3Delivery.accessKeyId, secretAccessKey: config.s3Delivery.secretAccessKey },
  });
  // Where trails write: the configured external endpoint, else the embedded S3, asked as CloudTrail.
  const sink = (): BucketSink | undefined => cloudTrailBuckets(external || deps.buckets());
  const topics = (): TopicSink | undefined => cloudTrailTopics(deps.topics());
  const windowMs = config.deliveryWindowSeconds * 1000;
  const loop = new DeliveryLoop({
    documents: deps.stores.documents, events: deps.stores.events, clock: deps.clock, ids: deps.ids,
    sink, topics, orgs, keys,
    ...DELIVERY_LIMITS,
    digestWindowMs: config.digestWindowSeconds * 1000,
  }, deps.logger, { windowMs, maxBackoffMs: Math.min(MAX_BACKOFF_MS, 6 * windowMs) });
  return {
    name: 'trails',
    services: [trailsService({ store, buckets: sink, topics, keys, changed: () => loop.poke() })],
    async start() { loop.start(); },
    async stop() {
      await loop.stop();
      if (external) external.close();
    },
    consumers: [deliveryConsumer(loop)],
  };
}

/**
 * Trail delivery as a consumer of the record feed. The feed drives it: every batch (appended
 * here or, polled, by another process on the same database) wakes the delivery loop, in seq order.
 * The per-trail cursors stay in the trails' state documents (state.ts) rather than moving into the
 * feed, because exactly-once needs them there: a file's intent is cleared and its trail's cursor
 * advanced in one document update, each trail starts and stops at its own seqs (logging spans), and
 * a trail whose bucket refuses must not hold back the others. The feed cursor only says how far
 * delivery has been woken for; delivery reads each trail's range itself.
 */
function deliveryConsumer(loop: DeliveryLoop): FeedConsumer {
  return {
    name: 'trail-delivery',
    async handle() { loop.wake(); },
  };
}
