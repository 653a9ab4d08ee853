// The contract between the request path and a service: a handler per operation that takes typed
// input and a CallContext and returns output, plus the recording rules CloudTrail applies to it.
import type { Principal } from '../auth/principal.js';
import type { ServiceModel } from '../protocol/model.js';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import type { Stores } from '../storage/stores.js';

export interface Clock {
  now(): Date;
}

export interface Ids {
  uuid(): string;
  /** `len` upper-case alphanumerics, for access key ids and unique ids. */
  alnum(len: number): string;
  /** `len` random bytes, base64 (secrets). */
  secret(len: number): string;
}

/** What a handler knows about the call it serves. Nothing in here is HTTP. */
export interface CallContext {
  requestId: string;
  principal: Principal;
  /** The account the call acts in (the caller's account). */
  accountId: string;
  /** The region the request was signed for. */
  region: string;
  sourceIp: string;
  userAgent: string;
  clock: Clock;
  ids: Ids;
  stores: Stores;
  /** This deployment's region, where global control-plane work (Chatbot) is processed. */
  homeRegion: string;
  /** Calls made by chattrail itself on behalf of a user: Chatbot commands, console. */
  via?: { console?: boolean; chatbot?: boolean };
  /** Lets a handler name the resources it touched, for the record's `resources` field. */
  addResource(type: string, arn: string, accountId?: string): void;
  /**
   * Checks a further permission the call needs beyond its own action (S3 CopyObject's
   * s3:GetObject on the source, iam:PassRole with iam:PassedToService), with the same policies,
   * guardrails and context as the call itself; throws the service's AccessDenied when refused.
   */
  authorize(action: string, resource: string, context?: Record<string, string | string[] | undefined>): Promise<void>;
  /** Extra CloudTrail fields a handler knows only while running (e.g. additionalEventData). */
  annotate(fields: { additionalEventData?: Record<string, unknown>; serviceEventDetails?: Record<string, unknown> }): void;
}

export type Handler = (input: any, ctx: CallContext) => Promise<object | void>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** How CloudTrail logs a service's calls; the recorder reads these, services never build records. */
export interface RecordingRules {
  /** `<svc>.amazonaws.com` */
  eventSource: string;
  /** Global services are recorded in us-east-1 whatever region was signed for (IAM). */
  globalRegion?: string;
  /** Event names that differ from the operation name (`ListFunctions20150331`). */
  eventNames?: Record<string, string>;
  /** Operations that are read-only although their names do not say so (AssumeRole). */
  readOnly?: readonly string[];
  /** Operations that write although their names look like reads. */
  notReadOnly?: readonly string[];
  /** Keep request parameter names as sent on the wire instead of camelCase (Chatbot's console APIs). */
  wireNames?: boolean;
  /** Members never logged (secrets), by model member name, at any depth. */
  redact?: readonly string[];
  /** Per operation: responseElements to log (default: camelCased output for writes, null for reads). */
  responseElements?: Record<string, (output: Record<string, unknown>) => unknown>;
  /** Per operation: requestParameters to log (default: camelCased input). */
  requestParameters?: Record<string, (input: Record<string, unknown>) => unknown>;
  /** Whether the record itself lists `resources` (IAM's records do not; Event history still shows them). */
  resourcesInRecord?: boolean;
  /** Object-level calls are data events: recorded for trails that select them, not in Event history. */
  dataEvents?: readonly string[];
  /** Operations whose `AWS::S3::Object` resource names a key prefix, logged as `ARNPrefix` (ListObjects). */
  prefixResources?: readonly string[];
}

export interface ServiceDefinition {
  model: ServiceModel;
  handlers: Record<string, Handler>;
  recording: RecordingRules;
  /** The IAM action prefix (`iam`, `sts`, `cloudtrail`...); defaults to the model's signing name. */
  actionPrefix?: string;
  /** The IAM action an operation needs when it is not `<prefix>:<Operation>` (S3: ListObjects → s3:ListBucket). */
  actionOf?(opName: string, input: Record<string, unknown>): string;
  /** The resource ARN an operation acts on, for policy evaluation; `*` when it has none. */
  resourceOf?(opName: string, input: Record<string, unknown>, ctx: CallContext): string;
  /** Services that rewrite a request before routing (S3 virtual-host buckets). */
  rewrite?(req: RawRequest): RawRequest;
  /** Operations answered with a raw HTTP response (S3 GetBucketLocation quirks, streaming). */
  rawResponse?(opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined;
  /** Service-specific input rules checked before the model's constraints (their own exception codes). */
  precheck?(opName: string, input: Record<string, unknown>): void;
  /** The code this service answers when IAM policy denies a call (SNS: `AuthorizationError`). */
  accessDeniedCode?: string;
  /** The validation error code, when it differs from the protocol's default. */
  validationErrorCode?: string;
  /** The service's own request-id shape (S3: 16 upper-case alphanumerics); default a UUID. */
  newRequestId?(ids: Ids): string;
  /** Operations that need no signature (STS AssumeRoleWithWebIdentity and the like). */
  anonymousOperations?: readonly string[];
}
