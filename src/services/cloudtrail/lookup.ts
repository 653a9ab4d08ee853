// Event history: LookupEvents over the last N days of management events of one account and region,
// newest first, one lookup attribute, with an opaque NextToken that only works for the same query.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../core/service.js';
import type { LookupAttributeKey, StoredEvent } from '../../storage/event-store.js';
import { readAhead, type Pages } from '../shared/pagination.js';

export interface LookupEventsInput {
  LookupAttributes?: { AttributeKey: LookupAttributeKey; AttributeValue: string }[];
  StartTime?: Date;
  EndTime?: Date;
  EventCategory?: string;
  MaxResults?: number;
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
  constructor(private readonly pages: Pages, private readonly retentionDays: number) {}

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
    // Newest first, read from the store a page at a time: a token carries the last event's position
    // (`time.seq`) and belongs to this query (region, attribute, window) of this account.
    const read = readAhead((after, n) => ctx.stores.events.lookup({
      accountId: ctx.accountId, region: ctx.region, attribute: attr && { key: attr.AttributeKey, value: attr.AttributeValue },
      start, end, limit: n, after: after === undefined ? undefined : positionOf(after),
    }), (e: StoredEvent) => `${e.eventTime.getTime()}.${e.seq}`);
    const query = [ctx.region, attr?.AttributeKey ?? '', attr?.AttributeValue ?? '', input.StartTime?.getTime() ?? '', input.EndTime?.getTime() ?? ''].join('\u0000');
    const page = await this.pages.read('LookupEvents', input, ctx, read, { parent: query, validKey: (k) => /^\d+\.\d+$/.test(k) });
    return page.output(page.items.map(toLookupEvent));
  }
}

/** A token's key, `time.seq`, as the event store's position. */
function positionOf(key: string): { time: number; seq: number } {
  const [time, seq] = key.split('.').map(Number);
  return { time, seq };
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
