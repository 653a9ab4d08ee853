// The one way anything inside chattrail calls an AWS API of chattrail (chat commands, the console,
// AWS Chatbot's own SNS subscriptions, later rule targets and alarm actions): a call as some
// principal, through the same validation, authorization and recording as a signed HTTP request.
import type { Principal } from '../auth/principal.js';
import type { ServicePrincipalName } from '../auth/service-principals.js';
import type { PolicyDocument } from '../policy/document.js';
import type { Ids } from '../services/types.js';
import type { CallResult, OnBehalfOf, Pipeline } from './pipeline.js';
import type { ServiceRegistry } from './registry.js';

/** Where a person's request comes from: their address and user agent, as conditions and records see them. */
export interface Origin {
  sourceIp: string;
  userAgent: string;
}

/**
 * How the call reaches the API:
 * - `invokedBy`: an AWS service makes it (AWS Chatbot): its name is the record's source address and
 *   user agent, aws:ViaAWSService is true and aws:SourceIp is absent, as in AWS;
 * - `console`: a signed-in user's browser (recorded with sessionCredentialFromConsole);
 * - `direct`: code with a caller of its own (tests, tools), recorded as that origin.
 */
export type Via =
  | { invokedBy: ServicePrincipalName }
  | { console: Origin }
  | { direct: Origin };

export interface CallOptions {
  via: Via;
  /** The region the call is made in (a signed request's scope); the home region when omitted. */
  region?: string;
  /** Policies every action must also be allowed by (a Chatbot channel's guardrails). */
  guardrails?: PolicyDocument[];
  /** A signed-in user the call runs for: every action must be allowed for them too. */
  onBehalfOf?: OnBehalfOf;
}

export interface InternalClientDeps {
  /** Resolved lazily: modules get the client before the pipeline is assembled. */
  pipeline(): Pipeline;
  registry: ServiceRegistry;
  ids: Ids;
  homeRegion: string;
}

export class InternalClient {
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
      via: 'invokedBy' in via ? { chatbot: true } : 'console' in via ? { console: true } : undefined,
      guardrails: opts.guardrails, onBehalfOf: opts.onBehalfOf,
    });
  }

  /** Whether `service` is served here (features that are optional check before they offer a call). */
  serves(service: string): boolean {
    return this.deps.registry.byName(service) !== undefined;
  }
}
