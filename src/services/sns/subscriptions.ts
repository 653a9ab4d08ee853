// SNS subscription operations: Subscribe (http/https, with the confirmation handshake),
// ConfirmSubscription, Unsubscribe, the two listings, and Get/SetSubscriptionAttributes.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { parseSubscriptionArn, type SubscriptionDoc } from './store.js';
import { jsonObjectOrThrow, pages, requireTopic, type SnsHandlerDeps } from './topics.js';

const KNOWN_PROTOCOLS = new Set(['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose']);
const UNSUPPORTED_ATTRIBUTES = new Set(['FilterPolicy', 'FilterPolicyScope', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy']);
const PENDING = 'pending confirmation';

function checkSubscriptionAttribute(name: string, value: string, creating: boolean): void {
  if (UNSUPPORTED_ATTRIBUTES.has(name)) {
    throw new AwsError('InvalidParameter', `Invalid parameter: Attributes Reason: chattrail does not support the subscription attribute ${name}`);
  }
  if (name === 'RawMessageDelivery') {
    if (value !== 'true' && value !== 'false') throw new AwsError('InvalidParameter', 'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
    return;
  }
  if (name === 'DeliveryPolicy') return jsonObjectOrThrow(value, 'DeliveryPolicy');
  throw new AwsError('InvalidParameter', creating ? `Invalid parameter: Attributes Reason: Unknown attribute ${name}` : 'Invalid parameter: AttributeName');
}

function checkEndpoint(protocol: string, endpoint: string | undefined, engine: SnsHandlerDeps['engine']): string {
  if (!KNOWN_PROTOCOLS.has(protocol)) throw new AwsError('InvalidParameter', `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`);
  if (protocol !== 'http' && protocol !== 'https') {
    throw new AwsError('InvalidParameter', `Invalid parameter: Protocol Reason: chattrail delivers to http and https endpoints only, not ${protocol}`);
  }
  let url: URL | undefined;
  try { url = endpoint ? new URL(endpoint) : undefined; } catch { url = undefined; }
  if (!url || url.protocol !== `${protocol}:`) throw new AwsError('InvalidParameter', 'Invalid parameter: Endpoint must match the specified protocol');
  // A literal address chattrail may not reach is refused now; deliveries are judged again anyway.
  if (engine.endpointRefusal(endpoint!)) throw new AwsError('InvalidParameter', 'Invalid parameter: Unreachable Endpoint');
  return endpoint!;
}

function listed(s: SubscriptionDoc) {
  return { SubscriptionArn: s.status === 'pending' ? 'PendingConfirmation' : s.arn, Owner: s.owner, Protocol: s.protocol, Endpoint: s.endpoint, TopicArn: s.topicArn };
}

const sameAttributes = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

export function subscriptionHandlers(deps: SnsHandlerDeps): Record<string, Handler> {
  const { store, engine } = deps;

  /** The live subscription an ARN names, to its owner or its topic's owner. */
  async function ownSubscription(arn: string, ctx: CallContext): Promise<SubscriptionDoc> {
    const ref = parseSubscriptionArn(arn);
    if (!ref || ref.region !== ctx.region) throw new AwsError('InvalidParameter', 'Invalid parameter: SubscriptionArn');
    const sub = await store.getSubscription(ref, ref.id);
    if (!sub || sub.status === 'deleted') throw new AwsError('NotFound', 'Subscription does not exist');
    ctx.addResource('AWS::SNS::Topic', sub.topicArn, ref.accountId);
    if (ctx.accountId !== sub.owner && ctx.accountId !== ref.accountId) {
      throw new AwsError('AuthorizationError', `User: ${ctx.principal.arn} is not authorized to access subscription ${arn}`);
    }
    return sub;
  }

  return {
    async Subscribe(input: { TopicArn: string; Protocol: string; Endpoint?: string; Attributes?: Record<string, string>; ReturnSubscriptionArn?: boolean }, ctx: CallContext) {
      const topic = await requireTopic(deps, input.TopicArn, ctx, 'SNS:Subscribe');
      const endpoint = checkEndpoint(input.Protocol, input.Endpoint, engine);
      if (topic.fifo) throw new AwsError('InvalidParameter', `Invalid parameter: Invalid protocol type: ${input.Protocol}`);
      const attributes = { ...input.Attributes };
      for (const [k, v] of Object.entries(attributes)) checkSubscriptionAttribute(k, v, true);
      const now = ctx.clock.now();
      const existing = (await store.subscriptionsOf(topic, now))
        .find((s) => s.status !== 'deleted' && s.protocol === input.Protocol && s.endpoint === endpoint);
      if (existing) {
        if (input.Attributes && !sameAttributes(attributes, existing.attributes)) {
          throw new AwsError('InvalidParameter', 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
        }
        if (existing.status === 'confirmed') return { SubscriptionArn: existing.arn };
        // Subscribing again while pending sends a new confirmation, as SNS does.
        await engine.requestConfirmation(topic, existing, 'SubscriptionConfirmation');
        return { SubscriptionArn: input.ReturnSubscriptionArn ? existing.arn : PENDING };
      }
      const sub: SubscriptionDoc = {
        arn: `${topic.arn}:${ctx.ids.uuid()}`, topicArn: topic.arn, owner: ctx.accountId, principalArn: ctx.principal.arn,
        protocol: input.Protocol, endpoint, status: 'pending', confirmationWasAuthenticated: false, authenticateOnUnsubscribe: false,
        attributes, createdAt: now,
      };
      await engine.requestConfirmation(topic, sub, 'SubscriptionConfirmation');
      return { SubscriptionArn: input.ReturnSubscriptionArn ? sub.arn : PENDING };
    },

    async ConfirmSubscription(input: { TopicArn: string; Token: string; AuthenticateOnUnsubscribe?: string }, ctx: CallContext) {
      const arn = await engine.confirm(input.TopicArn, input.Token, true, input.AuthenticateOnUnsubscribe === 'true');
      ctx.addResource('AWS::SNS::Topic', input.TopicArn);
      return { SubscriptionArn: arn };
    },

    async Unsubscribe(input: { SubscriptionArn: string }, ctx: CallContext) {
      const ref = parseSubscriptionArn(input.SubscriptionArn);
      if (!ref || ref.region !== ctx.region) throw new AwsError('InvalidParameter', 'Invalid parameter: SubscriptionArn');
      ctx.addResource('AWS::SNS::Topic', input.SubscriptionArn.slice(0, input.SubscriptionArn.lastIndexOf(':')), ref.accountId);
      try {
        await engine.unsubscribe(input.SubscriptionArn, ctx.accountId);
      } catch (e) {
        // SNS answers success for a subscription that is already gone (a retried Unsubscribe).
        if (!(e instanceof AwsError && e.code === 'NotFound')) throw e;
      }
      return {};
    },

    async ListSubscriptions(input: object, ctx: CallContext) {
      const all = await store.subscriptionsOwnedBy(ctx.accountId, ctx.region);
      const page = pages.list('ListSubscriptions', input, ctx, all, (s) => s.arn, { parent: ctx.region });
      return page.output(page.items.map(listed));
    },

    async ListSubscriptionsByTopic(input: { TopicArn: string }, ctx: CallContext) {
      const topic = await requireTopic(deps, input.TopicArn, ctx, 'SNS:ListSubscriptionsByTopic');
      // A topic's tokens are its own: one from another topic's listing is refused.
      const all = (await store.subscriptionsOf(topic, ctx.clock.now())).filter((s) => s.status !== 'deleted');
      const page = pages.list('ListSubscriptionsByTopic', input, ctx, all, (s) => s.arn, { parent: topic.arn });
      return page.output(page.items.map(listed));
    },

    async GetSubscriptionAttributes(input: { SubscriptionArn: string }, ctx: CallContext) {
      const sub = await ownSubscription(input.SubscriptionArn, ctx);
      const topic = await store.getTopic(parseSubscriptionArn(sub.arn)!);
      const retry = topic ? engine.retryPolicyFor(topic, sub) : undefined;
      return {
        Attributes: {
          Owner: sub.owner, RawMessageDelivery: 'false', TopicArn: sub.topicArn, Endpoint: sub.endpoint, Protocol: sub.protocol,
          PendingConfirmation: String(sub.status === 'pending'), ConfirmationWasAuthenticated: String(sub.confirmationWasAuthenticated),
          SubscriptionArn: sub.arn, SubscriptionPrincipal: sub.principalArn ?? `arn:aws:iam::${sub.owner}:root`,
          ...(retry ? { EffectiveDeliveryPolicy: JSON.stringify({ healthyRetryPolicy: retry }) } : {}),
          ...sub.attributes,
        },
      };
    },

    async SetSubscriptionAttributes(input: { SubscriptionArn: string; AttributeName: string; AttributeValue?: string }, ctx: CallContext) {
      const sub = await ownSubscription(input.SubscriptionArn, ctx);
      const value = input.AttributeValue ?? '';
      const reset = value === '' && input.AttributeName === 'DeliveryPolicy';
      if (!reset) checkSubscriptionAttribute(input.AttributeName, value, false);
      await store.updateSubscription(sub.arn, (cur) => {
        if (!cur) return cur;
        const attributes = { ...cur.attributes };
        if (reset) delete attributes[input.AttributeName];
        else attributes[input.AttributeName] = value;
        return { ...cur, attributes };
      });
      return {};
    },
  };
}
