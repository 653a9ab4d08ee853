// How CloudTrail logs a service's calls: each service declares these rules and the recorder
// (records/record.ts) reads them; services never build records themselves.
import type { ServiceModel } from '../protocol/model.js';

/**
 * A service whose records do not spell calls as camelCased model members (EC2's WSDL names and
 * wire echoes) builds requestParameters and responseElements itself; the recorder still decides
 * when they are logged at all (refusals, read-only calls, errors).
 */
export interface RecordStyle {
  requestParameters(model: ServiceModel, opName: string, input: Record<string, unknown>, rules: RecordingRules): unknown;
  responseElements(model: ServiceModel, opName: string, output: Record<string, unknown>, requestId: string, rules: RecordingRules): unknown;
}

/** How CloudTrail logs a service's calls; the recorder reads these, services never build records. */
export interface RecordingRules {
  /** `<svc>.amazonaws.com` */
  eventSource: string;
  /**
   * The region a global service's records land in, as src/records/regions.ts answers it (services
   * fill it from `pinnedRegion(eventSource)`; the recorder and trails read regions.ts itself).
   */
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
  /** Members logged as `hiddenValue` whatever they hold (SQS MessageBody; each item of a list), by model member name, at any depth. */
  hidden?: readonly string[];
  /** Shapes treated as sensitive although the model does not mark them (DynamoDB's AttributeValue: the data itself). */
  sensitiveShapes?: readonly string[];
  /** What a sensitive or hidden value is logged as (default `HIDDEN_DUE_TO_SECURITY_REASONS`; EC2 `<sensitiveDataRemoved>`). */
  hiddenValue?: string;
  /** Sensitive members of responses show as `hiddenValue` instead of being left out (SSM). */
  hideInResponses?: boolean;
  /** Per operation: responseElements to log (default: camelCased output for writes, null for reads). */
  responseElements?: Record<string, (output: Record<string, unknown>) => unknown>;
  /** Per operation: requestParameters to log (default: camelCased input). */
  requestParameters?: Record<string, (input: Record<string, unknown>) => unknown>;
  /** The service's own spelling of requestParameters/responseElements (after the per-operation overrides). */
  style?: RecordStyle;
  /** Authorization refusals keep their requestParameters (S3 and EC2 do; JSON and query services log null). */
  keepParamsOnRefusal?: boolean;
  /** The errorCode of a failed call from its wire code and HTTP status (EC2: `Client.<code>` / `Server.<code>`). */
  errorCode?: (code: string, status: number) => string;
  /** How dates inside requestParameters/responseElements are written (default: the Java SDK's `Jul 30, 2024, 9:46:15 PM`). */
  formatDate?: (d: Date) => string;
  /** Refused writes log the refusal's message as responseElements `{message}` (GuardDuty, EKS, AppSync). */
  refusalMessage?: boolean;
  /** responseElements are the answer's one structure member, unwrapped (RDS logs the DBInstance itself). */
  unwrapOutput?: boolean;
  /** Whether the record itself lists `resources` (IAM's records do not; Event history still shows them). */
  resourcesInRecord?: boolean;
  /** Object-level calls are data events: recorded for trails that select them, not in Event history. */
  dataEvents?: readonly string[];
  /** Operations whose `AWS::S3::Object` resource names a key prefix, logged as `ARNPrefix` (ListObjects). */
  prefixResources?: readonly string[];
}
