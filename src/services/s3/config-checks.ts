// S3's own rules for the bucket sub-resource documents a client puts (tags, CORS, website,
// lifecycle, encryption, ownership, public access block), past what the model's shapes say:
// each throws the code and message S3 answers with.
import { AwsError } from '../../protocol/errors.js';
import { replaceTags, type TagPolicy } from '../shared/tags.js';

export type Tag = { Key: string; Value: string };
type Doc = Record<string, unknown>;

const MALFORMED = 'The XML you provided was not well-formed or did not validate against our published schema';

export function malformedXml(): AwsError {
  return new AwsError('MalformedXML', MALFORMED, 400);
}

function invalidArgument(message: string, name?: string, value?: string): AwsError {
  const fields: Record<string, string> = {};
  if (name !== undefined) fields.ArgumentName = name;
  if (value !== undefined) fields.ArgumentValue = value;
  return new AwsError('InvalidArgument', message, 400, fields);
}

function invalidRequest(message: string): AwsError {
  return new AwsError('InvalidRequest', message, 400);
}

const invalidTag = (message: string) => () => new AwsError('InvalidTag', message, 400);

/** S3's tag rules: unique keys, S3's lengths, no `aws:` keys; the count's refusal differs by scope. */
const TAG_RULES: Omit<TagPolicy, 'maxTags'> = {
  errors: {
    duplicate: invalidTag('Cannot provide multiple Tags with the same key'),
    emptyKey: invalidTag('The TagKey you have provided is invalid'),
    keyTooLong: invalidTag('The TagKey you have provided is too long, max 128'),
    valueTooLong: invalidTag('The TagValue you have provided is too long, max 256'),
    reserved: invalidTag('Your TagKey cannot be prefixed with aws:'),
  },
};
const TAGS: Record<'bucket' | 'object', TagPolicy> = {
  bucket: { ...TAG_RULES, maxTags: 50, errors: { ...TAG_RULES.errors, tooMany: invalidTag('Bucket tag count cannot be greater than 50') } },
  object: { ...TAG_RULES, maxTags: 10, errors: { ...TAG_RULES.errors, tooMany: () => new AwsError('BadRequest', 'Object tags cannot be greater than 10', 400) } },
};

/** Bucket tags (at most 50) and object tags (at most 10): unique keys, S3's lengths, no `aws:` keys. */
export function checkTags(tags: Tag[], scope: 'bucket' | 'object'): Tag[] {
  return replaceTags(tags, TAGS[scope]).map((t) => ({ Key: t.Key, Value: t.Value ?? '' }));
}

/** `x-amz-tagging: k1=v1&k2=v2` (URL query encoding), as PutObject takes tags. */
export function parseTaggingHeader(header: string): Tag[] {
  const out: Tag[] = [];
  for (const [Key, Value] of new URLSearchParams(header)) out.push({ Key, Value });
  return checkTags(out, 'object');
}

const CORS_METHODS = new Set(['GET', 'PUT', 'HEAD', 'POST', 'DELETE']);

export function checkCors(rules: Doc[]): void {
  if (rules.length === 0 || rules.length > 100) throw malformedXml();
  for (const rule of rules) {
    for (const m of (rule.AllowedMethods ?? []) as string[]) {
      if (!CORS_METHODS.has(m)) throw invalidRequest(`Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
    }
    for (const origin of (rule.AllowedOrigins ?? []) as string[]) {
      if ((origin.match(/\*/g) ?? []).length > 1) throw invalidRequest(`AllowedOrigin "${origin}" can not have more than one wildcard.`);
    }
    if (typeof rule.ID === 'string' && rule.ID.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255', 'ID', rule.ID);
  }
}

export function checkWebsite(site: Doc): void {
  const redirectAll = site.RedirectAllRequestsTo as Doc | undefined;
  const index = site.IndexDocument as { Suffix?: string } | undefined;
  if (redirectAll) {
    if (index || site.ErrorDocument || site.RoutingRules) {
      throw invalidArgument('RedirectAllRequestsTo cannot be provided in conjunction with other Routing/Redirect configurations.', 'RedirectAllRequestsTo', 'not null');
    }
    return;
  }
  if (!index) throw invalidArgument('A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty', 'IndexDocument', 'null');
  if (!index.Suffix || index.Suffix.includes('/')) throw invalidArgument('The IndexDocument Suffix is not well formed', 'IndexDocument', index.Suffix ?? '');
}

const LIFECYCLE_ACTIONS = ['Expiration', 'Transitions', 'NoncurrentVersionExpiration', 'NoncurrentVersionTransitions', 'AbortIncompleteMultipartUpload'];

export function checkLifecycle(rules: Doc[]): void {
  if (rules.length === 0 || rules.length > 1000) throw malformedXml();
  const ids = new Set<string>();
  for (const rule of rules) {
    if (typeof rule.ID === 'string') {
      if (rule.ID.length > 255) throw invalidArgument('ID length should not exceed allowed limit of 255', 'ID', rule.ID);
      if (ids.has(rule.ID)) throw invalidArgument('Rule ID must be unique. Found same ID for more than one rule', 'ID', rule.ID);
      ids.add(rule.ID);
    }
    if (rule.Filter !== undefined && rule.Prefix !== undefined) throw malformedXml();
    const actions = LIFECYCLE_ACTIONS.filter((a) => rule[a] !== undefined && !(Array.isArray(rule[a]) && (rule[a] as unknown[]).length === 0));
    if (actions.length === 0) throw invalidRequest('At least one action needs to be specified in a rule');
    const expiration = rule.Expiration as Doc | undefined;
    if (expiration && [expiration.Days, expiration.Date, expiration.ExpiredObjectDeleteMarker].filter((v) => v !== undefined).length !== 1) throw malformedXml();
    if (typeof expiration?.Days === 'number' && expiration.Days <= 0) throw invalidArgument("'Days' for Expiration action must be a positive integer", 'Days', String(expiration.Days));
  }
}

const SSE_ALGORITHMS = new Set(['AES256', 'aws:kms', 'aws:kms:dsse']);

export function checkEncryption(config: Doc): void {
  const rules = (config.Rules ?? []) as Doc[];
  if (rules.length !== 1) throw malformedXml();
  const def = rules[0].ApplyServerSideEncryptionByDefault as { SSEAlgorithm?: string; KMSMasterKeyID?: string } | undefined;
  if (!def || !def.SSEAlgorithm || !SSE_ALGORITHMS.has(def.SSEAlgorithm)) throw malformedXml();
  if (def.KMSMasterKeyID !== undefined && def.SSEAlgorithm === 'AES256') {
    throw invalidArgument('a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse', 'ApplyServerSideEncryptionByDefault');
  }
}

export function checkOwnership(controls: Doc): void {
  const rules = (controls.Rules ?? []) as Doc[];
  if (rules.length !== 1) throw malformedXml();
}

export const PAB_MEMBERS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;

/** All four settings, unset ones false (what GetPublicAccessBlock answers after a partial put). */
export function publicAccessBlockOf(config: Doc): Record<string, boolean> {
  const present = PAB_MEMBERS.filter((m) => typeof config[m] === 'boolean');
  if (present.length === 0) throw invalidRequest('Must specify at least one configuration.');
  return Object.fromEntries(PAB_MEMBERS.map((m) => [m, config[m] === true]));
}
