// The contract between the request path and a service: a handler per operation that takes typed
// input and a CallContext and returns output, plus the recording rules CloudTrail applies to it.
import type { Principal } from '../common/principal.js';
import type { Clock, Ids } from '../common/runtime.js';
import type { RecordingRules } from '../records/rules.js';
import type { ServiceModel } from '../protocol/model.js';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import type { Stores } from '../storage/stores.js';

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
  /** When the request was made: the record's eventTime (STS dates the sessions it issues by it). */
  requestTime?: Date;
  clock: Clock;
  ids: Ids;
  stores: Stores;
  /** This deployment's region, where global control-plane work (Chatbot) is processed. */
  homeRegion: string;
  /** Calls made by chattrail itself on behalf of a user: Chatbot commands, console. */
  /** `invokedBy`: an AWS service inside chattrail made the call (AWS Chatbot): aws:ViaAWSService, no aws:SourceIp. */
  via?: { console?: boolean; invokedBy?: string };
  /**
   * What the pipeline authorized the call's action on, as the service resolved it (the stored
   * entity's canonical ARN and owner); set before the handler runs, empty for per-item operations.
   */
  resolved?: readonly ResolvedResource[];
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

/** One resource a call acts on, as the pipeline authorizes it. */
export interface ResolvedResource {
  /**
   * The stored entity's own ARN (its path, case and partition as stored) when it exists, else the
   * ARN AWS would give it, normalised; `*` for an operation that acts on no single resource.
   */
  arn: string;
  /** The account owning it (a role or trail of another account, a bucket's owner); else the caller's. */
  accountId?: string;
}

/** A resolver's answer for operations whose handler authorizes every item through ctx.authorize (S3 DeleteObjects). */
export const AUTHORIZED_PER_ITEM: unique symbol = Symbol('authorized per item');

/** What an operation acts on: one or more resources the action is authorized on each, or per item. */
export type ResourceResolution = readonly ResolvedResource[] | typeof AUTHORIZED_PER_ITEM;

/** The answer for operations that act on no single resource (ListUsers' siblings, LookupEvents). */
export const UNSCOPED: readonly ResolvedResource[] = Object.freeze([Object.freeze({ arn: '*' })]);

/**
 * Resolves the resources an operation acts on, reading the service's store: runs after input
 * validation and before authorization. Never falls back to `*` for input it cannot read: it throws
 * the service's validation error, or answers the ARN the input names so the handler finds nothing.
 */
export type ResourceResolver = (opName: string, input: Record<string, unknown>, ctx: CallContext) => Promise<ResourceResolution>;

export type Handler = (input: any, ctx: CallContext) => Promise<object | void>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ServiceDefinition {
  model: ServiceModel;
  handlers: Record<string, Handler>;
  recording: RecordingRules;
  /** The IAM action prefix (`iam`, `sts`, `cloudtrail`...); defaults to the model's signing name. */
  actionPrefix?: string;
  /** The IAM action an operation needs when it is not `<prefix>:<Operation>` (S3: ListObjects → s3:ListBucket). */
  actionOf?(opName: string, input: Record<string, unknown>): string;
  /**
   * What each operation acts on, for policy evaluation: the canonical stored resource, never the
   * name as typed (IAM names are case-insensitive, paths and partitions are not the caller's to pick).
   * Required, so no service is authorized against `*` by omission.
   */
  resolveResources: ResourceResolver;
  /** Services that rewrite a request before routing (S3 virtual-host buckets). */
  rewrite?(req: RawRequest): RawRequest;
  /** Operations answered with a raw HTTP response (S3 GetBucketLocation quirks, streaming). */
  rawResponse?(opName: string, output: Record<string, unknown>, requestId: string): RawResponse | undefined;
  /** Service-specific input rules checked before the model's constraints (their own exception codes). */
  precheck?(opName: string, input: Record<string, unknown>): void;
  /** The code this service answers when IAM policy denies a call (SNS: `AuthorizationError`). */
  accessDeniedCode?: string;
  /** Put before the message of a policy denial (EC2: `You are not authorized to perform this operation. `). */
  accessDeniedPrefix?: string;
  /** The validation error code, when it differs from the protocol's default. */
  validationErrorCode?: string;
  /** The service's own request-id shape (S3: 16 upper-case alphanumerics); default a UUID. */
  newRequestId?(ids: Ids): string;
  /** Operations that need no signature (STS AssumeRoleWithWebIdentity and the like). */
  anonymousOperations?: readonly string[];
}
