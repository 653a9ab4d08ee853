// Assembles a running chattrail: storage, identity, the services, the request pipeline and the
// HTTP front door. `startChattrail` is what `chattrail start`, the tests and the benchmarks call.
import type http from 'node:http';
import type { Config } from '../common/config.js';
import { openStores, type Stores } from '../storage/stores.js';
import { SecretBox, loadMasterKey } from '../storage/secrets.js';
import { IdentityStore } from '../identity/store.js';
import { CredentialResolver } from '../auth/credentials.js';
import { Authorizer } from '../auth/authorize.js';
import { ServiceRegistry } from '../core/registry.js';
import { Pipeline } from './pipeline.js';
import { PipelineClient } from './internal-client.js';
import { createHttpServer } from './http.js';
import { type Route } from '../core/routes.js';
import { TrustedProxies } from './client-address.js';
import { secureDataDir } from '../storage/file-modes.js';
import { createLogger, randomIds, systemClock, type Logger } from '../common/runtime.js';
import type { ServiceDefinition } from '../core/service.js';
import type { Clock, Ids } from '../common/runtime.js';
import { ensureDefaultAccount } from './bootstrap.js';
import type { AdminCredentials } from '../identity/accounts.js';
import { stsService } from '../services/sts/index.js';
import { iamService } from '../services/iam/index.js';
import { accessAnalyzerService } from '../services/accessanalyzer/index.js';
import type { Module, ModuleDeps } from '../core/module.js';
import { chatbotModule } from '../services/chatbot/module.js';
import { s3Module } from '../services/s3/module.js';
import { snsModule } from '../services/sns/module.js';
import { lambdaModule } from '../services/lambda/module.js';
import { organizationsModule } from '../services/organizations/module.js';
import { cloudtrailModule } from '../services/cloudtrail/module.js';
import { chatModule } from '../chat/module.js';
import { consoleModule } from '../console/module.js';
import { backendModule } from '../services/backend/module.js';
import { RecordFeed } from '../records/feed.js';

/** Feature modules, in dependency order (trails use S3 and SNS; chat uses Chatbot's channels). */
const MODULES = [s3Module, snsModule, organizationsModule, lambdaModule, chatbotModule, cloudtrailModule, chatModule, consoleModule, backendModule];

export interface Chattrail {
  url: string;
  config: Config;
  stores: Stores;
  identity: IdentityStore;
  pipeline: Pipeline;
  modules: Module[];
  registry: ServiceRegistry;
  logger: Logger;
  /** The record feed the modules' consumers are registered on. */
  feed: RecordFeed;
  /** Set on the very first start only. */
  firstAdmin?: AdminCredentials;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  ids?: Ids;
  logger?: Logger;
  /** Modules added after the built-in ones (tests and benchmarks plug feed consumers in this way). */
  modules?: ((deps: ModuleDeps) => Module)[];
}

/** CreateFunction's request: a 50 MB zip, base64-encoded, inside JSON. */
const LAMBDA_CREATE_BYTES = 70 * 1024 * 1024;

export async function startChattrail(config: Config, opts: StartOptions = {}): Promise<Chattrail> {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const logger = opts.logger ?? createLogger(config.logLevel);
  // The folder holds the database, keys and credentials: only its owner may look inside.
  const modes = secureDataDir(config.dataDir);
  if (modes.failed.length) logger.warn('could not make data folder entries owner-only', { entries: modes.failed.slice(0, 20), count: modes.failed.length });
  const stores = await openStores(config, { onError: (e) => logger.error('database connection failed', { error: String(e) }) });
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  const box = new SecretBox(masterKey);
  const identity = new IdentityStore(stores.documents, box);
  const credentials = new CredentialResolver(identity);
  const authorizer = new Authorizer(identity);
  const registry = new ServiceRegistry();
  registry.register(stsService({ identity }));
  registry.register(iamService({ identity, authorizer, credentials }));
  registry.register(accessAnalyzerService());

  let pipeline: Pipeline | undefined;
  let baseUrl = '';
  const modules: Module[] = [];
  const readyPipeline = (): Pipeline => { if (!pipeline) throw new Error('pipeline not ready'); return pipeline; };
  const deps: ModuleDeps = {
    config, stores, box, identity, credentials, authorizer, registry, clock, ids, logger,
    appendRecord: (event) => readyPipeline().appendRecord(event),
    client: new PipelineClient({ pipeline: readyPipeline, registry, ids, homeRegion: config.region }),
    buckets: () => modules.find((m) => m.buckets)?.buckets,
    topics: () => modules.find((m) => m.topics)?.topics,
    serviceEndpoints: () => modules.find((m) => m.serviceEndpoints)?.serviceEndpoints,
    chatChannels: () => modules.find((m) => m.chatChannels)?.chatChannels,
    channelCommands: () => modules.find((m) => m.channelCommands)?.channelCommands,
    chatPolicies: () => modules.find((m) => m.chatPolicies)?.chatPolicies,
    baseUrl: () => baseUrl,
  };
  for (const make of [...MODULES, ...(opts.modules ?? [])]) modules.push(make(deps));
  for (const m of modules) for (const s of m.services ?? []) registry.register(s);
  for (const m of modules) for (const l of m.lazyServices ?? []) registry.registerLazy(l.entry, l.load);
  const feed = new RecordFeed(stores.events, logger);
  for (const m of modules) for (const c of m.consumers ?? []) feed.register(c);
  pipeline = new Pipeline({
    registry, credentials, authorizer, stores, clock, ids, logger, homeRegion: config.region, feed,
    // A signature over the body's own hash (no x-amz-content-sha256 signed, as the AWS CLI sends
    // outside S3) needs the body first: at most an API body, or a CreateFunction zip.
    maxUnverifiedBodyBytes: Math.max(config.maxBodyBytes, LAMBDA_CREATE_BYTES),
  });
  const firstAdmin = await ensureDefaultAccount(identity, ids, clock, config.dataDir, config.region);

  let started = false;
  const routes: Route[] = [{
    prefix: '/_chattrail/',
    handle: async (req) => {
      if (req.rawPath === '/_chattrail/health') {
        // Healthy once every module has started (the backend answers), not merely once listening.
        const parts = Object.fromEntries(modules.flatMap((m) => (m.health ? [[m.name, m.health()]] : [])));
        return { status: started ? 200 : 503, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: started ? 'ok' : 'starting', ...parts }) };
      }
      return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"not found"}' };
    },
  }, ...modules.flatMap((m) => m.routes ?? [])];
  const server = createHttpServer({
    routes, logger, trustedProxies: new TrustedProxies(config.trustedProxies),
    aws: (req, ip) => pipeline!.handle(req, ip),
    // PUT carries S3 objects (and Lambda code); CreateFunction carries a zip of up to 50 MB as
    // base64 in JSON (about 70 MB), as AWS accepts; every other API body has the smaller limit.
    maxBodyBytes: (r) => (r.method === 'PUT' ? config.maxObjectBytes
      : r.method === 'POST' && r.path === '/2015-03-31/functions' ? Math.max(config.maxBodyBytes, LAMBDA_CREATE_BYTES) : config.maxBodyBytes),
  });
  await listen(server, config.port, config.host);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  baseUrl = url;
  for (const m of modules) await m.start?.();
  await feed.start();
  started = true;

  const retention = setInterval(() => {
    stores.events.purgeBefore(new Date(clock.now().getTime() - config.retentionDays * 86_400_000))
      .catch((e: unknown) => logger.error('retention purge failed', { error: String(e) }));
  }, 3_600_000);
  retention.unref();

  let closed = false;
  return {
    url, config, stores, identity, pipeline, modules, registry, logger, feed, firstAdmin,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retention);
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await feed.stop(); // consumers finish their batch while the modules they use still run
      for (const m of [...modules].reverse()) await m.stop?.().catch((e: unknown) => logger.error('module stop failed', { module: m.name, error: String(e) }));
      await stores.close();
    },
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
}
