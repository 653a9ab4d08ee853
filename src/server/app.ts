// Assembles a running chattrail: storage, identity, the services, the request pipeline and the
// HTTP front door. `startChattrail` is what `chattrail start`, the tests and the benchmarks call.
import type http from 'node:http';
import crypto from 'node:crypto';
import type { Config } from '../config.js';
import { openEmbeddedStores, type Stores } from '../storage/stores.js';
import { SecretBox, loadMasterKey } from '../storage/secrets.js';
import { IdentityStore } from '../services/iam/store.js';
import { CredentialResolver } from '../auth/credentials.js';
import { Authorizer } from '../auth/authorize.js';
import { ServiceRegistry } from './registry.js';
import { Pipeline } from './pipeline.js';
import { createHttpServer, type Route } from './http.js';
import { createLogger, randomIds, systemClock, type Logger } from './runtime.js';
import type { Clock, Ids } from '../services/types.js';
import { ensureDefaultAccount } from './bootstrap.js';
import type { AdminCredentials } from '../services/iam/accounts.js';
import { stsService } from '../services/sts/index.js';
import { iamService } from '../services/iam/index.js';
import { cloudtrailService } from '../services/cloudtrail/index.js';
import { EventHistory } from '../services/cloudtrail/lookup.js';

export interface Chattrail {
  url: string;
  config: Config;
  stores: Stores;
  identity: IdentityStore;
  pipeline: Pipeline;
  registry: ServiceRegistry;
  logger: Logger;
  /** Set on the very first start only. */
  firstAdmin?: AdminCredentials;
  close(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  ids?: Ids;
  logger?: Logger;
}

export async function startChattrail(config: Config, opts: StartOptions = {}): Promise<Chattrail> {
  const clock = opts.clock ?? systemClock;
  const ids = opts.ids ?? randomIds;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const stores = openEmbeddedStores({ dataDir: config.dataDir, synchronous: config.durability });
  const box = new SecretBox(loadMasterKey(config.dataDir, config.masterKey));
  const identity = new IdentityStore(stores.documents, box);
  const credentials = new CredentialResolver(identity);
  const authorizer = new Authorizer(identity);
  const registry = new ServiceRegistry();
  // The NextToken key only has to outlive a paging session; a restart invalidating tokens is fine.
  const history = new EventHistory(crypto.randomBytes(32), config.retentionDays);
  registry.register(stsService({ identity }));
  registry.register(iamService({ identity, authorizer, credentials }));
  registry.register(cloudtrailService({ history }));

  const pipeline = new Pipeline({ registry, credentials, authorizer, stores, clock, ids, logger, homeRegion: config.region });
  const firstAdmin = await ensureDefaultAccount(identity, ids, clock, config.dataDir, config.region);

  const routes: Route[] = [{
    prefix: '/_chattrail/',
    handle: async (req) => {
      if (req.rawPath === '/_chattrail/health') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"status":"ok"}' };
      return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"not found"}' };
    },
  }];
  const server = createHttpServer({
    routes, logger,
    aws: (req, ip) => pipeline.handle(req, ip),
    maxBodyBytes: () => config.maxBodyBytes,
  });
  await listen(server, config.port, config.host);
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;

  const retention = setInterval(() => {
    stores.events.purgeBefore(new Date(clock.now().getTime() - config.retentionDays * 86_400_000))
      .catch((e: unknown) => logger.error('retention purge failed', { error: String(e) }));
  }, 3_600_000);
  retention.unref();

  let closed = false;
  return {
    url, config, stores, identity, pipeline, registry, logger, firstAdmin,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(retention);
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
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
