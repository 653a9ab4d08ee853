// SNS's persistent state: topics (keyed by owner account, region and name) and subscriptions
// (kept beside their topic, id `<topic name>:<uuid>`), as documents; plus ARN parsing.
import crypto from 'node:crypto';
import type { DocumentStore } from '../../storage/documents.js';

export interface Tag { Key: string; Value: string }

export interface TopicDoc {
  name: string;
  arn: string;
  accountId: string;
  region: string;
  createdAt: Date;
  /** Settable attributes as the client sent them (DisplayName, Policy, DeliveryPolicy...). */
  attributes: Record<string, string>;
  tags: Tag[];
  fifo: boolean;
  /** FIFO topics number their messages. */
  sequence: number;
}

export type SubscriptionStatus = 'pending' | 'confirmed' | 'deleted';

export interface SubscriptionDoc {
  arn: string;
  topicArn: string;
  /** The account that subscribed, and who did it (SubscriptionPrincipal). */
  owner: string;
  principalArn?: string;
  protocol: string;
  endpoint: string;
  status: SubscriptionStatus;
  /** SHA-256 of the current confirmation token (Subscribe, or the UnsubscribeConfirmation). */
  tokenHash?: string;
  tokenIssuedAt?: Date;
  confirmationWasAuthenticated: boolean;
  authenticateOnUnsubscribe: boolean;
  attributes: Record<string, string>;
  createdAt: Date;
  deletedAt?: Date;
}

/** Tokens are valid for three days, as in SNS; deleted subscriptions can be restored as long. */
export const TOKEN_LIFETIME_MS = 3 * 86_400_000;

export interface TopicRef { region: string; accountId: string; name: string }

const TOPIC_ARN = /^arn:aws:sns:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):([A-Za-z0-9_-]{1,256}(?:\.fifo)?)$/;

export function parseTopicArn(arn: string): TopicRef | undefined {
  const m = TOPIC_ARN.exec(arn);
  return m && m[3].length <= 256 ? { region: m[1], accountId: m[2], name: m[3] } : undefined;
}

export function topicArnOf(ref: TopicRef): string {
  return `arn:aws:sns:${ref.region}:${ref.accountId}:${ref.name}`;
}

/** A subscription ARN is its topic's ARN plus `:<uuid>`. */
export function parseSubscriptionArn(arn: string): (TopicRef & { id: string }) | undefined {
  const cut = arn.lastIndexOf(':');
  const id = arn.slice(cut + 1);
  if (cut < 0 || !/^[0-9a-f-]{36}$/.test(id)) return undefined;
  const topic = parseTopicArn(arn.slice(0, cut));
  return topic && { ...topic, id };
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export class SnsStore {
  constructor(private readonly docs: DocumentStore) {}

  private topicKey(t: TopicRef) { return { kind: 'sns-topic', accountId: t.accountId, region: t.region, id: t.name }; }
  private subKey(t: TopicRef, id: string) { return { kind: 'sns-subscription', accountId: t.accountId, region: t.region, id: `${t.name}:${id}` }; }

  getTopic(t: TopicRef) { return this.docs.get<TopicDoc>(this.topicKey(t)); }
  createTopic(t: TopicDoc) { return this.docs.create(this.topicKey(t), t); }
  putTopic(t: TopicDoc) { return this.docs.put(this.topicKey(t), t); }
  updateTopic(t: TopicRef, fn: (cur: TopicDoc | undefined) => TopicDoc | undefined) { return this.docs.update(this.topicKey(t), fn); }

  async deleteTopic(t: TopicRef): Promise<boolean> {
    for (const s of await this.docs.list<SubscriptionDoc>('sns-subscription', t.accountId, t.region, { prefix: `${t.name}:` })) {
      await this.docs.delete({ kind: 'sns-subscription', accountId: t.accountId, region: t.region, id: s.id });
    }
    return this.docs.delete(this.topicKey(t));
  }

  /** Topic names in ascending order, after `after`. */
  async listTopics(accountId: string, region: string, after: string | undefined, limit: number): Promise<TopicDoc[]> {
    return (await this.docs.list<TopicDoc>('sns-topic', accountId, region, { after, limit })).map((r) => r.doc);
  }

  getSubscription(t: TopicRef, id: string) { return this.docs.get<SubscriptionDoc>(this.subKey(t, id)); }
  async subscriptionByArn(arn: string): Promise<SubscriptionDoc | undefined> {
    const ref = parseSubscriptionArn(arn);
    return ref && this.getSubscription(ref, ref.id);
  }
  putSubscription(s: SubscriptionDoc) {
    const ref = parseSubscriptionArn(s.arn)!;
    return this.docs.put(this.subKey(ref, ref.id), s);
  }
  updateSubscription(arn: string, fn: (cur: SubscriptionDoc | undefined) => SubscriptionDoc | undefined) {
    const ref = parseSubscriptionArn(arn)!;
    return this.docs.update(this.subKey(ref, ref.id), fn);
  }
  deleteSubscription(arn: string) {
    const ref = parseSubscriptionArn(arn)!;
    return this.docs.delete(this.subKey(ref, ref.id));
  }

  /** Every subscription of a topic, deleted ones included (callers filter); expired deletions are purged. */
  async subscriptionsOf(t: TopicRef, now: Date): Promise<SubscriptionDoc[]> {
    const out: SubscriptionDoc[] = [];
    for (const { id, doc } of await this.docs.list<SubscriptionDoc>('sns-subscription', t.accountId, t.region, { prefix: `${t.name}:` })) {
      if (doc.status === 'deleted' && doc.deletedAt && now.getTime() - doc.deletedAt.getTime() > TOKEN_LIFETIME_MS) {
        await this.docs.delete({ kind: 'sns-subscription', accountId: t.accountId, region: t.region, id });
        continue;
      }
      out.push(doc);
    }
    return out;
  }

  /** Live subscriptions in a region that `owner` created (ListSubscriptions), in ARN order. */
  async subscriptionsOwnedBy(owner: string, region: string): Promise<SubscriptionDoc[]> {
    const all = await this.docs.listAll<SubscriptionDoc>('sns-subscription');
    return all.filter((r) => r.key.region === region && r.doc.owner === owner && r.doc.status !== 'deleted')
      .map((r) => r.doc).sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0));
  }
}
