// The embedded SNS: the query API (topics, http/https subscriptions, Publish), chattrail's
// /_chattrail/sns/ endpoints (certificate, SubscribeURL, UnsubscribeURL), and the TopicPublisher
// AWS services inside chattrail (trail delivery) publish their notifications through.
import { loadModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import type { Module, ModuleDeps } from '../../core/module.js';
import type { Grant, TopicPublisher } from '../../core/capabilities.js';
import { UNSCOPED, type ResolvedResource, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { HttpDeliverer } from './delivery.js';
import { OutboundGuard } from '../../net/outbound.js';
import { SnsEngine } from './engine.js';
import { topicPolicyDecision } from './policy.js';
import { publishHandlers } from './publish.js';
import { snsRecording } from './recording.js';
import { snsRoute } from './routes.js';
import { SnsSigner } from './signing.js';
import { parseSubscriptionArn, parseTopicArn, SnsStore, topicArnOf } from './store.js';
import { subscriptionHandlers } from './subscriptions.js';
import { topicHandlers } from './topics.js';

const TOPIC_OPS = new Set(['DeleteTopic', 'GetTopicAttributes', 'SetTopicAttributes', 'Subscribe', 'ConfirmSubscription',
  'ListSubscriptionsByTopic', 'Publish', 'AddPermission', 'RemovePermission', 'GetDataProtectionPolicy', 'PutDataProtectionPolicy']);
const SUBSCRIPTION_OPS = new Set(['Unsubscribe', 'GetSubscriptionAttributes', 'SetSubscriptionAttributes']);
const TAG_OPS = new Set(['TagResource', 'UntagResource', 'ListTagsForResource']);

/**
 * The resource IAM policies are evaluated against (and AccessDenied messages name): the topic or
 * subscription the call names, owned by the account in its ARN. An ARN SNS cannot read (another
 * partition, another kind of resource) is SNS's InvalidParameter before any policy sees it.
 */
function snsResolver(store: SnsStore): ResourceResolver {
  return async (op, input, ctx) => {
    const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const invalid = (member: string) => new AwsError('InvalidParameter', `Invalid parameter: ${member}`);
    const topic = async (arn: string, member: string): Promise<ResolvedResource[]> => {
      const ref = parseTopicArn(arn);
      if (!ref) throw invalid(member);
      return [{ arn: (await store.getTopic(ref))?.arn ?? topicArnOf(ref), accountId: ref.accountId }];
    };
    if (op === 'CreateTopic' && str(input.Name)) return [{ arn: `arn:aws:sns:${ctx.region}:${ctx.accountId}:${String(input.Name)}`, accountId: ctx.accountId }];
    if (TOPIC_OPS.has(op)) {
      for (const member of ['TopicArn', 'TargetArn', 'ResourceArn']) if (str(input[member])) return topic(String(input[member]), member);
      return UNSCOPED;
    }
    if (TAG_OPS.has(op)) return topic(str(input.ResourceArn) ?? '', 'ResourceArn');
    if (SUBSCRIPTION_OPS.has(op)) {
      const arn = str(input.SubscriptionArn) ?? '';
      const ref = parseSubscriptionArn(arn);
      if (!ref) throw invalid('SubscriptionArn');
      return [{ arn, accountId: ref.accountId }];
    }
    return [{ arn: `arn:aws:sns:${ctx.region}:${ctx.accountId}:*`, accountId: ctx.accountId }];
  };
}

/** Topics as a capability: whether a service may publish to one by its policy, and publishing. */
function topicPublisher(store: SnsStore, engine: SnsEngine): TopicPublisher {
  return {
    async servicePublishGrant(topicArn, publisher): Promise<Grant | 'invalid'> {
      const ref = parseTopicArn(topicArn);
      if (!ref) return 'invalid';
      const topic = await store.getTopic(ref);
      if (!topic) return 'missing';
      const decision = topicPolicyDecision(topic.attributes.Policy ?? '', topic.arn, 'SNS:Publish',
        { arn: publisher.service, accountId: publisher.sourceAccount, type: 'AWSService', service: publisher.service },
        { 'aws:SourceArn': publisher.sourceArn, 'aws:SourceAccount': publisher.sourceAccount });
      return decision === 'Allow' ? 'allowed' : 'refused';
    },
    async publish(topicArn, message, subject) {
      const ref = parseTopicArn(topicArn);
      const topic = ref && await store.getTopic(ref);
      if (!topic) throw new AwsError('NotFound', 'Topic does not exist');
      return engine.publish(topic, { message, subject });
    },
  };
}

export function snsModule(deps: ModuleDeps): Module {
  const model = loadModel('sns');
  const store = new SnsStore(deps.stores.documents);
  const outbound = new OutboundGuard(deps.config.allowPrivateEndpoints);
  const deliverer = new HttpDeliverer({ logger: deps.logger, outbound });
  let signer: Promise<SnsSigner> | undefined;
  const loadSigner = (): Promise<SnsSigner> => {
    signer ??= SnsSigner.load(deps.config.dataDir, deps.clock.now()).catch((e: unknown) => {
      signer = undefined; // try again on the next message rather than never signing again
      throw e;
    });
    return signer;
  };
  // Endpoints must reach chattrail the way users do: the public URL when one is configured.
  const baseUrl = () => (deps.config.publicUrl ?? deps.baseUrl()).replace(/\/+$/, '');
  const engine = new SnsEngine({ store, clock: deps.clock, ids: deps.ids, deliverer, signer: loadSigner, baseUrl, outbound });
  const handlerDeps = { store, engine };
  const service: ServiceDefinition = {
    model,
    handlers: { ...topicHandlers(handlerDeps), ...subscriptionHandlers(handlerDeps), ...publishHandlers(handlerDeps) },
    recording: snsRecording,
    // SNS spells its action prefix in capitals in policies and AccessDenied messages.
    actionPrefix: 'SNS',
    // SNS answers an IAM denial with its own code (the model's AuthorizationErrorException).
    accessDeniedCode: 'AuthorizationError',
    resolveResources: snsResolver(store),
  };
  return {
    name: 'sns',
    services: [service],
    routes: [snsRoute({ model, engine, ids: deps.ids, signer: loadSigner })],
    topics: topicPublisher(store, engine),
    serviceEndpoints: engine,
    async start() {
      await loadSigner();
    },
    async stop() {
      await deliverer.stop();
    },
  };
}
