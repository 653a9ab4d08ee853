// The embedded SNS: the query API (topics, http/https subscriptions, Publish), chattrail's
// /_chattrail/sns/ endpoints (certificate, SubscribeURL, UnsubscribeURL), and the TopicSink that
// trail delivery publishes its notifications through.
import { loadModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import type { Module, ModuleDeps } from '../../server/module.js';
import type { DeliveryCheck, TopicSink } from '../../trail/sinks.js';
import type { CallContext, ServiceDefinition } from '../types.js';
import { HttpDeliverer } from './delivery.js';
import { SnsEngine } from './engine.js';
import { topicPolicyDecision } from './policy.js';
import { publishHandlers } from './publish.js';
import { snsRecording } from './recording.js';
import { snsRoute } from './routes.js';
import { SnsSigner } from './signing.js';
import { parseTopicArn, SnsStore } from './store.js';
import { subscriptionHandlers } from './subscriptions.js';
import { topicHandlers } from './topics.js';

const TOPIC_OPS = new Set(['DeleteTopic', 'GetTopicAttributes', 'SetTopicAttributes', 'Subscribe', 'ConfirmSubscription',
  'ListSubscriptionsByTopic', 'Publish', 'AddPermission', 'RemovePermission', 'GetDataProtectionPolicy', 'PutDataProtectionPolicy']);
const SUBSCRIPTION_OPS = new Set(['Unsubscribe', 'GetSubscriptionAttributes', 'SetSubscriptionAttributes']);
const TAG_OPS = new Set(['TagResource', 'UntagResource', 'ListTagsForResource']);

/** The resource IAM policies are evaluated against (and AccessDenied messages name). */
function resourceOf(op: string, input: Record<string, unknown>, ctx: CallContext): string {
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  if (TOPIC_OPS.has(op)) return str(input.TopicArn) ?? str(input.TargetArn) ?? str(input.ResourceArn) ?? '*';
  if (SUBSCRIPTION_OPS.has(op)) return str(input.SubscriptionArn) ?? '*';
  if (TAG_OPS.has(op)) return str(input.ResourceArn) ?? '*';
  return `arn:aws:sns:${ctx.region}:${ctx.accountId}:*`;
}

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';
const NO_TOPIC = 'SNS Topic does not exist or the topic policy is incorrect!';

function topicSink(store: SnsStore, engine: SnsEngine): TopicSink {
  return {
    async checkPublish(topicArn, source): Promise<DeliveryCheck> {
      const ref = parseTopicArn(topicArn);
      if (!ref) return { ok: false, code: 'InvalidSnsTopicNameException', message: `SNS Topic name ${topicArn} is not valid.` };
      const topic = await store.getTopic(ref);
      if (!topic) return { ok: false, code: 'InsufficientSnsTopicPolicyException', message: NO_TOPIC };
      const decision = topicPolicyDecision(topic.attributes.Policy ?? '', topic.arn, 'SNS:Publish',
        { arn: CLOUDTRAIL, accountId: source.accountId, type: 'AWSService', service: CLOUDTRAIL },
        { 'aws:SourceArn': source.trailArn, 'aws:SourceAccount': source.accountId });
      return decision === 'Allow' ? { ok: true } : { ok: false, code: 'InsufficientSnsTopicPolicyException', message: NO_TOPIC };
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
  const deliverer = new HttpDeliverer({ logger: deps.logger });
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
  const engine = new SnsEngine({ store, clock: deps.clock, ids: deps.ids, deliverer, signer: loadSigner, baseUrl });
  const handlerDeps = { store, engine };
  const service: ServiceDefinition = {
    model,
    handlers: { ...topicHandlers(handlerDeps), ...subscriptionHandlers(handlerDeps), ...publishHandlers(handlerDeps) },
    recording: snsRecording,
    // SNS spells its action prefix in capitals in policies and AccessDenied messages.
    actionPrefix: 'SNS',
    // SNS answers an IAM denial with its own code (the model's AuthorizationErrorException).
    accessDeniedCode: 'AuthorizationError',
    resourceOf,
  };
  return {
    name: 'sns',
    services: [service],
    routes: [snsRoute({ model, engine, ids: deps.ids, signer: loadSigner })],
    topics: topicSink(store, engine),
    serviceEndpoints: engine,
    async start() {
      await loadSigner();
    },
    async stop() {
      await deliverer.stop();
    },
  };
}
