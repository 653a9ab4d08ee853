// The services this server speaks, found by the name a request was signed for (its SigV4 scope).
// Native services are registered whole; services served through another party (a backend emulator,
// issue 11) are registered lazily, by the names a request is routed with, and built on first use:
// their models are large and most are never called.
import type { ServiceDefinition } from './service.js';

/** What routes a request to a lazily built service before its model is loaded. */
export interface LazyServiceEntry {
  /** The model's folder name, as the CLI names the service (`ec2`, `logs`, `cloudwatch`). */
  modelName: string;
  signingName: string;
  /** JSON services: the `X-Amz-Target` prefix, which tells services sharing a signing name apart. */
  targetPrefix?: string;
  /** Among services sharing a signing name and not told apart otherwise, the one chosen (elbv2 over elb). */
  preferred?: boolean;
  /** Whether a request's head names one of this service's operations (REST services by method and path). */
  accepts?(head: RoutingHead): boolean;
}

/** The head of a request, as far as routing needs it. */
export interface RoutingHead {
  method?: string;
  rawPath?: string;
  query?: URLSearchParams;
  headers: Record<string, string | undefined>;
}

export class ServiceRegistry {
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly byModelName = new Map<string, ServiceDefinition>();
  private readonly lazyBySigningName = new Map<string, LazyServiceEntry[]>();
  private readonly lazyByModelName = new Map<string, { entry: LazyServiceEntry; load: () => ServiceDefinition }>();
  private readonly loaded = new Map<string, ServiceDefinition>();

  register(def: ServiceDefinition): void {
    this.bySigningName.set(def.model.signingName, def);
    this.byModelName.set(def.model.name, def);
  }

  /**
   * Adds a service built on first use. It never shadows a registered service: a native service's
   * signing name or model name keeps routing to the native one.
   */
  registerLazy(entry: LazyServiceEntry, load: () => ServiceDefinition): boolean {
    if (this.byModelName.has(entry.modelName) || this.bySigningName.has(entry.signingName) || this.lazyByModelName.has(entry.modelName)) return false;
    this.lazyByModelName.set(entry.modelName, { entry, load });
    const same = this.lazyBySigningName.get(entry.signingName) ?? [];
    same.push(entry);
    this.lazyBySigningName.set(entry.signingName, same);
    return true;
  }

  /**
   * By SigV4 scope name: `sts`, `iam`, `cloudtrail`, `chatbot`, `s3`, `sns`, `lambda`... Services
   * sharing a signing name are told apart by the request's target header (dynamodb and its streams),
   * else by which one routes its method and path (apigateway and apigatewayv2), else the preferred one.
   */
  forScope(signingName: string, head?: RoutingHead): ServiceDefinition | undefined {
    const native = this.bySigningName.get(signingName);
    if (native) return native;
    const candidates = this.lazyBySigningName.get(signingName);
    if (!candidates) return undefined;
    let entry = candidates[0];
    if (candidates.length > 1) {
      const target = head?.headers['x-amz-target'];
      const prefix = target?.slice(0, target.lastIndexOf('.'));
      entry = candidates.find((c) => prefix && c.targetPrefix === prefix)
        ?? (head && !prefix ? candidates.find((c) => c.accepts?.(head)) : undefined)
        ?? candidates.find((c) => c.preferred) ?? entry;
    }
    return this.byName(entry.modelName);
  }

  /** By model folder name (chat commands name services the way the CLI does); builds a lazy one. */
  byName(name: string): ServiceDefinition | undefined {
    const native = this.byModelName.get(name);
    if (native) return native;
    let def = this.loaded.get(name);
    if (!def) {
      const lazy = this.lazyByModelName.get(name);
      if (!lazy) return undefined;
      def = lazy.load();
      this.loaded.set(name, def);
    }
    return def;
  }

  /** Every service built so far (natives, and lazy ones once used). */
  all(): ServiceDefinition[] {
    return [...this.byModelName.values(), ...this.loaded.values()];
  }

  /** The model names of every service reachable here, lazy ones included, without building them. */
  names(): string[] {
    return [...this.byModelName.keys(), ...this.lazyByModelName.keys()];
  }
}
