// SNS's moving parts shared by the API handlers, chattrail's confirm/unsubscribe URLs and the
// TopicSink: publishing to a topic's confirmed http(s) subscriptions, the confirmation handshake,
// unsubscribing, and the delivery policies that govern retries.
import { AwsError } from '../../protocol/errors.js';
import type { ServiceEndpoints, ServiceNotification } from '../../core/module.js';
import type { Clock, Ids } from '../../common/runtime.js';
import type { SnsSigner } from './signing.js';
import { confirmationMessage, notificationFor, signNotification, type MessageAttribute, type SignedNotification, type SigningContext } from './messages.js';
import { DEFAULT_RETRY, type HttpDeliverer, type RetryPolicy } from './delivery.js';
import { OutboundGuard } from '../../net/outbound.js';
import { hashToken, parseSubscriptionArn, parseTopicArn, TOKEN_LIFETIME_MS, type SnsStore, type SubscriptionDoc, type TopicDoc, type TopicRef } from './store.js';

export const ROUTE_PREFIX = '/_chattrail/sns/';

export interface EngineDeps {
  store: SnsStore;
  clock: Clock;
  ids: Ids;
  deliverer: Pick<HttpDeliverer, 'deliver'>;
  signer(): Promise<SnsSigner>;
  /** Where endpoints reach chattrail (SubscribeURL, UnsubscribeURL, SigningCertURL). */
  baseUrl(): string;
  /** Where http(s) endpoints may point (the deliverer enforces it on every POST); default: public only. */
  outbound?: Pick<OutboundGuard, 'urlRefusal'>;
}

export interface PublishRequest {
  message: string;
  subject?: string;
  /** `json`: `message` is a JSON object of per-protocol messages with a `default`. */
  structure?: string;
  attributes?: Record<string, MessageAttribute>;
}

const DEFAULT_EFFECTIVE_POLICY = {
  http: {
    defaultHealthyRetryPolicy: { ...pick(DEFAULT_RETRY), numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0 },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' },
  },
};

function pick(p: RetryPolicy) {
  return { minDelayTarget: p.minDelayTarget, maxDelayTarget: p.maxDelayTarget, numRetries: p.numRetries, backoffFunction: p.backoffFunction };
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

export class SnsEngine implements ServiceEndpoints {
  /** Endpoints served inside chattrail (AWS Chatbot's): confirmed at once, delivered in process. */
  private readonly serviceEndpoints = new Map<string, (n: ServiceNotification) => Promise<void>>();
  private readonly outbound: Pick<OutboundGuard, 'urlRefusal'>;
  constructor(private readonly deps: EngineDeps) {
    this.outbound = deps.outbound ?? new OutboundGuard();
  }

  /**
   * Subscribe's early answer for an endpoint whose host is an IP literal chattrail may not reach
   * (AWS says "Unreachable Endpoint" for endpoints it cannot reach). Names are only judged when
   * dialled: resolving them here would hand tenants a probe of the operator's DNS.
   */
  endpointRefusal(endpoint: string): string | undefined {
    return this.serviceEndpoints.has(endpoint) ? undefined : this.outbound.urlRefusal(endpoint);
  }

  register(endpoint: string, deliver: (n: ServiceNotification) => Promise<void>): void {
    this.serviceEndpoints.set(endpoint, deliver);
  }

  signingCertUrl(): string { return `${this.deps.baseUrl()}${ROUTE_PREFIX}SimpleNotificationService.pem`; }
  confirmUrl(topicArn: string, token: string): string {
    return `${this.deps.baseUrl()}${ROUTE_PREFIX}confirm?TopicArn=${encodeURIComponent(topicArn)}&Token=${encodeURIComponent(token)}`;
  }
  unsubscribeUrl(subscriptionArn: string): string {
    return `${this.deps.baseUrl()}${ROUTE_PREFIX}unsubscribe?SubscriptionArn=${encodeURIComponent(subscriptionArn)}`;
  }

  /** The topic's EffectiveDeliveryPolicy: SNS's defaults overlaid with its DeliveryPolicy. */
  effectiveDeliveryPolicy(topic: TopicDoc): Json {
    const mine = asObject(parseJson(topic.attributes.DeliveryPolicy));
    const http = asObject(mine.http);
    return {
      ...mine,
      http: {
        ...DEFAULT_EFFECTIVE_POLICY.http, ...http,
        defaultHealthyRetryPolicy: { ...DEFAULT_EFFECTIVE_POLICY.http.defaultHealthyRetryPolicy, ...asObject(http.defaultHealthyRetryPolicy) },
      },
    };
  }

  retryPolicyFor(topic: TopicDoc, sub: SubscriptionDoc): RetryPolicy {
    const http = asObject(this.effectiveDeliveryPolicy(topic).http);
    let policy = asObject(http.defaultHealthyRetryPolicy);
    const own = asObject(asObject(parseJson(sub.attributes.DeliveryPolicy)).healthyRetryPolicy);
    if (http.disableSubscriptionOverrides !== true) policy = { ...policy, ...own };
    const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
    return {
      numRetries: num(policy.numRetries, DEFAULT_RETRY.numRetries), minDelayTarget: num(policy.minDelayTarget, DEFAULT_RETRY.minDelayTarget),
      maxDelayTarget: num(policy.maxDelayTarget, DEFAULT_RETRY.maxDelayTarget), backoffFunction: String(policy.backoffFunction ?? 'linear'),
    };
  }

  private async signing(topic: TopicDoc): Promise<SigningContext> {
    return { signer: await this.deps.signer(), signatureVersion: topic.attributes.SignatureVersion === '1' ? '1' : '2', signingCertUrl: this.signingCertUrl() };
  }

  private stillActive(sub: SubscriptionDoc, status: SubscriptionDoc['status']): () => Promise<boolean> {
    return async () => (await this.deps.store.subscriptionByArn(sub.arn))?.status === status;
  }

  /** Issues a fresh token and sends the (Un)SubscriptionConfirmation; returns the stored subscription. */
  async requestConfirmation(topic: TopicDoc, sub: SubscriptionDoc, type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation'): Promise<SubscriptionDoc> {
    if (this.serviceEndpoints.has(sub.endpoint)) {
      // An AWS service's own endpoint needs no handshake: subscribing confirms, unsubscribing removes.
      if (type === 'UnsubscribeConfirmation') {
        await this.deps.store.deleteSubscription(sub.arn);
        return sub;
      }
      const confirmed: SubscriptionDoc = { ...sub, status: 'confirmed', confirmationWasAuthenticated: true };
      await this.deps.store.putSubscription(confirmed);
      return confirmed;
    }
    const token = Buffer.from(this.deps.ids.secret(64) + this.deps.ids.secret(64)).toString('hex').slice(0, 256);
    const now = this.deps.clock.now();
    const updated: SubscriptionDoc = { ...sub, tokenHash: hashToken(token), tokenIssuedAt: now };
    await this.deps.store.putSubscription(updated);
    const msg = confirmationMessage(await this.signing(topic), {
      type, messageId: this.deps.ids.uuid(), token, topicArn: topic.arn, subscriptionArn: sub.arn, endpoint: sub.endpoint,
      subscribeUrl: this.confirmUrl(topic.arn, token), timestamp: now,
    });
    this.deps.deliverer.deliver(msg, this.retryPolicyFor(topic, sub), this.stillActive(updated, updated.status));
    return updated;
  }

  /** ConfirmSubscription (API call or SubscribeURL): returns the subscription ARN. */
  async confirm(topicArn: string, token: string, authenticated: boolean, authenticateOnUnsubscribe: boolean): Promise<string> {
    const ref = parseTopicArn(topicArn);
    if (!ref) throw new AwsError('InvalidParameter', 'Invalid parameter: TopicArn');
    if (!(await this.deps.store.getTopic(ref))) throw new AwsError('NotFound', 'Topic does not exist');
    const now = this.deps.clock.now();
    const hash = hashToken(token);
    const sub = (await this.deps.store.subscriptionsOf(ref, now)).find((s) => s.tokenHash === hash
      && s.tokenIssuedAt !== undefined && now.getTime() - s.tokenIssuedAt.getTime() <= TOKEN_LIFETIME_MS);
    if (!sub) throw new AwsError('InvalidParameter', 'Invalid parameter: Token');
    await this.deps.store.updateSubscription(sub.arn, (cur) => cur && {
      ...cur, status: 'confirmed', deletedAt: undefined, confirmationWasAuthenticated: authenticated,
      authenticateOnUnsubscribe: authenticated && authenticateOnUnsubscribe,
    });
    return sub.arn;
  }

  /** Unsubscribe: `caller` is the account of an authenticated call, undefined for the UnsubscribeURL. */
  async unsubscribe(subscriptionArn: string, caller: string | undefined): Promise<TopicRef> {
    const ref = parseSubscriptionArn(subscriptionArn);
    if (!ref) throw new AwsError('InvalidParameter', 'Invalid parameter: SubscriptionArn');
    const sub = await this.deps.store.getSubscription(ref, ref.id);
    if (!sub || sub.status === 'deleted') throw new AwsError('NotFound', 'Subscription does not exist');
    if (caller === undefined && sub.authenticateOnUnsubscribe) {
      throw new AwsError('AuthorizationError', 'Unsubscribe of this subscription requires an authenticated request');
    }
    if (caller !== undefined && caller !== sub.owner && caller !== ref.accountId) {
      throw new AwsError('AuthorizationError', `Account ${caller} is not authorized to unsubscribe ${subscriptionArn}`);
    }
    const topic = await this.deps.store.getTopic(ref);
    if (sub.status === 'pending' || !topic) {
      await this.deps.store.deleteSubscription(subscriptionArn);
      return ref;
    }
    // A confirmed http(s) subscription is told, and may be restored with the token it gets.
    const deleted: SubscriptionDoc = { ...sub, status: 'deleted', deletedAt: this.deps.clock.now() };
    await this.requestConfirmation(topic, deleted, 'UnsubscribeConfirmation');
    return ref;
  }

  /** Publishes to every confirmed http(s) subscription; delivery runs in the background. */
  async publish(topic: TopicDoc, req: PublishRequest): Promise<string> {
    const messageId = this.deps.ids.uuid();
    const now = this.deps.clock.now();
    const perProtocol = req.structure === 'json' ? parsePerProtocol(req.message) : undefined;
    const subs = (await this.deps.store.subscriptionsOf(topic, now)).filter((s) => s.status === 'confirmed');
    if (!subs.length) return messageId;
    const signing = await this.signing(topic);
    const signed = new Map<string, SignedNotification>();
    const headerType = asObject(asObject(asObject(this.effectiveDeliveryPolicy(topic).http).defaultRequestPolicy)).headerContentType;
    for (const sub of subs) {
      const text = perProtocol ? (perProtocol[sub.protocol] ?? perProtocol.default) : req.message;
      const inProcess = this.serviceEndpoints.get(sub.endpoint);
      if (inProcess) {
        // The receiving service logs its own failures; a rejection must not escape into Publish.
        inProcess({ topicArn: topic.arn, messageId, subject: req.subject, message: text, timestamp: now }).catch(() => undefined);
        continue;
      }
      let n = signed.get(text);
      if (!n) {
        n = signNotification(signing, { messageId, topicArn: topic.arn, subject: req.subject, message: text, timestamp: now, attributes: req.attributes });
        signed.set(text, n);
      }
      const msg = notificationFor(n, { arn: sub.arn, endpoint: sub.endpoint, raw: sub.attributes.RawMessageDelivery === 'true' }, this.unsubscribeUrl(sub.arn));
      if (typeof headerType === 'string' && headerType) msg.headers['content-type'] = headerType;
      this.deps.deliverer.deliver(msg, this.retryPolicyFor(topic, sub), this.stillActive(sub, 'confirmed'));
    }
    return messageId;
  }
}

function parseJson(text: string | undefined): unknown {
  if (!text) return undefined;
  try { return JSON.parse(text); } catch { return undefined; }
}

/** MessageStructure=json: an object of strings with a `default` entry, or InvalidParameter. */
export function parsePerProtocol(message: string): Record<string, string> {
  const parsed = parseJson(message);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('InvalidParameter', 'Invalid parameter: Message Structure - JSON message body failed to parse');
  }
  const obj = parsed as Json;
  if (typeof obj.default !== 'string') throw new AwsError('InvalidParameter', 'Invalid parameter: Message Structure - No default entry in JSON message body');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) if (typeof v === 'string') out[k] = v;
  return out;
}
