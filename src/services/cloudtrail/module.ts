// CloudTrail as a module: its API (Event history and trails, index.ts) and, beside it, delivery of
// log files, digests and SNS notifications to the embedded S3 (or an external S3-compatible
// endpoint) as a consumer of the record feed (delivery/).
import type { Module, ModuleDeps } from '../../core/module.js';
import { OrganizationStore } from '../../identity/organizations.js';
import { cloudtrailPages, cloudtrailService } from './index.js';
import { EventHistory } from './lookup.js';
import { TrailStore } from './trails-store.js';
import { cloudTrailBuckets, cloudTrailTopics, type BucketSink, type TopicSink } from './delivery/sinks.js';
import { ExternalS3Sink } from './delivery/external-bucket.js';
import { SigningKeys } from './delivery/signing-keys.js';
import { DeliveryLoop } from './delivery/loop.js';
import type { OrgLookup } from './delivery/deliver.js';
import { DELIVERY_LIMITS, deliveryConsumer } from './delivery/consumer.js';

const MAX_BACKOFF_MS = 30_000;

export function cloudtrailModule(deps: ModuleDeps): Module {
  const { config } = deps;
  const organizations = new OrganizationStore(deps.stores.documents, deps.identity);
  const orgs: OrgLookup = (accountId) => organizations.organizationOf(accountId);
  const keys = new SigningKeys(deps.stores.documents, deps.box, deps.clock);
  const store = new TrailStore(deps.stores.documents, orgs);
  // NextTokens are signed with a key derived from the master key, so paging survives a restart
  // (and works across processes sharing a PostgreSQL database and master key).
  const pages = cloudtrailPages(deps.box.derivedKey('chattrail/lookup-events-next-token'));
  const history = new EventHistory(pages, config.retentionDays);
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
    name: 'cloudtrail',
    services: [cloudtrailService({ history, pages, store, buckets: sink, topics, keys, changed: () => loop.poke() })],
    async start() { loop.start(); },
    async stop() {
      await loop.stop();
      if (external) external.close();
    },
    consumers: [deliveryConsumer(loop)],
  };
}
