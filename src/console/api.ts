// The console's JSON API under /console/api/. AWS calls go through the internal client, like signed
// requests (validated, authorized by IAM policy, recorded, marked sessionCredentialFromConsole);
// the rest is the session itself, live Event history and the chat test panel.
import type { ModuleDeps } from '../core/module.js';
import type { RawRequest, RawResponse } from '../protocol/http.js';
import type { Principal } from '../common/principal.js';
import { lookupUserName } from '../common/principal.js';
import { isAwsError, statusOf } from '../protocol/errors.js';
import { partitionRegions } from '../protocol/model.js';
import type { LookupAttributeKey, StoredEvent } from '../storage/event-store.js';
import { SessionStore, cookieValue, sessionCookie, clearedCookie, tokensEqual, SESSION_COOKIE, type ConsoleSession } from './sessions.js';
import { SignIn } from './signin.js';
import { LiveFeed } from './live.js';
import { inputFromJson, toJson } from './convert.js';
import { ApiProblem, json, problem, readBody, stringField, checkSameOrigin } from './respond.js';
import { chatDropsReader, type ChatTestRunner } from './chat-test.js';
import { userRoleStarter } from './user-role.js';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const LOOKUP_KEYS: readonly LookupAttributeKey[] = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];
const LIVE_WAIT_MS = 25_000;

interface Signed {
  id: string;
  session: ConsoleSession;
  principal: Principal;
}

export class ConsoleApi {
  readonly sessions: SessionStore;
  readonly live = new LiveFeed();
  private readonly signIn: SignIn;
  private readonly regions: string[];
  private readonly secureCookie: boolean;

  constructor(private readonly deps: ModuleDeps, private readonly chat: ChatTestRunner) {
    this.sessions = new SessionStore(deps.clock);
    this.signIn = new SignIn(deps);
    this.regions = partitionRegions();
    this.secureCookie = (deps.config.publicUrl ?? '').startsWith('https://');
  }

  async handle(req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const route = `${req.method} ${req.rawPath.slice('/console/api/'.length)}`;
    try {
      if (req.method === 'POST') checkSameOrigin(req);
      switch (route) {
        case 'GET session': return await this.session(req);
        case 'POST signin': return await this.signin(req, sourceIp);
        case 'POST signout': return this.signout(req);
        case 'POST call': return await this.call(await this.signed(req, true), req, sourceIp);
        case 'GET events/live': return await this.liveEvents(await this.signed(req, false), req, sourceIp);
        case 'POST chat/test': return await this.chatTest(await this.signed(req, true), req, sourceIp);
        case 'GET chat/drops': return await this.chatDrops(await this.signed(req, false), req, sourceIp);
        case 'POST chat/user-role': return await this.chatUserRole(await this.signed(req, true), req, sourceIp);
        default: throw new ApiProblem(404, 'NotFound', 'No such console API.');
      }
    } catch (e) {
      if (e instanceof ApiProblem) return problem(e);
      if (isAwsError(e)) return json(400, { error: { code: e.code, message: e.message } });
      throw e;
    }
  }

  close(): void {
    this.live.close();
  }

  /** The signed-in user behind the cookie (and, for changes, the CSRF header); throws 401/403. */
  private async signed(req: RawRequest, change: boolean): Promise<Signed> {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = this.sessions.get(id);
    if (!id || !session) throw new ApiProblem(401, 'NotSignedIn', 'Your console session has ended. Sign in again.');
    if (change && !tokensEqual(req.headers['x-csrf-token'] ?? '', session.csrfToken)) {
      throw new ApiProblem(403, 'InvalidCsrfToken', 'The request is missing the console session\'s CSRF token.');
    }
    const cred = await this.deps.credentials.resolve(session.accessKeyId);
    const expired = cred?.expiresAt && cred.expiresAt.getTime() <= this.deps.clock.now().getTime();
    if (!cred || !cred.active || expired) {
      this.sessions.delete(id);
      throw new ApiProblem(401, 'NotSignedIn', 'The credentials of this console session are no longer valid. Sign in again.');
    }
    return { id, session, principal: cred.principal };
  }

  private describe(s: Signed): Record<string, unknown> {
    const p = s.principal;
    return {
      signedIn: true, csrfToken: s.session.csrfToken, accountId: p.accountId, arn: p.arn, principalType: p.type,
      userName: lookupUserName(p) ?? p.arn, homeRegion: this.deps.config.region, regions: this.regions,
      expiresAt: new Date(s.session.expiresAt).toISOString(),
    };
  }

  /** Always 200, so that a first visit does not log a failed request in the browser console. */
  private async session(req: RawRequest): Promise<RawResponse> {
    try {
      return json(200, this.describe(await this.signed(req, false)));
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 401) return json(200, { signedIn: false, homeRegion: this.deps.config.region });
      throw e;
    }
  }

  private async signin(req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const body = readBody(req);
    const cred = await this.signIn.verify({
      accessKeyId: stringField(body, 'accessKeyId', 128)!.trim(),
      secretAccessKey: stringField(body, 'secretAccessKey', 256)!.trim(),
      sessionToken: stringField(body, 'sessionToken', 4096, false)?.trim(),
      sourceIp, userAgent: req.headers['user-agent'] ?? '',
    });
    this.sessions.delete(cookieValue(req.headers.cookie, SESSION_COOKIE));
    const { id, session } = this.sessions.create(cred.principal.accessKeyId, cred.principal.accountId, cred.expiresAt);
    const maxAge = Math.max(1, Math.floor((session.expiresAt - session.createdAt) / 1000));
    const signed = { id, session, principal: cred.principal };
    return json(200, this.describe(signed), { 'set-cookie': sessionCookie(id, this.secureCookie, maxAge) });
  }

  /** Ends the session. A missing session is fine (already signed out); a wrong CSRF token is not. */
  private signout(req: RawRequest): RawResponse {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const session = this.sessions.get(id);
    if (session && !tokensEqual(req.headers['x-csrf-token'] ?? '', session.csrfToken)) {
      throw new ApiProblem(403, 'InvalidCsrfToken', 'The request is missing the console session\'s CSRF token.');
    }
    this.sessions.delete(id);
    return json(200, { signedIn: false }, { 'set-cookie': clearedCookie(this.secureCookie) });
  }

  private regionOf(v: unknown): string {
    if (v === undefined || v === null || v === '') return this.deps.config.region;
    if (typeof v !== 'string' || !REGION.test(v)) throw new ApiProblem(400, 'BadRequest', 'region must be a region name like us-east-1.');
    return v;
  }

  private async call(s: Signed, req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const body = readBody(req);
    const serviceName = stringField(body, 'service', 64)!;
    const opName = stringField(body, 'operation', 128)!;
    const region = this.regionOf(body.region);
    const service = this.deps.registry.byName(serviceName);
    if (!service) throw new ApiProblem(400, 'UnknownService', `chattrail does not serve the service '${serviceName}'.`);
    const input = inputFromJson(service.model, opName, body.input);
    const result = await this.deps.client.callAs(s.principal, serviceName, opName, input,
      { region, via: { console: { sourceIp, userAgent: req.headers['user-agent'] ?? '' } } });
    if (result.ok) return json(200, { output: toJson(result.output) ?? {} });
    const status = statusOf(result.error, (c) => service.model.statusOfError(c));
    return json(status, { error: { code: result.error.code, message: result.error.message } });
  }

  /**
   * Long poll for events recorded after `after` in the session's account and the chosen region.
   * It reads what LookupEvents would return, so it needs the same permission; it is not itself an
   * API call and leaves no record (a page in live mode would otherwise flood its own history).
   */
  private async liveEvents(s: Signed, req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const region = this.regionOf(req.query.get('region'));
    const now = this.deps.clock.now();
    const auth = await this.deps.authorizer.authorize(s.principal, 'cloudtrail:LookupEvents', '*', {
      'aws:SourceIp': sourceIp, 'aws:CurrentTime': now.toISOString(), 'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': 'false', 'aws:RequestedRegion': region, 'aws:UserAgent': req.headers['user-agent'] ?? '', 'aws:ViaAWSService': 'false',
    });
    if (!auth.allowed) throw new ApiProblem(403, 'AccessDeniedException', `User: ${s.principal.arn} is not authorized to perform: cloudtrail:LookupEvents`);
    const key = req.query.get('key');
    const value = req.query.get('value');
    if (key && !LOOKUP_KEYS.includes(key as LookupAttributeKey)) throw new ApiProblem(400, 'BadRequest', `Unknown lookup attribute ${key}.`);
    const afterText = req.query.get('after');
    const after = afterText && /^\d{1,15}$/.test(afterText) ? Number(afterText) : undefined;
    const answer = await this.live.wait({
      accountId: s.principal.accountId, region,
      attribute: key && value ? { key: key as LookupAttributeKey, value } : undefined,
    }, after, LIVE_WAIT_MS);
    return json(200, { cursor: answer.cursor, gap: answer.gap, events: answer.events.map(lookupEventOf) });
  }

  /** Notifications each visible channel configuration did not post, by reason (the chat client page shows them). */
  private async chatDrops(s: Signed, req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const answer = await chatDropsReader(this.deps)({ principal: s.principal, sourceIp, userAgent: req.headers['user-agent'] ?? '' });
    return json(answer.status ?? 200, answer);
  }

  /** A channel member's user-role choice: answers Slack's authorization page to confirm who they are. */
  private async chatUserRole(s: Signed, req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const body = readBody(req);
    const answer = await userRoleStarter(this.deps)({
      principal: s.principal, configurationArn: stringField(body, 'channelConfigurationArn', 1224)!, roleArn: stringField(body, 'roleArn', 2048)!,
      sourceIp, userAgent: req.headers['user-agent'] ?? '',
    });
    return json(answer.status ?? 200, answer);
  }

  private async chatTest(s: Signed, req: RawRequest, sourceIp: string): Promise<RawResponse> {
    const body = readBody(req);
    const arn = stringField(body, 'channelConfigurationArn', 1224)!;
    const command = stringField(body, 'command', 4000)!;
    if (body.confirm !== undefined && typeof body.confirm !== 'boolean') throw new ApiProblem(400, 'BadRequest', 'confirm must be true or false.');
    const answer = await this.chat({
      principal: s.principal, channelConfigurationArn: arn, command, sourceIp, userAgent: req.headers['user-agent'] ?? '', confirm: body.confirm === true,
    });
    return json(answer.status ?? 200, answer);
  }
}

/** An event in LookupEvents' output form, so the page has one row type for both sources. */
export function lookupEventOf(e: StoredEvent): Record<string, unknown> {
  return {
    EventId: e.eventId, EventName: e.eventName, ReadOnly: String(e.readOnly), AccessKeyId: e.accessKeyId,
    EventTime: e.eventTime.toISOString(), EventSource: e.eventSource, Username: e.username,
    Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: e.record,
  };
}
