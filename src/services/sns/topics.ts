// SNS topic operations: CreateTopic (idempotent by name), DeleteTopic, ListTopics, Get/Set topic
// attributes (with policy validation) and topic tags. Shared lookups used by the other handlers.
import { AwsError } from '../../protocol/errors.js';
import { mergeTags, removeTags, type TagPolicy } from '../shared/tags.js';
import { Pages, readAhead } from '../shared/pagination.js';
import type { CallContext, Handler } from '../../core/service.js';
import { authorizeOnTopic, defaultTopicPolicy, validateTopicPolicy } from './policy.js';
import { parseTopicArn, topicArnOf, type SnsStore, type Tag, type TopicDoc, type TopicRef } from './store.js';
import type { SnsEngine } from './engine.js';

export interface SnsHandlerDeps {
  store: SnsStore;
  engine: SnsEngine;
}

const FEEDBACK_ATTRIBUTE = /^(HTTP|HTTPS|Application|Firehose|Lambda|SQS)(SuccessFeedbackRoleArn|FailureFeedbackRoleArn|SuccessFeedbackSampleRate)$/;
const SETTABLE = new Set(['DisplayName', 'Policy', 'DeliveryPolicy', 'KmsMasterKeyId', 'SignatureVersion', 'TracingConfig',
  'ContentBasedDeduplication', 'FifoThroughputScope', 'ArchivePolicy', 'DataProtectionPolicy']);

export function topicRefOf(arn: string | undefined, ctx: CallContext, member = 'TopicArn'): TopicRef {
  const ref = arn === undefined ? undefined : parseTopicArn(arn);
  // An ARN from another region names a topic this regional endpoint cannot see.
  if (!ref || ref.region !== ctx.region) throw new AwsError('InvalidParameter', `Invalid parameter: ${member}`);
  return ref;
}

/** The topic an ARN names, after the topic policy check for `action`; NotFound when absent. */
export async function requireTopic(deps: SnsHandlerDeps, arn: string | undefined, ctx: CallContext, action: string): Promise<TopicDoc> {
  const topic = await deps.store.getTopic(topicRefOf(arn, ctx));
  if (!topic) throw new AwsError('NotFound', 'Topic does not exist');
  ctx.addResource('AWS::SNS::Topic', topic.arn, topic.accountId);
  authorizeOnTopic(topic, action, ctx.principal);
  return topic;
}

export function jsonObjectOrThrow(text: string, attribute: string): void {
  let v: unknown;
  try { v = JSON.parse(text); } catch { v = undefined; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new AwsError('InvalidParameter', `Invalid parameter: ${attribute}: failed to parse JSON`);
}

/** Checks one attribute as SetTopicAttributes / CreateTopic receive it. */
function checkAttribute(name: string, value: string, fifo: boolean, creating: boolean): void {
  if (creating && name === 'FifoTopic') return;
  if (!SETTABLE.has(name) && !FEEDBACK_ATTRIBUTE.test(name)) {
    throw new AwsError('InvalidParameter', creating ? `Invalid parameter: Attributes Reason: Unknown attribute ${name}` : 'Invalid parameter: AttributeName');
  }
  const bad = (why?: string) => new AwsError('InvalidParameter', `Invalid parameter: ${name}${why ? ` Reason: ${why}` : ''}`);
  switch (name) {
    case 'Policy': validateTopicPolicy(value); break;
    case 'DeliveryPolicy': jsonObjectOrThrow(value, name); break;
    case 'DisplayName': if (value.length > 100) throw bad('DisplayName must be at most 100 characters'); break;
    case 'SignatureVersion': if (value !== '1' && value !== '2') throw bad('SignatureVersion must be 1 or 2'); break;
    case 'TracingConfig': if (value !== 'PassThrough' && value !== 'Active') throw bad(); break;
    case 'ContentBasedDeduplication':
      if (!fifo) throw bad('Content-based deduplication can only be set for FIFO topics');
      if (value !== 'true' && value !== 'false') throw bad();
      break;
    case 'FifoThroughputScope': case 'ArchivePolicy':
      if (!fifo) throw bad(`${name} can only be set for FIFO topics`);
      break;
  }
}

function validateName(name: string, fifo: boolean): void {
  const base = name.endsWith('.fifo') ? name.slice(0, -5) : name;
  if (!/^[A-Za-z0-9_-]+$/.test(base) || name.length > 256) throw new AwsError('InvalidParameter', 'Invalid parameter: Topic Name');
  if (fifo !== name.endsWith('.fifo')) {
    throw new AwsError('InvalidParameter', 'Invalid parameter: Fifo Topic names must end with .fifo and Standard Topic cannot end with .fifo');
  }
}

/** One request may not name a key twice; a topic carries at most 50 tags. */
const TAGS: TagPolicy = {
  maxTags: 50,
  replaced: 'appended',
  errors: {
    duplicate: () => new AwsError('InvalidParameter', 'Invalid parameter: Duplicated keys are not allowed.'),
    tooMany: () => new AwsError('TagLimitExceeded', 'Could not complete request: tag quota of per resource exceeded'),
  },
};

export function checkTags(tags: Tag[], existing: Tag[] = []): Tag[] {
  return mergeTags(existing, tags, TAGS);
}

const sameTags = (a: Tag[], b: Tag[]) => a.length === b.length && a.every((t) => b.some((u) => u.Key === t.Key && u.Value === t.Value));

/** SNS's listings (src/services/shared/pagination.ts): 100 a page (SNS takes no page size). */
export const pages = new Pages({ service: 'sns', defaultLimit: 100, badToken: () => new AwsError('InvalidParameter', 'Invalid parameter: NextToken') });

export function topicHandlers(deps: SnsHandlerDeps): Record<string, Handler> {
  const { store, engine } = deps;
  return {
    async CreateTopic(input: { Name: string; Attributes?: Record<string, string>; Tags?: Tag[]; DataProtectionPolicy?: string }, ctx: CallContext) {
      const attrs = { ...input.Attributes };
      if (input.DataProtectionPolicy !== undefined) attrs.DataProtectionPolicy = input.DataProtectionPolicy;
      const fifo = attrs.FifoTopic === 'true';
      if (attrs.FifoTopic !== undefined && attrs.FifoTopic !== 'true' && attrs.FifoTopic !== 'false') throw new AwsError('InvalidParameter', 'Invalid parameter: Attributes Reason: FifoTopic must be true or false');
      validateName(input.Name, fifo);
      if (input.Tags) checkTags(input.Tags);
      for (const [k, v] of Object.entries(attrs)) checkAttribute(k, v, fifo, true);
      const ref = { accountId: ctx.accountId, region: ctx.region, name: input.Name };
      const arn = topicArnOf(ref);
      ctx.addResource('AWS::SNS::Topic', arn);
      const existing = await store.getTopic(ref);
      if (existing) return { TopicArn: sameTopic(existing, attrs, input.Tags) };
      delete attrs.FifoTopic;
      const topic: TopicDoc = {
        ...ref, arn, createdAt: ctx.clock.now(), fifo, sequence: 0, tags: input.Tags ?? [],
        attributes: { DisplayName: '', Policy: defaultTopicPolicy(arn, ctx.accountId), ...attrs },
      };
      if (!(await store.createTopic(topic))) return { TopicArn: sameTopic((await store.getTopic(ref))!, attrs, input.Tags) };
      return { TopicArn: arn };
    },

    async DeleteTopic(input: { TopicArn: string }, ctx: CallContext) {
      const ref = topicRefOf(input.TopicArn, ctx);
      const topic = await store.getTopic(ref);
      // Deleting a topic that does not exist is not an error in SNS.
      if (!topic) return {};
      ctx.addResource('AWS::SNS::Topic', topic.arn, topic.accountId);
      authorizeOnTopic(topic, 'SNS:DeleteTopic', ctx.principal);
      await store.deleteTopic(ref);
      return {};
    },

    async ListTopics(input: object, ctx: CallContext) {
      const read = readAhead((after, n) => store.listTopics(ctx.accountId, ctx.region, after, n), (t) => t.name);
      const page = await pages.read('ListTopics', input, ctx, read, { parent: ctx.region, validKey: (s) => /^[A-Za-z0-9_.-]{1,256}$/.test(s) });
      return page.output(page.items.map((t) => ({ TopicArn: t.arn })));
    },

    async GetTopicAttributes(input: { TopicArn: string }, ctx: CallContext) {
      const topic = await requireTopic(deps, input.TopicArn, ctx, 'SNS:GetTopicAttributes');
      const subs = await store.subscriptionsOf(topic, ctx.clock.now());
      const count = (s: string) => String(subs.filter((x) => x.status === s).length);
      const a: Record<string, string> = {
        Policy: topic.attributes.Policy, Owner: topic.accountId, SubscriptionsPending: count('pending'), TopicArn: topic.arn,
        EffectiveDeliveryPolicy: JSON.stringify(engine.effectiveDeliveryPolicy(topic)), SubscriptionsConfirmed: count('confirmed'),
        DisplayName: topic.attributes.DisplayName ?? '', SubscriptionsDeleted: count('deleted'),
      };
      for (const [k, v] of Object.entries(topic.attributes)) a[k] ??= v;
      if (topic.fifo) {
        a.FifoTopic = 'true';
        a.ContentBasedDeduplication = topic.attributes.ContentBasedDeduplication ?? 'false';
      }
      return { Attributes: a };
    },

    async SetTopicAttributes(input: { TopicArn: string; AttributeName: string; AttributeValue?: string }, ctx: CallContext) {
      const topic = await requireTopic(deps, input.TopicArn, ctx, 'SNS:SetTopicAttributes');
      const value = input.AttributeValue ?? '';
      // An empty Policy or DeliveryPolicy resets it; anything else must be valid.
      const reset = value === '' && (input.AttributeName === 'Policy' || input.AttributeName === 'DeliveryPolicy');
      if (!reset) checkAttribute(input.AttributeName, value, topic.fifo, false);
      await store.updateTopic(topic, (cur) => {
        if (!cur) throw new AwsError('NotFound', 'Topic does not exist');
        const attributes = { ...cur.attributes };
        if (input.AttributeName === 'Policy' && reset) attributes.Policy = defaultTopicPolicy(cur.arn, cur.accountId);
        else if (reset) delete attributes[input.AttributeName];
        else attributes[input.AttributeName] = value;
        return { ...cur, attributes };
      });
      return {};
    },

    async TagResource(input: { ResourceArn: string; Tags: Tag[] }, ctx: CallContext) {
      const topic = await taggedTopic(deps, input.ResourceArn, ctx, 'SNS:TagResource');
      checkTags(input.Tags, topic.tags);
      await store.updateTopic(topic, (cur) => cur && { ...cur, tags: checkTags(input.Tags, cur.tags) });
      return {};
    },

    async UntagResource(input: { ResourceArn: string; TagKeys: string[] }, ctx: CallContext) {
      const topic = await taggedTopic(deps, input.ResourceArn, ctx, 'SNS:UntagResource');
      await store.updateTopic(topic, (cur) => cur && { ...cur, tags: removeTags(cur.tags, input.TagKeys) });
      return {};
    },

    async ListTagsForResource(input: { ResourceArn: string }, ctx: CallContext) {
      const topic = await taggedTopic(deps, input.ResourceArn, ctx, 'SNS:ListTagsForResource');
      return { Tags: topic.tags };
    },
  };
}

/** CreateTopic on an existing name returns its ARN when nothing it asks for differs. */
function sameTopic(existing: TopicDoc, attrs: Record<string, string>, tags: Tag[] | undefined): string {
  for (const [k, v] of Object.entries(attrs)) {
    const current = k === 'FifoTopic' ? String(existing.fifo) : existing.attributes[k];
    if (current !== v && !(k === 'Policy' && current !== undefined && sameJson(current, v))) {
      throw new AwsError('InvalidParameter', 'Invalid parameter: Attributes Reason: Topic already exists with different attributes');
    }
  }
  if (tags !== undefined && !sameTags(tags, existing.tags)) {
    throw new AwsError('InvalidParameter', 'Invalid parameter: Tags Reason: Topic already exists with different tags');
  }
  return existing.arn;
}

function sameJson(a: string, b: string): boolean {
  try { return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)); } catch { return false; }
}

async function taggedTopic(deps: SnsHandlerDeps, arn: string, ctx: CallContext, action: string): Promise<TopicDoc> {
  const ref = parseTopicArn(arn);
  const topic = ref && ref.region === ctx.region ? await deps.store.getTopic(ref) : undefined;
  if (!topic) throw new AwsError('ResourceNotFound', 'Resource does not exist');
  ctx.addResource('AWS::SNS::Topic', topic.arn, topic.accountId);
  authorizeOnTopic(topic, action, ctx.principal);
  return topic;
}
