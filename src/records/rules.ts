// How CloudTrail logs a service's calls: each service declares these rules and the recorder
// (records/record.ts) reads them; services never build records themselves.

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
