// The services this server speaks, found by the name a request was signed for (its SigV4 scope).
import type { ServiceDefinition } from './service.js';

export class ServiceRegistry {
  private readonly bySigningName = new Map<string, ServiceDefinition>();
  private readonly byModelName = new Map<string, ServiceDefinition>();

  register(def: ServiceDefinition): void {
    this.bySigningName.set(def.model.signingName, def);
    this.byModelName.set(def.model.name, def);
  }

  /** By SigV4 scope name: `sts`, `iam`, `cloudtrail`, `chatbot`, `s3`, `sns`, `lambda`... */
  forScope(signingName: string): ServiceDefinition | undefined {
    return this.bySigningName.get(signingName);
  }

  /** By model folder name (chat commands name services the way the CLI does). */
  byName(name: string): ServiceDefinition | undefined {
    return this.byModelName.get(name);
  }

  all(): ServiceDefinition[] {
    return [...this.byModelName.values()];
  }
}
