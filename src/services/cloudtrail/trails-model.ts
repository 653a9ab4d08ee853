// What a trail is: the stored document, its name and ARN rules (InvalidTrailNameException,
// CloudTrailARNInvalidException), and how it is shown by GetTrail/DescribeTrails/CreateTrail.
import { AwsError } from '../../protocol/errors.js';

export interface Tag { Key: string; Value?: string }

export interface EventSelector {
  ReadWriteType?: 'ReadOnly' | 'WriteOnly' | 'All';
  IncludeManagementEvents?: boolean;
  DataResources?: { Type?: string; Values?: string[] }[];
  ExcludeManagementEventSources?: string[];
}

export interface AdvancedFieldSelector {
  Field: string;
  Equals?: string[]; StartsWith?: string[]; EndsWith?: string[];
  NotEquals?: string[]; NotStartsWith?: string[]; NotEndsWith?: string[];
}

export interface AdvancedEventSelector { Name?: string; FieldSelectors: AdvancedFieldSelector[] }

export interface InsightSelector { InsightType?: string; EventCategories?: string[] }

/** A span of event-store positions during which the trail was logging: (startSeq, stopSeq]. */
export interface LoggingSpan { startSeq: number; stopSeq?: number }

export interface TrailDoc {
  /** Distinguishes a trail from an earlier one of the same name (delivery state is keyed by it). */
  trailId: string;
  name: string;
  accountId: string;
  homeRegion: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  /** As the caller gave it (a name or an ARN). */
  snsTopicName?: string;
  snsTopicArn?: string;
  includeGlobalServiceEvents: boolean;
  isMultiRegionTrail: boolean;
  logFileValidationEnabled: boolean;
  isOrganizationTrail: boolean;
  eventSelectors?: EventSelector[];
  advancedEventSelectors?: AdvancedEventSelector[];
  insightSelectors?: InsightSelector[];
  tags: Tag[];
  isLogging: boolean;
  logging: LoggingSpan[];
  startLoggingTime?: Date;
  stopLoggingTime?: Date;
  createdAt: Date;
}

/** Trails of an account live under one region-less partition so a name finds its shadows in one scan. */
export const TRAIL_KIND = 'cloudtrail-trail';
export function trailKey(accountId: string, homeRegion: string, name: string) {
  return { kind: TRAIL_KIND, accountId, region: 'global', id: `${homeRegion}/${name}` };
}

export function trailArn(t: { accountId: string; homeRegion: string; name: string }): string {
  return `arn:aws:cloudtrail:${t.homeRegion}:${t.accountId}:trail/${t.name}`;
}

export interface ParsedTrailArn { region: string; accountId: string; name: string }

// The aws partition only: `arn:aws-x:…:trail/audit` must not reach (and stop) `arn:aws:…:trail/audit`.
const ARN_RE = /^arn:aws:cloudtrail:([a-z0-9-]+):(\d{12}):trail\/(.+)$/;

export function parseTrailArn(arn: string): ParsedTrailArn {
  const m = ARN_RE.exec(arn);
  if (!m) throw new AwsError('CloudTrailARNInvalidException', `Invalid trail ARN: ${arn}`);
  validateTrailName(m[3]);
  return { region: m[1], accountId: m[2], name: m[3] };
}

export function isArn(nameOrArn: string): boolean {
  return nameOrArn.startsWith('arn:');
}

/** The naming rules CreateTrail enforces, with the service's own messages. */
export function validateTrailName(name: string): void {
  const bad = (m: string) => new AwsError('InvalidTrailNameException', m);
  if (name.length < 3) throw bad(`Trail name too short. Minimum allowed length: 3 characters. Specified name length: ${name.length} characters.`);
  if (name.length > 128) throw bad(`Trail name too long. Maximum allowed length: 128 characters. Specified name length: ${name.length} characters.`);
  if (!/^[A-Za-z0-9._-]+$/.test(name)) {
    throw bad('Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).');
  }
  if (!/^[A-Za-z0-9]/.test(name)) throw bad('Trail name must starts with a letter or number.');
  if (!/[A-Za-z0-9]$/.test(name)) throw bad('Trail name must ends with a letter or number.');
  if (/[._-]{2}/.test(name)) throw bad('Trail name cannot have adjacent periods, hyphens, or underscores.');
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) throw bad('Trail name cannot be formatted as an IP address.');
}

/** S3 bucket naming (the subset CloudTrail checks before asking S3). */
export function validateBucketName(bucket: string): void {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || /\.\./.test(bucket)) {
    throw new AwsError('InvalidS3BucketNameException', `Bucket name is not valid: ${bucket}`);
  }
}

export function validateKeyPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && prefix.length > 200) {
    throw new AwsError('InvalidS3PrefixException', `Prefix is too long. Maximum allowed length: 200 characters. Specified prefix length: ${prefix.length} characters.`);
  }
}

/** The `Trail` structure of GetTrail and DescribeTrails. */
export function trailShape(t: TrailDoc) {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicArn ? t.snsTopicArn.split(':').pop() : undefined,
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    HomeRegion: t.homeRegion,
    TrailARN: trailArn(t),
    LogFileValidationEnabled: t.logFileValidationEnabled,
    HasCustomEventSelectors: !!(t.eventSelectors || t.advancedEventSelectors),
    HasInsightSelectors: !!t.insightSelectors?.length,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** The output of CreateTrail and UpdateTrail. */
export function trailResponse(t: TrailDoc) {
  return {
    Name: t.name,
    S3BucketName: t.s3BucketName,
    S3KeyPrefix: t.s3KeyPrefix,
    SnsTopicName: t.snsTopicArn ? t.snsTopicArn.split(':').pop() : undefined,
    SnsTopicARN: t.snsTopicArn,
    IncludeGlobalServiceEvents: t.includeGlobalServiceEvents,
    IsMultiRegionTrail: t.isMultiRegionTrail,
    TrailARN: trailArn(t),
    LogFileValidationEnabled: t.logFileValidationEnabled,
    IsOrganizationTrail: t.isOrganizationTrail,
  };
}

/** `[prefix/]AWSLogs/<account or org-id>/`: where this trail writes, and what the bucket policy must allow. */
export function logRoot(prefix: string | undefined, pathAccount: string): string {
  return `${prefix ? `${prefix}/` : ''}AWSLogs/${pathAccount}/`;
}
