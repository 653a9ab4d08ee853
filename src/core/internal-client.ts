// The one way anything inside chattrail calls an AWS API of chattrail (chat commands, the console,
// AWS Chatbot's own SNS subscriptions, later rule targets and alarm actions): a call as some
// principal, through the same validation, authorization and recording as a signed HTTP request.
// This is its contract; server/internal-client.ts runs it through the pipeline.
import type { Principal } from '../common/principal.js';
import type { ServicePrincipalName } from '../common/service-principals.js';
import type { PolicyDocument } from '../policy/document.js';
import type { AwsError } from '../protocol/errors.js';

/** Who a call made with other credentials (a channel's role) runs for, and from where. */
export interface OnBehalfOf {
  principal: Principal;
  sourceIp: string;
  userAgent: string;
}

export type CallResult = { ok: true; output: Record<string, unknown> } | { ok: false; error: AwsError };

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
  /**
   * Global condition keys the call carries beyond the request's own, as AWS adds them to sessions
   * a service created: `aws:ChatbotSourceArn` on every call a chat configuration's session makes.
   */
  conditionKeys?: Record<string, string>;
}

export interface InternalClient {
  /**
   * Calls `operation` of `service` (its model name: `sts`, `sns`, `chatbot`...) as `principal`, with
   * `input` by the model's member names, as a handler receives it. Resolves once the call's record is
   * durable; an AWS error (a refusal, a validation error) is a result, never a throw.
   */
  callAs(principal: Principal, service: string, operation: string, input: Record<string, unknown>, opts: CallOptions): Promise<CallResult>;
  /** Whether `service` is served here (features that are optional check before they offer a call). */
  serves(service: string): boolean;
}
