// The console's one client module: every request the page makes goes through here. AWS operations
// are called by service and operation name through /console/api/call, so the server runs them
// through the same authorization and recorder as any SDK call; the CSRF token rides on every POST.

export interface SessionInfo {
  signedIn: true;
  csrfToken: string;
  accountId: string;
  arn: string;
  principalType: string;
  userName: string;
  homeRegion: string;
  regions: string[];
  expiresAt: string;
}

export interface SignedOut {
  signedIn: false;
  homeRegion: string;
}

export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = code;
  }
}

let csrfToken = '';

/** Listeners run when the server says the session is over (expired, signed out elsewhere). */
const signedOutListeners: (() => void)[] = [];
export function onSignedOut(fn: () => void): void {
  signedOutListeners.push(fn);
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
  }
  const res = await fetch(`/console/api/${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal,
  });
  let data: unknown;
  try {
    data = await res.json();
  } catch {
    throw new ApiError('BadResponse', `The server answered ${res.status} without JSON.`, res.status);
  }
  const err = (data as { error?: { code: string; message: string } }).error;
  if (!res.ok || err) {
    const e = new ApiError(err?.code ?? 'Error', err?.message ?? `Request failed (${res.status})`, res.status);
    if (e.code === 'NotSignedIn') {
      csrfToken = '';
      for (const fn of signedOutListeners) fn();
    }
    throw e;
  }
  return data as T;
}

export async function getSession(): Promise<SessionInfo | SignedOut> {
  const s = await request<SessionInfo | SignedOut>('GET', 'session');
  csrfToken = s.signedIn ? s.csrfToken : '';
  return s;
}

export async function signIn(accessKeyId: string, secretAccessKey: string, sessionToken?: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>('POST', 'signin', { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined });
  csrfToken = s.csrfToken;
  return s;
}

export async function signOut(): Promise<void> {
  await request('POST', 'signout', {});
  csrfToken = '';
}

/** Any AWS operation, by model name (`cloudtrail`, `s3`, `chatbot`...) and operation name. */
export async function call<T>(service: string, operation: string, input: object, region: string): Promise<T> {
  const r = await request<{ output: T }>('POST', 'call', { service, operation, input, region });
  return r.output;
}

// ---- CloudTrail -------------------------------------------------------------------------------

export interface LookupEvent {
  EventId: string;
  EventName: string;
  ReadOnly: string;
  AccessKeyId?: string;
  EventTime: string;
  EventSource: string;
  Username?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
}

export interface LookupInput {
  LookupAttributes?: { AttributeKey: string; AttributeValue: string }[];
  StartTime?: string;
  EndTime?: string;
  MaxResults?: number;
  NextToken?: string;
}

export interface Trail {
  Name: string;
  S3BucketName?: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  SnsTopicARN?: string;
  IncludeGlobalServiceEvents?: boolean;
  IsMultiRegionTrail?: boolean;
  HomeRegion?: string;
  TrailARN?: string;
  LogFileValidationEnabled?: boolean;
}

export interface TrailStatus {
  IsLogging?: boolean;
  LatestDeliveryError?: string;
  LatestNotificationError?: string;
  LatestDeliveryTime?: string;
  LatestDigestDeliveryTime?: string;
  LatestDigestDeliveryError?: string;
  StartLoggingTime?: string;
  StopLoggingTime?: string;
}

export interface CreateTrailInput {
  Name: string;
  S3BucketName: string;
  S3KeyPrefix?: string;
  SnsTopicName?: string;
  IsMultiRegionTrail: boolean;
  IncludeGlobalServiceEvents: boolean;
  EnableLogFileValidation: boolean;
}

export const cloudtrail = {
  lookupEvents: (region: string, input: LookupInput) => call<{ Events?: LookupEvent[]; NextToken?: string }>('cloudtrail', 'LookupEvents', input, region),
  describeTrails: (region: string) => call<{ trailList?: Trail[] }>('cloudtrail', 'DescribeTrails', { includeShadowTrails: true }, region),
  getTrailStatus: (region: string, name: string) => call<TrailStatus>('cloudtrail', 'GetTrailStatus', { Name: name }, region),
  createTrail: (region: string, input: CreateTrailInput) => call<Trail>('cloudtrail', 'CreateTrail', input, region),
  startLogging: (region: string, name: string) => call<object>('cloudtrail', 'StartLogging', { Name: name }, region),
  stopLogging: (region: string, name: string) => call<object>('cloudtrail', 'StopLogging', { Name: name }, region),
};

export interface LiveAnswer {
  cursor: number;
  gap: boolean;
  events: LookupEvent[];
}

/** Waits (up to ~25 s) for events recorded after `after`; without `after`, answers the current cursor at once. */
export function liveEvents(region: string, after: number | undefined, attr: { key: string; value: string } | undefined, signal: AbortSignal): Promise<LiveAnswer> {
  const q = new URLSearchParams({ region });
  if (after !== undefined) q.set('after', String(after));
  if (attr) { q.set('key', attr.key); q.set('value', attr.value); }
  return request<LiveAnswer>('GET', `events/live?${q}`, undefined, signal);
}

// ---- S3 (browsing delivered files) and the resources forms pick from -----------------------------

export interface S3Listing {
  Contents?: { Key: string; Size?: number; LastModified?: string }[];
  CommonPrefixes?: { Prefix: string }[];
  NextContinuationToken?: string;
  IsTruncated?: boolean;
}

export const s3 = {
  listObjects: (region: string, bucket: string, prefix: string, token?: string) =>
    call<S3Listing>('s3', 'ListObjectsV2', { Bucket: bucket, Prefix: prefix || undefined, Delimiter: '/', ContinuationToken: token }, region),
  getObject: (region: string, bucket: string, key: string) => call<{ Body?: string; ContentType?: string }>('s3', 'GetObject', { Bucket: bucket, Key: key }, region),
  createBucket: (region: string, bucket: string) =>
    call<object>('s3', 'CreateBucket', { Bucket: bucket, CreateBucketConfiguration: region === 'us-east-1' ? undefined : { LocationConstraint: region } }, region),
  putBucketPolicy: (region: string, bucket: string, policy: object) => call<object>('s3', 'PutBucketPolicy', { Bucket: bucket, Policy: JSON.stringify(policy) }, region),
};

export const iam = {
  listRoles: (region: string) => call<{ Roles?: { RoleName: string; Arn: string }[] }>('iam', 'ListRoles', {}, region),
};

export const sns = {
  listTopics: (region: string) => call<{ Topics?: { TopicArn: string }[] }>('sns', 'ListTopics', {}, region),
};

// ---- AWS Chatbot --------------------------------------------------------------------------------

export interface SlackWorkspace {
  SlackTeamId: string;
  SlackTeamName: string;
  State?: string;
  StateReason?: string;
}

export interface ChannelConfiguration {
  SlackTeamName?: string;
  SlackTeamId: string;
  SlackChannelId: string;
  SlackChannelName?: string;
  ChatConfigurationArn: string;
  IamRoleArn: string;
  SnsTopicArns?: string[];
  ConfigurationName?: string;
  LoggingLevel?: string;
  GuardrailPolicyArns?: string[];
  UserAuthorizationRequired?: boolean;
  State?: string;
}

export interface ChannelConfigurationInput {
  ChatConfigurationArn?: string;
  ConfigurationName?: string;
  SlackTeamId?: string;
  SlackChannelId: string;
  SlackChannelName?: string;
  IamRoleArn: string;
  SnsTopicArns: string[];
  GuardrailPolicyArns: string[];
  LoggingLevel: string;
  UserAuthorizationRequired: boolean;
}

export const chatbot = {
  describeWorkspaces: (region: string) => call<{ SlackWorkspaces?: SlackWorkspace[] }>('chatbot', 'DescribeSlackWorkspaces', {}, region),
  describeChannels: (region: string, teamId: string) =>
    call<{ SlackChannels?: { SlackChannelId: string; SlackChannelName: string; IsPrivate: boolean }[] }>('chatbot', 'DescribeSlackChannels', { SlackTeamId: teamId, MaxResults: 1000 }, region),
  describeConfigurations: (region: string) =>
    call<{ SlackChannelConfigurations?: ChannelConfiguration[] }>('chatbot', 'DescribeSlackChannelConfigurations', {}, region),
  createConfiguration: (region: string, input: ChannelConfigurationInput) =>
    call<{ ChannelConfiguration?: ChannelConfiguration }>('chatbot', 'CreateSlackChannelConfiguration', input, region),
  updateConfiguration: (region: string, input: ChannelConfigurationInput) =>
    call<{ ChannelConfiguration?: ChannelConfiguration }>('chatbot', 'UpdateSlackChannelConfiguration', input, region),
  deleteConfiguration: (region: string, arn: string) => call<object>('chatbot', 'DeleteSlackChannelConfiguration', { ChatConfigurationArn: arn }, region),
  getOAuthParameters: (region: string) => call<{ AuthorizationUrl: string; State: string; ExpiresAt: string }>('chatbot', 'GetSlackOAuthParameters', {}, region),
  redeemOAuthCode: (region: string, code: string, state: string) =>
    call<{ SlackTeamId: string; SlackTeamName: string }>('chatbot', 'RedeemSlackOAuthCode', { Code: code, State: state }, region),
};

export interface ChatTestAnswer {
  ok: boolean;
  text?: string;
  error?: { code: string; message: string };
  /** The command changes resources: nothing ran; run it again with `confirm` once the user says so. */
  confirmationRequired?: boolean;
}

/**
 * Runs an `@aws ...` command as the channel configuration would, within the signed-in user's own
 * rights; a failed command is an answer, not an error. Commands that change resources run only confirmed.
 */
export async function chatTest(channelConfigurationArn: string, command: string, confirm = false): Promise<ChatTestAnswer> {
  return request<ChatTestAnswer>('POST', 'chat/test', { channelConfigurationArn, command, confirm });
}

/** Notifications a channel configuration did not post: why, how many, the latest. */
export interface DropCounts {
  configurationArn: string;
  total: number;
  byReason: Record<string, number>;
  last?: { reason: string; detail: string; topicArn: string; messageId: string; at: string };
}

/** A channel member's user-role choice; answers Slack's authorization page, which confirms who they are in Slack. */
export async function chooseUserRole(channelConfigurationArn: string, roleArn: string): Promise<{ ok: boolean; authorizationUrl: string }> {
  return request<{ ok: boolean; authorizationUrl: string }>('POST', 'chat/user-role', { channelConfigurationArn, roleArn });
}

export async function chatDrops(): Promise<{ ok: boolean; drops?: DropCounts[] }> {
  return request<{ ok: boolean; drops?: DropCounts[] }>('GET', 'chat/drops');
}
