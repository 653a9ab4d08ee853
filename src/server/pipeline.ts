// The one path every AWS API call takes: find the service → verify the signature → parse and
// validate by the model → authorize by IAM policy → run the handler → record the CloudTrail event
// durably → answer. Calls from inside chattrail (chat, console, Chatbot) enter at `execute` through
// the internal client (internal-client.ts), the only caller of it besides `handle`.
import { BodyTooLarge, type PendingRequest, type RawRequest, type RawResponse } from '../protocol/http.js';
import { AwsError, isAwsError } from '../protocol/errors.js';
import type { CallResult, OnBehalfOf } from '../core/internal-client.js';
import { parseRequest, protocolOf, resolveOperation, queryForm, serializeError, serializeResponse, targetPrefixMatches, validationErrorCode, type ParsedCall } from '../protocol/codec.js';
import { validateInput } from '../protocol/validate.js';
import { checkTime, declaredPayloadHash, isHexSha256, readScope, scopeProblem, signatureMatches, type SignatureProblem, type SignatureScope } from '../auth/sigv4.js';
import { authError, payloadMismatchError, scopeError } from '../auth/auth-errors.js';
import { chunkVerifier } from '../auth/streaming.js';
import { DEFAULT_UNVERIFIED_BODY_BYTES, expectedLength, readBody, smallBody, dropSpooled, spillFor, takesStreamingUpload, tooLargeError } from './request-body.js';
import type { Payload, Spill } from '../protocol/payload.js';
import { Spool, spoolDirOf } from '../storage/spool.js';
import { modelFromDescription, type Protocol } from '../protocol/model.js';
import { hashToken } from '../identity/store.js';
import type { Principal } from '../common/principal.js';
import type { CredentialResolver } from '../auth/credentials.js';
import type { Authorizer } from '../auth/authorize.js';
import { accessDeniedMessage } from '../auth/authorize.js';
import type { PolicyDocument } from '../policy/document.js';
import type { ContextValue } from '../policy/request.js';
import { AUTHORIZED_PER_ITEM, type CallContext, type ServiceDefinition } from '../core/service.js';
import { type Clock, type Ids } from '../common/runtime.js';
import type { Stores } from '../storage/stores.js';
import type { ServiceRegistry } from '../core/registry.js';
import { timeOrderedUuid, type Logger } from '../common/runtime.js';
import { buildEvents } from '../records/record.js';
import type { StoredEvent } from '../storage/event-store.js';
import type { RecordFeed } from '../records/feed.js';

export interface PipelineDeps {
  registry: ServiceRegistry;
  credentials: CredentialResolver;
  authorizer: Authorizer;
  stores: Stores;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  homeRegion: string;
  /** Told after an event is durably stored; wakes its consumers (trail delivery, the live console) without waiting for them. */
  feed?: Pick<RecordFeed, 'appended'>;
  /** Largest body read before its signature is verified (when the signature covers the body's hash). */
  maxUnverifiedBodyBytes?: number;
}

/** An authenticated request, its body read and held to what was signed. */
interface Authenticated {
  principal: Principal;
  request: RawRequest;
  /** S3's answer for a body that is not the one signed: the caller is known, so the call is recorded. */
  bodyError?: AwsError;
}

/** Unsigned requests are told apart by a body this small at most (query forms name their Action there). */
const GUESS_BODY_BYTES = 64 * 1024;

/** A call that has been authenticated and parsed, ready to be authorized and run. */
export interface Call {
  service: ServiceDefinition;
  opName: string;
  input: Record<string, unknown>;
  principal: Principal;
  region: string;
  sourceIp: string;
  userAgent: string;
  requestId: string;
  /** `invokedBy`: an AWS service inside chattrail made the call (AWS Chatbot): aws:ViaAWSService, no aws:SourceIp. */
  via?: { console?: boolean; invokedBy?: string };
  /** Chatbot channel guardrails, intersected with the principal's own permissions. */
  guardrails?: PolicyDocument[];
  /** A signed-in user the call runs for (the console's chat test): every action must be allowed for them too. */
  onBehalfOf?: OnBehalfOf;
  /** Condition keys the call carries beyond the request's own (`aws:ChatbotSourceArn`). */
  conditionKeys?: Record<string, string>;
  /** When the request was made (set as the call starts): the record's eventTime. */
  requestTime?: Date;
}

export class Pipeline {
  /** Where large authenticated upload bodies are written as they arrive (made on first use). */
  private spool?: Spool;

  constructor(private readonly deps: PipelineDeps) {}

  /**
   * Serves one HTTP request addressed to an AWS API. Never throws. The body is still on the wire:
   * `authenticate` reads it only once the head has passed every check it can pass without it.
   */
  async handle(pending: PendingRequest, sourceIp: string): Promise<RawResponse> {
    const scope = readScope(pending);
    if ('kind' in scope) return this.refuseUnsigned(pending, scope);
    const service = this.deps.registry.forScope(scope.service, pending);
    if (!service) return unservedServiceResponse(this.deps.ids.uuid(), scope.service, pending);
    const requestId = service.newRequestId?.(this.deps.ids) ?? this.deps.ids.uuid();
    // A service whose model lists several protocols answers in the one the request speaks.
    const protocol = protocolOf(service.model, pending);
    try {
      const { principal, request, bodyError } = await this.authenticate(pending, scope, service);
      // The signature covers the request as sent; a service's rewrite (S3 virtual hosts) comes after.
      const req = service.rewrite ? service.rewrite(request) : request;
      const region = scope.region || this.deps.homeRegion;
      let parsed: ParsedCall | undefined;
      try {
        parsed = parseRequest(service.model, req, protocol);
        if (bodyError) throw bodyError;
      } catch (e) {
        // An authenticated call to a known operation with a bad body is still an API call: record it.
        const op = parsed?.op.name ?? safeResolve(service, req, protocol);
        if (op && isAwsError(e)) await this.record(this.callOf(service, op, parsed?.input ?? {}, principal, region, req, sourceIp, requestId), undefined, e);
        throw e;
      }
      const call = this.callOf(service, parsed.op.name, parsed.input, principal, region, req, sourceIp, requestId);
      const result = await this.execute(call);
      if (!result.ok) throw result.error;
      const raw = service.rawResponse?.(call.opName, result.output, requestId);
      return raw ?? serializeResponse(service.model, parsed.op, result.output, requestId, req.method, protocol);
    } catch (e) {
      const err = e instanceof BodyTooLarge ? tooLargeError(protocol, e.limit) : isAwsError(e) ? e : this.internalFailure(e, requestId);
      return serializeError(service.model, err, requestId, pending.method, protocol);
    }
  }

  /** No signature, or one that cannot be read: answered in the shape of the service the request looks meant for. */
  private async refuseUnsigned(pending: PendingRequest, problem: SignatureProblem): Promise<RawResponse> {
    const req = await smallBody(pending, GUESS_BODY_BYTES);
    const service = this.guessService(req);
    if (!service) return unknownServiceResponse(this.deps.ids.uuid(), undefined);
    const requestId = service.newRequestId?.(this.deps.ids) ?? this.deps.ids.uuid();
    const err = authError(service.model.metadata.protocol, problem.kind === 'missing' ? 'missing' : 'incomplete', 'message' in problem ? problem.message : undefined);
    return serializeError(service.model, err, requestId, req.method, protocolOf(service.model, req));
  }

  private callOf(service: ServiceDefinition, opName: string, input: Record<string, unknown>, principal: Principal, region: string, req: RawRequest, sourceIp: string, requestId: string): Call {
    return { service, opName, input, principal, region, sourceIp, userAgent: req.headers['user-agent'] ?? '', requestId };
  }

  /**
   * Validates, authorizes, runs and records one call. The promise resolves only once the record
   * is durable, so a 2xx is never sent for a call the trail could lose.
   */
  async execute(call: Call): Promise<CallResult> {
    const { service, opName, input, principal } = call;
    call.requestTime ??= this.deps.clock.now();
    const resources: { type: string; arn: string; accountId?: string }[] = [];
    let additionalEventData: Record<string, unknown> | undefined;
    const ctx: CallContext = {
      requestId: call.requestId, principal, accountId: principal.accountId, region: call.region,
      sourceIp: call.sourceIp, userAgent: call.userAgent, requestTime: call.requestTime, clock: this.deps.clock, ids: this.deps.ids,
      stores: this.deps.stores, homeRegion: this.deps.homeRegion, via: call.via,
      addResource: (type, arn, accountId) => { resources.push({ type, arn, accountId }); },
      authorize: (action, resource, extra) => this.authorizeAction(call, action, resource, extra),
      annotate: (f) => { additionalEventData = { ...additionalEventData, ...f.additionalEventData }; },
    };
    let output: Record<string, unknown> | undefined;
    let error: AwsError | undefined;
    try {
      const op = service.model.operation(opName);
      if (!op) throw new AwsError('InvalidAction', `Unknown operation ${opName}`);
      service.precheck?.(opName, input);
      validateInput(service.model, op.input?.shape, input, service.validationErrorCode ?? validationErrorCode(service.model));
      await this.authorize(call, ctx);
      const handler = service.handlers[opName];
      if (!handler) throw new AwsError(service.model.metadata.protocol === 'rest-xml' ? 'NotImplemented' : 'InvalidAction', `chattrail does not implement ${service.model.metadata.serviceId} ${opName} yet`, 501);
      output = ((await handler(input, ctx)) ?? {}) as Record<string, unknown>;
    } catch (e) {
      error = isAwsError(e) ? e : this.internalFailure(e, call.requestId);
    }
    await this.record(call, output, error, resources, additionalEventData);
    return error ? { ok: false, error } : { ok: true, output: output! };
  }

  /**
   * Resolves what the call acts on through the service's resolver (which reads its store: the
   * stored ARN, with its path and case, of an entity the caller may have named loosely), and
   * authorizes the action on every resource. The handler finds them in `ctx.resolved`.
   */
  private async authorize(call: Call, ctx: CallContext): Promise<void> {
    const { service, opName, input } = call;
    const action = service.actionOf?.(opName, input) ?? `${service.actionPrefix ?? service.model.signingName}:${opName}`;
    const resolution = await service.resolveResources(opName, input, ctx);
    if (resolution === AUTHORIZED_PER_ITEM) {
      ctx.resolved = [];
      return;
    }
    // A resolver that finds nothing would authorize nothing: a bug, never an open door.
    if (resolution.length === 0) throw new Error(`${service.model.name} ${opName}: the resolver named no resource`);
    for (const r of resolution) {
      // Only the aws partition exists here: an ARN of another one must not reach an aws resource.
      if (r.arn !== '*' && !r.arn.startsWith('arn:aws:')) {
        throw new AwsError(service.validationErrorCode ?? validationErrorCode(service.model), `${r.arn} is not an ARN of the aws partition`);
      }
      await this.authorizeAction(call, action, r.arn);
    }
    ctx.resolved = resolution;
  }

  /**
   * Evaluates the caller's policies for one action on one resource, and refuses in the service's
   * own words. The call's main action goes through here, and so does every further permission a
   * handler needs (S3's copy source, iam:PassRole), through `ctx.authorize`.
   */
  private async authorizeAction(call: Call, action: string, resource: string, extra?: Record<string, ContextValue>): Promise<void> {
    const { service, principal } = call;
    const viaService = call.via?.invokedBy !== undefined;
    const context = this.conditionContext(call, viaService ? undefined : call.sourceIp, call.userAgent, viaService, extra);
    const result = await this.deps.authorizer.authorize(principal, action, resource, context, call.guardrails);
    if (!result.allowed) throw deniedError(service, accessDeniedMessage(principal, action, resource, result));
    if (call.onBehalfOf) await this.authorizeOnBehalf(call, call.onBehalfOf, action, resource, extra);
  }

  /**
   * The user a call runs for must be allowed the same action on the same resource, by their own
   * policies, from where they are: a channel's role never lends them more than they have.
   */
  private async authorizeOnBehalf(call: Call, user: OnBehalfOf, action: string, resource: string, extra?: Record<string, ContextValue>): Promise<void> {
    const context = this.conditionContext(call, user.sourceIp, user.userAgent, false, extra);
    const result = await this.deps.authorizer.authorize(user.principal, action, resource, context);
    if (!result.allowed) throw deniedError(call.service, accessDeniedMessage(user.principal, action, resource, result), true);
  }

  /** The global condition keys every authorization of a call sees, plus the check's own. */
  private conditionContext(call: Call, sourceIp: string | undefined, userAgent: string, viaAwsService: boolean, extra?: Record<string, ContextValue>): Record<string, ContextValue> {
    const now = this.deps.clock.now();
    return {
      'aws:SourceIp': sourceIp,
      'aws:CurrentTime': now.toISOString(),
      'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
      'aws:SecureTransport': 'false',
      'aws:RequestedRegion': call.region,
      'aws:UserAgent': userAgent,
      'aws:ViaAWSService': viaAwsService ? 'true' : 'false',
      ...call.conditionKeys,
      ...extra,
    };
  }

  private async record(call: Call, output: Record<string, unknown> | undefined, error: AwsError | undefined,
    resources: { type: string; arn: string; accountId?: string }[] = [], additionalEventData?: Record<string, unknown>): Promise<void> {
    // eventTime is when the request was made (AWS's definition), so what a handler dates by the
    // request (an STS session's creationDate) matches the record to the second.
    const now = call.requestTime ?? this.deps.clock.now();
    // A call on another account's resource is recorded in that account too (same sharedEventID).
    const events = buildEvents({
      model: call.service.model, rules: call.service.recording, opName: call.opName, input: call.input, output, error,
      principal: call.principal, recipientAccountId: call.principal.accountId, signedRegion: call.region,
      eventTime: now, requestId: call.requestId, eventId: timeOrderedUuid(now.getTime()),
      sourceIp: call.sourceIp, userAgent: call.userAgent, resources, additionalEventData, fromConsole: call.via?.console,
    }, { sharedEventId: () => this.deps.ids.uuid(), eventId: () => timeOrderedUuid(now.getTime()) });
    for (const event of events) await this.appendRecord(event);
  }

  /**
   * Stores a record and tells the record feed (trail delivery, the console's live view). Records
   * built outside the API path (console sign-ins) come in here too, so trails see them at once.
   */
  async appendRecord(event: StoredEvent): Promise<void> {
    await this.deps.stores.events.append(event);
    // The record is durable: nothing the feed does may turn the call into an error.
    try {
      this.deps.feed?.appended(event);
    } catch (e) {
      this.deps.logger.error('the record feed failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  /**
   * Authenticates the head before the body is read: what the signature must cover (host, region,
   * payload hash form), time, key and token; then `signedBody` checks the signature and reads the
   * body under its limit, holding it to what was signed.
   */
  private async authenticate(pending: PendingRequest, scope: SignatureScope, service: ServiceDefinition): Promise<Authenticated> {
    const protocol = service.model.metadata.protocol;
    const problem = scopeProblem(pending, scope, this.deps.homeRegion);
    if (problem) throw scopeError(protocol, problem, this.deps.homeRegion, scope.presigned);
    const timeProblem = checkTime(scope, this.deps.clock.now());
    if (timeProblem) throw authError(protocol, timeProblem.kind === 'skewed' ? 'skewed' : timeProblem.kind === 'expired' ? 'expired' : 'incomplete', 'message' in timeProblem ? timeProblem.message : undefined);
    const cred = await this.deps.credentials.resolve(scope.accessKeyId);
    if (!cred || !cred.active) throw authError(protocol, 'unknownKey');
    if (cred.tokenHash) {
      if (!scope.securityToken || hashToken(scope.securityToken) !== cred.tokenHash) throw authError(protocol, 'badToken');
      if (cred.expiresAt && cred.expiresAt.getTime() <= this.deps.clock.now().getTime()) throw authError(protocol, 'expiredToken');
    } else if (scope.securityToken) {
      throw authError(protocol, 'badToken');
    }
    const { payload, bodyError } = await this.signedBody(pending, scope, service, cred.secretAccessKey);
    const request: RawRequest = { method: pending.method, rawPath: pending.rawPath, query: pending.query, headers: pending.headers, body: payload.body, payload };
    return { principal: cred.principal, request, bodyError };
  }

  /**
   * Verifies the signature over the declared payload hash, then reads the body under the route's
   * limit and holds it to that hash or its signed chunks. A signature over the body's own hash (none
   * declared) needs the body first: that read is bounded by the smaller limit for unverified bodies.
   */
  private async signedBody(pending: PendingRequest, scope: SignatureScope, service: ServiceDefinition, secret: string): Promise<{ payload: Payload; bodyError?: AwsError }> {
    const protocol = service.model.metadata.protocol;
    const declared = declaredPayloadHash(pending, scope);
    const md5 = pending.method === 'PUT';
    const unverified = declared === undefined
      ? await readBody(pending, Math.min(pending.body.limit, this.deps.maxUnverifiedBodyBytes ?? DEFAULT_UNVERIFIED_BODY_BYTES), { sha256: true, md5 })
      : undefined;
    const payloadHash = declared ?? unverified!.sha256!;
    if (!(await signatureMatches(pending, scope, secret, scope.securityToken, payloadHash))) throw authError(protocol, 'badSignature');
    const chunked = payloadHash.startsWith('STREAMING-');
    // A hex x-amz-content-sha256 is held to the body even when it is not signed (S3 checks it).
    const claimed = [payloadHash, pending.headers['x-amz-content-sha256']].filter((h): h is string => h !== undefined && isHexSha256(h));
    const payload = unverified ?? await readBody(pending, pending.body.limit, {
      sha256: claimed.length > 0, chunked, md5, verifier: chunkVerifier(scope, secret, payloadHash),
      expectedLength: expectedLength(pending, chunked, pending.body.limit), spill: this.uploadSpill(pending, service),
    });
    const mismatch = claimed.find((h) => h.toLowerCase() !== payload.sha256);
    if (payload.signaturesValid && mismatch === undefined) return { payload };
    // A body that is not the one signed never reaches a handler, nor stays on disk.
    await dropSpooled(payload);
    if (!payload.signaturesValid) throw authError(protocol, 'badSignature');
    const err = payloadMismatchError(protocol, mismatch!, payload.sha256 ?? '');
    // S3 checks the body after the signature over the headers: the caller is known, the call is
    // recorded. For the other services the body is part of the signature: an auth failure.
    if (protocol !== 'rest-xml') throw err;
    return { payload: { ...payload, body: Buffer.alloc(0), file: undefined }, bodyError: err };
  }

  /**
   * A spool file for a large body of an operation that takes a streaming upload (S3 PutObject,
   * UploadPart), once the caller is authenticated; API calls never get here past the size check.
   */
  private uploadSpill(pending: PendingRequest, service: ServiceDefinition): Spill | undefined {
    const spill = spillFor(pending, () => (this.spool ??= new Spool(spoolDirOf(this.deps.stores.dataDir))));
    return spill && takesStreamingUpload(service, pending) ? spill : undefined;
  }

  /** Unsigned requests carry no scope: pick the service their shape points to, for the error format. */
  private guessService(req: RawRequest): ServiceDefinition | undefined {
    const target = req.headers['x-amz-target'];
    const all = this.deps.registry.all();
    if (target) return all.find((s) => s.model.metadata.targetPrefix && targetPrefixMatches(s.model, target.slice(0, target.lastIndexOf('.'))));
    const ctype = req.headers['content-type'] ?? '';
    if (ctype.startsWith('application/x-www-form-urlencoded') || req.query.has('Action')) {
      let action: string | null = null;
      try { action = queryForm(req).get('Action'); } catch { /* not a form */ }
      return all.find((s) => s.model.metadata.protocol === 'query' && action && s.model.operation(action)) ?? this.deps.registry.forScope('sts');
    }
    return this.deps.registry.forScope('s3') ?? this.deps.registry.forScope('sts');
  }

  private internalFailure(e: unknown, requestId: string): AwsError {
    this.deps.logger.error('internal failure', { requestId, error: e instanceof Error ? e.stack : String(e) });
    return new AwsError('InternalFailure', `The request processing has failed because of an unknown error, exception or failure. (Request ID: ${requestId})`, 500);
  }
}

/**
 * A refusal in the service's own words: S3 says only "Access Denied", SNS answers AuthorizationError,
 * query services AccessDenied, JSON ones AccessDeniedException. `plainMessage` keeps the full
 * message even for S3 (a console user's own refusal, which S3's wire never carries).
 */
function deniedError(service: ServiceDefinition, message: string, plainMessage = false): AwsError {
  const protocol = service.model.metadata.protocol;
  const code = service.accessDeniedCode ?? (protocol === 'query' || protocol === 'rest-xml' ? 'AccessDenied' : 'AccessDeniedException');
  const text = protocol === 'rest-xml' && !plainMessage ? 'Access Denied' : `${service.accessDeniedPrefix ?? ''}${message}`;
  return new AwsError(code, text, protocol === 'json' ? 400 : 403);
}

function safeResolve(service: ServiceDefinition, req: RawRequest, protocol: Protocol): string | undefined {
  try {
    return resolveOperation(service.model, req, undefined, protocol).op.name;
  } catch {
    return undefined;
  }
}

function unknownServiceResponse(requestId: string, name: string | undefined): RawResponse {
  const message = name ? `chattrail does not serve the service '${name}'` : 'Request is missing Authentication Token';
  return {
    status: name ? 400 : 403,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${name ? 'UnrecognizedService' : 'MissingAuthenticationToken'}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** Services answering in rest-xml among those chattrail does not serve (the rest of the REST ones speak rest-json). */
const REST_XML_SERVICES = new Set(['route53', 'cloudfront', 's3-outposts', 'route53domains']);

/**
 * A signed request for a service nobody here serves, answered in the protocol the client speaks
 * (guessed from its headers, as protocolOf does for a model), so the AWS CLI and the SDKs print the
 * message instead of failing to parse it: the service and the setting that would forward it.
 */
function unservedServiceResponse(requestId: string, name: string, req: PendingRequest): RawResponse {
  const h = req.headers;
  const ctype = h['content-type'] ?? '';
  const protocol: Protocol = h['smithy-protocol'] === 'rpc-v2-cbor' ? 'smithy-rpc-v2-cbor'
    : h['x-amz-target'] !== undefined ? 'json'
    : ctype.startsWith('application/x-www-form-urlencoded') || req.query.has('Action') ? (name === 'ec2' ? 'ec2' : 'query')
    : REST_XML_SERVICES.has(name) ? 'rest-xml' : 'rest-json';
  const model = modelFromDescription(name, {
    metadata: { apiVersion: '', endpointPrefix: name, protocol, serviceId: name, jsonVersion: ctype.includes('1.0') ? '1.0' : '1.1' },
    operations: {}, shapes: {},
  });
  const err = new AwsError('UnrecognizedService', `chattrail does not serve '${name}': it is not emulated here and no backend emulator serves it. `
    + 'Start chattrail with CHATTRAIL_BACKEND=moto (or CHATTRAIL_BACKEND_URL=<an AWS emulator>) to forward the services it does not emulate.', 400);
  return serializeError(model, err, requestId, req.method, protocol);
}
