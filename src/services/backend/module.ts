// The backend (issue 11): every service of the catalog that chattrail does not serve natively is
// registered as a forwarded service, built on first use, and served by the configured emulator.
import type { Module, ModuleDeps } from '../../core/module.js';
import { isPreferred, loadCatalog } from './catalog.js';
import { forwardedService, routesRequest } from './definition.js';
import { HttpForwarder } from './forwarder.js';
import { ExternalBackend, MotoSupervisor } from './supervisor.js';
import type { Backend } from './backend.js';

export function backendModule(deps: ModuleDeps): Module {
  const config = deps.config.backend;
  if (!config) return { name: 'backend' };
  const backend: Backend & { url(): string | undefined } = config.kind === 'moto'
    ? new MotoSupervisor({ command: config.command, startTimeoutMs: config.startTimeoutMs, logger: deps.logger })
    : new ExternalBackend({ url: config.url!, startTimeoutMs: config.startTimeoutMs, logger: deps.logger });
  const forwarder = new HttpForwarder({
    backend, timeoutMs: config.timeoutMs, logger: deps.logger,
    // Moto builds SQS queue URLs from the Host it is called with: they must point at chattrail.
    host: () => new URL(deps.config.publicUrl ?? deps.baseUrl()).host,
  });
  const excluded = new Set(config.exclude);
  const lazyServices = loadCatalog().entries.filter((e) => !excluded.has(e.name)).map((entry) => ({
    entry: { modelName: entry.name, signingName: entry.signingName, targetPrefix: entry.targetPrefix, preferred: isPreferred(entry), accepts: routesRequest(entry) },
    load: () => forwardedService(entry, forwarder),
  }));
  return {
    name: 'backend',
    lazyServices,
    health: () => ({ ...backend.status() }),
    async start() { await backend.start(); },
    async stop() {
      forwarder.close();
      await backend.stop();
    },
  };
}
