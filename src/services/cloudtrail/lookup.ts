// Event history: LookupEvents over the last N days of management events of one account and region,
// newest first, one lookup attribute, with an opaque NextToken that only works for the same query.
import crypto from 'node:crypto';
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../core/service.js';
import type { LookupAttributeKey, StoredEvent } from '../../storage/event-store.js';

export interface LookupEventsInput {
  LookupAttributes?: { AttributeKey: LookupAttributeKey; AttributeValue: string }[];
  StartTime?: Date;
  EndTime?: Date;
  EventCategory?: string;
  MaxResults?: number;
  NextToken?: string;
}

const DAY_MS = 86_400_000;

const ATTRIBUTE_KEYS: readonly string[] = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'];
/** Insights events can be looked up by these attributes only. */
const INSIGHT_KEYS: readonly string[] = ['EventId', 'EventName', 'EventSource'];

/** Checks LookupEvents' own rules, which the model declares as specific exceptions. */
export function precheckLookup(input: LookupEventsInput): void {
  const attrs = input.LookupAttributes ?? [];
  if (attrs.length > 1) {
    throw new AwsError('InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.');
  }
  const attr = attrs[0] as { AttributeKey?: unknown; AttributeValue?: unknown } | undefined;
  // A key outside the enum is left to model validation: AWS's framework answers it with
  // ValidationException ("Member must satisfy enum value set") before CloudTrail's own checks.
  if (attr && !ATTRIBUTE_KEYS.includes(attr.AttributeKey as string)) return;
  // Any other value would silently select the write events.
  if (attr?.AttributeKey === 'ReadOnly' && attr.AttributeValue !== 'true' && attr.AttributeValue !== 'false') {
    throw new AwsError('InvalidLookupAttributesException', `Lookup attribute value ${String(attr.AttributeValue)} is not valid for ReadOnly: use true or false.`);
  }
  if (attr && input.EventCategory === 'insight' && !INSIGHT_KEYS.includes(attr.AttributeKey as string)) {
    throw new AwsError('InvalidLookupAttributesException', `Insights events cannot be looked up by ${String(attr.AttributeKey)}: use ${INSIGHT_KEYS.join(', ')}.`);
  }
  if (input.MaxResults !== undefined && (input.MaxResults < 1 || input.MaxResults > 50)) {
    throw new AwsError('InvalidMaxResultsException', `Value ${input.MaxResults} for MaxResults is invalid: it must be between 1 and 50.`);
  }
  if (input.EventCategory !== undefined && input.EventCategory !== 'insight') {
    throw new AwsError('InvalidEventCategoryException', `Value ${input.EventCategory} for EventCategory is invalid: the only supported value is insight.`);
  }
}

export class EventHistory {
  constructor(private readonly tokenKey: Buffer, private readonly retentionDays: number) {}

  async lookup(input: LookupEventsInput, ctx: CallContext) {
    precheckLookup(input);
    const attr = input.LookupAttributes?.[0];
    if (attr && !attr.AttributeValue) throw new AwsError('InvalidLookupAttributesException', 'The lookup attribute value must not be empty.');
    const now = ctx.clock.now();
    const oldest = new Date(now.getTime() - this.retentionDays * DAY_MS);
    const start = input.StartTime && input.StartTime > oldest ? input.StartTime : oldest;
    const end = input.EndTime ?? now;
    if (input.StartTime && input.EndTime && input.StartTime > input.EndTime) {
      throw new AwsError('InvalidTimeRangeException', 'Start time must be earlier than end time.');
    }
    // Insight events are a separate category chattrail does not generate: an honest empty answer.
    if (input.EventCategory === 'insight') return { Events: [] };
    const limit = input.MaxResults ?? 50;
    const binding = this.bindingOf(ctx, attr, input.StartTime, input.EndTime);
    const after = input.NextToken ? this.readToken(input.NextToken, binding) : undefined;
    const rows = await ctx.stores.events.lookup({
      accountId: ctx.accountId, region: ctx.region, attribute: attr && { key: attr.AttributeKey, value: attr.AttributeValue },
      start, end, limit: limit + 1, after,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      Events: page.map(toLookupEvent),
      NextToken: rows.length > limit && last ? this.makeToken(binding, last) : undefined,
    };
  }

  private bindingOf(ctx: CallContext, attr: { AttributeKey: string; AttributeValue: string } | undefined, start?: Date, end?: Date): string {
    return [ctx.accountId, ctx.region, attr?.AttributeKey ?? '', attr?.AttributeValue ?? '', start?.getTime() ?? '', end?.getTime() ?? ''].join('\u0000');
  }

  private makeToken(binding: string, last: StoredEvent): string {
    const pos = `${last.eventTime.getTime()}.${last.seq}`;
    const mac = crypto.createHmac('sha256', this.tokenKey).update(binding).update('\u0000').update(pos).digest('base64url').slice(0, 22);
    return Buffer.from(`${pos}.${mac}`).toString('base64url');
  }

  private readToken(token: string, binding: string): { time: number; seq: number } {
    const invalid = () => new AwsError('InvalidNextTokenException', 'Invalid NextToken: it does not belong to this query or has been tampered with.');
    const text = Buffer.from(token, 'base64url').toString('utf8');
    const m = /^(\d+)\.(\d+)\.([\w-]{22})$/.exec(text);
    if (!m) throw invalid();
    const expected = crypto.createHmac('sha256', this.tokenKey).update(binding).update('\u0000').update(`${m[1]}.${m[2]}`).digest('base64url').slice(0, 22);
    if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(m[3]))) throw invalid();
    return { time: Number(m[1]), seq: Number(m[2]) };
  }
}

function toLookupEvent(e: StoredEvent) {
  return {
    EventId: e.eventId,
    EventName: e.eventName,
    ReadOnly: String(e.readOnly),
    AccessKeyId: e.accessKeyId,
    EventTime: e.eventTime,
    EventSource: e.eventSource,
    Username: e.username,
    Resources: e.resources.map((r) => ({ ResourceType: r.type, ResourceName: r.name })),
    CloudTrailEvent: e.record,
  };
}
