// The internal client (core/internal-client.ts) run through the request pipeline: an internal call
// is a `Call` like a signed HTTP request's, so it is validated, authorized and recorded the same way.
import type { Principal } from '../common/principal.js';
import type { Ids } from '../common/runtime.js';
import type { Pipeline } from './pipeline.js';
import type { CallOptions, CallResult, InternalClient } from '../core/internal-client.js';
import type { ServiceRegistry } from '../core/registry.js';

export interface InternalClientDeps {
  /** Resolved lazily: modules get the client before the pipeline is assembled. */
  pipeline(): Pipeline;
  registry: ServiceRegistry;
  ids: Ids;
  homeRegion: string;
}

export class PipelineClient implements InternalClient {
  constructor(private readonly deps: InternalClientDeps) {}

  /**
   * Calls `operation` of `service` (its model name: `sts`, `sns`, `chatbot`...) as `principal`, with
   * `input` by the model's member names, as a handler receives it. Resolves once the call's record is
   * durable; an AWS error (a refusal, a validation error) is a result, never a throw.
   */
  async callAs(principal: Principal, service: string, operation: string, input: Record<string, unknown>, opts: CallOptions): Promise<CallResult> {
    const definition = this.deps.registry.byName(service);
    // Callers name services in code: an unknown one is a bug, not a caller's error.
    if (!definition) throw new Error(`chattrail serves no service named ${service}`);
    const { via } = opts;
    // Request ids stay UUIDs for every service, as internal calls always had them (S3's own
    // 16-character form is for its wire, which an internal call never crosses).
    const origin = 'invokedBy' in via ? { sourceIp: via.invokedBy, userAgent: via.invokedBy } : 'console' in via ? via.console : via.direct;
    return this.deps.pipeline().execute({
      service: definition, opName: operation, input, principal, region: opts.region ?? this.deps.homeRegion,
      sourceIp: origin.sourceIp, userAgent: origin.userAgent, requestId: this.deps.ids.uuid(),
      via: 'invokedBy' in via ? { invokedBy: via.invokedBy } : 'console' in via ? { console: true } : undefined,
      guardrails: opts.guardrails, onBehalfOf: opts.onBehalfOf, conditionKeys: opts.conditionKeys,
    });
  }

  /** Whether `service` is served here (features that are optional check before they offer a call). */
  serves(service: string): boolean {
    return this.deps.registry.byName(service) !== undefined;
  }
}
