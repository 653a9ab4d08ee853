// Builds the CloudTrail records of one finished call: the caller's, plus one for each other account
// whose resources it touched (sharedEventID). This is the only place records are made: services
// contribute rules (recording.ts), never records. Field order follows real CloudTrail.
import type { Principal } from '../common/principal.js';
import { principalId, lookupUserName } from '../common/principal.js';
import { statusOf, type AwsError } from '../protocol/errors.js';
import type { ServiceModel, Shape } from '../protocol/model.js';
import type { RecordingRules } from './rules.js';
import type { StoredEvent } from '../storage/event-store.js';
import { recordRegion } from './regions.js';

export const EVENT_VERSION = '1.11';
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/**
 * Wire codes of authorization refusals. Records call them all `AccessDenied` (SNS answers
 * `AuthorizationError`, JSON services `AccessDeniedException`) and log no request parameters,
 * unless the service's rules say otherwise (EC2's `UnauthorizedOperation` keeps both).
 */
const REFUSALS = new Set(['AccessDenied', 'AccessDeniedException', 'AuthorizationError', 'AuthorizationErrorException', 'UnauthorizedOperation']);

export function isRefusal(code: string): boolean {
  return REFUSALS.has(code);
}

export interface FinishedCall {
  model: ServiceModel;
  rules: RecordingRules;
  opName: string;
  input: Record<string, unknown> | undefined;
  output?: Record<string, unknown>;
  error?: AwsError;
  principal: Principal;
  /** The account whose resources the call touched; usually the caller's. */
  recipientAccountId: string;
  signedRegion: string;
  eventTime: Date;
  requestId: string;
  eventId: string;
  sourceIp: string;
  userAgent: string;
  resources: { type: string; arn: string; accountId?: string }[];
  additionalEventData?: Record<string, unknown>;
  fromConsole?: boolean;
  /** Set on each record of a call delivered to several accounts (see buildEvents). */
  sharedEventId?: string;
}

export function isReadOnly(opName: string, rules: RecordingRules): boolean {
  if (rules.readOnly?.includes(opName)) return true;
  if (rules.notReadOnly?.includes(opName)) return false;
  return /^(Get|List|Describe|Lookup|Head|Search|Check|Select)/.test(opName);
}

export function eventNameOf(opName: string, rules: RecordingRules): string {
  return rules.eventNames?.[opName] ?? opName;
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * GetSessionToken credentials keep the user's (or root's) identity and add a sessionContext with
 * only the attributes: there is no issuer, the user is its own.
 */
function withTokenSession(identity: Record<string, unknown>, createdAt: Date | undefined): Record<string, unknown> {
  if (!createdAt) return identity;
  return { ...identity, sessionContext: { attributes: { creationDate: isoSeconds(createdAt), mfaAuthenticated: 'false' } } };
}

export function userIdentityOf(p: Principal): Record<string, unknown> {
  switch (p.type) {
    case 'Root':
      return withTokenSession({ type: 'Root', principalId: p.accountId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId }, p.sessionCreatedAt);
    case 'IAMUser':
      return withTokenSession({ type: 'IAMUser', principalId: p.userId, arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId, userName: p.userName }, p.sessionCreatedAt);
    case 'AssumedRole':
      return {
        type: 'AssumedRole', principalId: principalId(p), arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId,
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: p.roleId, arn: p.roleArn, accountId: p.accountId, userName: p.roleName },
          webIdFederationData: {},
          attributes: { creationDate: isoSeconds(p.sessionCreatedAt), mfaAuthenticated: 'false' },
        },
      };
    case 'FederatedUser':
      return {
        type: 'FederatedUser', principalId: principalId(p), arn: p.arn, accountId: p.accountId, accessKeyId: p.accessKeyId,
        sessionContext: {
          sessionIssuer: { type: 'IAMUser', principalId: p.issuer.userId, arn: p.issuer.arn, accountId: p.accountId, userName: p.issuer.userName },
          webIdFederationData: {},
          attributes: { creationDate: isoSeconds(p.sessionCreatedAt), mfaAuthenticated: 'false' },
        },
      };
    case 'AWSService':
      return { type: 'AWSService', invokedBy: p.service };
  }
}

function lowerFirst(s: string): string {
  return s.length ? s[0].toLowerCase() + s.slice(1) : s;
}

/** What the service logs in place of a value it hides. */
function hiddenMarker(rules: RecordingRules): string {
  return rules.hiddenValue ?? HIDDEN;
}

/** A hidden member keeps its shape where it is a list: each item is hidden (SES's addresses). */
function hiddenAs(v: unknown, rules: RecordingRules): unknown {
  return Array.isArray(v) ? v.map(() => hiddenMarker(rules)) : hiddenMarker(rules);
}

/**
 * A value as CloudTrail logs it: structure members in camelCase (or the wire names when the
 * service keeps them), map keys untouched, sensitive members hidden (requests; responses too when
 * the rules say so) or left out (responses), blobs left out.
 */
export function loggedValue(model: ServiceModel, shape: Shape, v: unknown, mode: 'request' | 'response', rules: RecordingRules): unknown {
  if (v === undefined || v === null) return undefined;
  if (shape.sensitive || rules.sensitiveShapes?.some((name) => model.shapes[name] === shape)) {
    return mode === 'request' || rules.hideInResponses ? hiddenMarker(rules) : undefined;
  }
  switch (shape.type) {
    case 'structure': {
      const out: Record<string, unknown> = {};
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        if (rules.redact?.includes(name)) continue;
        const raw = (v as Record<string, unknown>)[name];
        const x = rules.hidden?.includes(name) && raw !== undefined && raw !== null
          ? hiddenAs(raw, rules) : loggedValue(model, model.shape(ref.shape), raw, mode, rules);
        if (x !== undefined) out[rules.wireNames ? (ref.locationName ?? name) : lowerFirst(name)] = x;
      }
      return out;
    }
    case 'list':
      return (v as unknown[]).map((x) => loggedValue(model, model.shape(shape.member!.shape), x, mode, rules) ?? null);
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = loggedValue(model, model.shape(shape.value!.shape), x, mode, rules);
      return out;
    }
    case 'timestamp':
      return (rules.formatDate ?? formatLoggedDate)(v as Date);
    case 'blob':
      return undefined;
    default:
      return v;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** CloudTrail renders dates inside request/response elements the way the Java SDK prints them. */
export function formatLoggedDate(d: Date): string {
  // A table, not Intl: toLocaleString costs ~50 µs a call on the recording hot path.
  const month = MONTHS[d.getUTCMonth()];
  let h = d.getUTCHours();
  const ampm = h >= 12 ? 'PM' : 'AM';
  h = h % 12 || 12;
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${month} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h}:${mm}:${ss} ${ampm}`;
}

function requestParametersOf(c: FinishedCall): unknown {
  // Calls refused before they ran log no parameters, as real CloudTrail does (S3 and EC2 keep them).
  const keep = c.rules.keepParamsOnRefusal ?? c.rules.eventSource === 's3.amazonaws.com';
  if (c.error && isRefusal(c.error.code) && !keep) return null;
  const custom = c.rules.requestParameters?.[c.opName];
  if (custom) return custom(c.input ?? {});
  if (c.rules.style) return c.rules.style.requestParameters(c.model, c.opName, c.input ?? {}, c.rules) ?? null;
  const op = c.model.operation(c.opName);
  if (!op?.input || !c.input) return null;
  const v = loggedValue(c.model, c.model.shape(op.input.shape), c.input, 'request', c.rules) as Record<string, unknown>;
  return v && Object.keys(v).length ? v : null;
}

function responseElementsOf(c: FinishedCall, readOnly: boolean): unknown {
  if (c.error) return c.rules.refusalMessage && isRefusal(c.error.code) && !readOnly ? { message: c.error.message } : null;
  if (!c.output) return null;
  const custom = c.rules.responseElements?.[c.opName];
  if (custom) return custom(c.output) ?? null;
  if (readOnly) return null;
  if (c.rules.style) return c.rules.style.responseElements(c.model, c.opName, c.output, c.requestId, c.rules) ?? null;
  const op = c.model.operation(c.opName);
  if (!op?.output) return null;
  const [shape, output] = answerToLog(c, op.output.shape, c.output);
  const v = loggedValue(c.model, shape, output, 'response', c.rules) as Record<string, unknown>;
  return v && Object.keys(v).length ? v : null;
}

/** The answer as logged: where the rules unwrap it, its one structure member itself (RDS's DBInstance). */
function answerToLog(c: FinishedCall, shapeName: string, output: Record<string, unknown>): [Shape, Record<string, unknown>] {
  const shape = c.model.shape(shapeName);
  const members = Object.entries(shape.members ?? {});
  if (!c.rules.unwrapOutput || members.length !== 1) return [shape, output];
  const [name, ref] = members[0];
  const inner = c.model.shape(ref.shape);
  return inner.type === 'structure' ? [inner, (output[name] ?? {}) as Record<string, unknown>] : [shape, output];
}

/**
 * One `resources` entry. The account is the one the service named, else the one in the ARN; an ARN
 * without an account (an S3 object) gets no accountId, as in real S3 data events. Listings name
 * the key prefix they read as `ARNPrefix`.
 */
function resourceEntry(r: FinishedCall['resources'][number], c: FinishedCall): Record<string, string> {
  const accountId = r.accountId ?? (r.arn.startsWith('arn:') ? r.arn.split(':')[4] : c.recipientAccountId);
  const out: Record<string, string> = accountId ? { accountId, type: r.type } : { type: r.type };
  if (r.type === 'AWS::S3::Object' && c.rules.prefixResources?.includes(c.opName)) out.ARNPrefix = r.arn;
  else out.ARN = r.arn;
  return out;
}

/**
 * Records name errors by their model shape (`NoSuchEntityException`), not the wire code
 * (`NoSuchEntity`); authorization refusals are `AccessDenied` in every service, JSON ones included
 * (an Organizations LeaveOrganization refused on the wire as AccessDeniedException records
 * AccessDenied). A service with its own scheme (EC2's `Client.`/`Server.` prefixes) maps every code.
 */
function errorCodeOf(err: AwsError, c: FinishedCall): string {
  if (c.rules.errorCode) return c.rules.errorCode(err.code, statusOf(err, (code) => c.model.statusOfError(code)));
  return isRefusal(err.code) ? 'AccessDenied' : c.model.errorShapeName(err.code);
}

/** The record and the columns Event history filters on. */
export function buildEvent(c: FinishedCall): StoredEvent {
  const readOnly = isReadOnly(c.opName, c.rules);
  const management = !c.rules.dataEvents?.includes(c.opName);
  const eventName = eventNameOf(c.opName, c.rules);
  const region = recordRegion(c.rules.eventSource, c.signedRegion);
  const service = c.principal.type === 'AWSService' ? c.principal.service : undefined;
  const record: Record<string, unknown> = {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(c.principal),
    eventTime: isoSeconds(c.eventTime),
    eventSource: c.rules.eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: service ?? c.sourceIp,
    userAgent: service ?? c.userAgent,
  };
  if (c.error) {
    record.errorCode = errorCodeOf(c.error, c);
    record.errorMessage = c.error.message;
  }
  record.requestParameters = requestParametersOf(c);
  record.responseElements = responseElementsOf(c, readOnly);
  if (c.additionalEventData) record.additionalEventData = c.additionalEventData;
  record.requestID = c.requestId;
  record.eventID = c.eventId;
  record.readOnly = readOnly;
  if (c.resources.length && c.rules.resourcesInRecord !== false) {
    record.resources = c.resources.map((r) => resourceEntry(r, c));
  }
  record.eventType = 'AwsApiCall';
  record.managementEvent = management;
  record.recipientAccountId = c.recipientAccountId;
  if (c.sharedEventId) record.sharedEventID = c.sharedEventId;
  record.eventCategory = management ? 'Management' : 'Data';
  if (c.fromConsole) record.sessionCredentialFromConsole = 'true';
  return {
    eventId: c.eventId,
    accountId: c.recipientAccountId,
    region,
    eventTime: new Date(Math.floor(c.eventTime.getTime() / 1000) * 1000),
    eventName,
    eventSource: c.rules.eventSource,
    username: lookupUserName(c.principal) ?? service,
    accessKeyId: c.principal.accessKeyId || undefined,
    readOnly,
    management,
    resources: c.resources.map((r) => ({ type: r.type, name: r.arn })),
    record: JSON.stringify(record),
  };
}

/** Fresh ids for the further records of a call that reaches into other accounts. */
export interface RecipientIds {
  /** The sharedEventID all the call's records carry. */
  sharedEventId(): string;
  /** The eventID of one more account's record. */
  eventId(): string;
}

/**
 * Every record of one call, as CloudTrail delivers them: the caller's account gets one, and when
 * the call acted on a resource another account owns (a role assumed across accounts, another
 * account's bucket), that account gets its own, so a tenant cannot act on another's resources
 * unseen by it. The records differ only in recipientAccountId and eventID, and share a
 * sharedEventID; a call within one account has one record and no sharedEventID.
 */
export function buildEvents(c: FinishedCall, ids: RecipientIds): StoredEvent[] {
  const owners = ownerAccountsOf(c);
  if (owners.length === 0) return [buildEvent(c)];
  const sharedEventId = ids.sharedEventId();
  return [
    buildEvent({ ...c, sharedEventId }),
    ...owners.map((accountId) => buildEvent({ ...c, recipientAccountId: accountId, eventId: ids.eventId(), sharedEventId })),
  ];
}

const ACCOUNT_ID = /^\d{12}$/;

/** The accounts, other than the recipient's, owning a resource the call touched (AWS-owned ones have none). */
export function ownerAccountsOf(c: FinishedCall): string[] {
  const owners = new Set<string>();
  for (const r of c.resources) {
    const accountId = r.accountId ?? (r.arn.startsWith('arn:') ? r.arn.split(':')[4] : undefined);
    if (accountId && ACCOUNT_ID.test(accountId) && accountId !== c.recipientAccountId) owners.add(accountId);
  }
  return [...owners];
}

/** Who tried to sign in to the console: a known principal, or an unknown key in some account. */
export interface ConsoleSignIn {
  /** The principal behind the access key; undefined when the key id is unknown. */
  principal?: Principal;
  /** The account the record belongs to (the principal's, or the deployment's for unknown keys). */
  accountId: string;
  success: boolean;
  region: string;
  eventTime: Date;
  eventId: string;
  sourceIp: string;
  userAgent: string;
  /** The console page the user was signing in to (additionalEventData.LoginTo). */
  loginTo: string;
}

/**
 * The ConsoleLogin record (eventType AwsConsoleSignIn) as the sign-in service writes it: eventVersion
 * 1.08, no requestID, no accessKeyId for users, `{"ConsoleLogin": "Success"|"Failure"}`, and an
 * unknown user hidden as HIDDEN_DUE_TO_SECURITY_REASONS.
 */
export function buildConsoleSignInEvent(s: ConsoleSignIn): StoredEvent {
  const p = s.principal;
  const region = recordRegion('signin.amazonaws.com', s.region);
  let identity: Record<string, unknown>;
  if (!p) identity = { type: 'IAMUser', accountId: s.accountId, accessKeyId: '', userName: HIDDEN };
  else if (p.type === 'IAMUser') identity = { type: 'IAMUser', principalId: p.userId, arn: p.arn, accountId: p.accountId, userName: p.userName };
  else if (p.type === 'Root') identity = { type: 'Root', principalId: p.accountId, arn: p.arn, accountId: p.accountId, accessKeyId: '' };
  else identity = { ...userIdentityOf(p), accessKeyId: '' };
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: isoSeconds(s.eventTime),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: region,
    sourceIPAddress: s.sourceIp,
    userAgent: s.userAgent,
  };
  if (!s.success) record.errorMessage = 'Failed authentication';
  record.requestParameters = null;
  record.responseElements = { ConsoleLogin: s.success ? 'Success' : 'Failure' };
  record.additionalEventData = { LoginTo: s.loginTo, MobileVersion: 'No', MFAUsed: 'No' };
  record.eventID = s.eventId;
  record.readOnly = false;
  record.eventType = 'AwsConsoleSignIn';
  record.managementEvent = true;
  record.recipientAccountId = s.accountId;
  record.eventCategory = 'Management';
  return {
    eventId: s.eventId,
    accountId: s.accountId,
    region,
    eventTime: new Date(Math.floor(s.eventTime.getTime() / 1000) * 1000),
    eventName: 'ConsoleLogin',
    eventSource: 'signin.amazonaws.com',
    username: p ? lookupUserName(p) : HIDDEN,
    readOnly: false,
    management: true,
    resources: [],
    record: JSON.stringify(record),
  };
}
