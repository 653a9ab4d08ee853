// Event selectors (basic and advanced) and Insights selectors: validation with CloudTrail's rules
// and messages, storage on the trail, and the normalized form Get*/Put* answer with.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../core/service.js';
import { trailArn, type AdvancedEventSelector, type EventSelector, type InsightSelector } from './trails-model.js';
import type { TrailStore } from './trails-store.js';

const DATA_RESOURCE_TYPES = new Set(['AWS::S3::Object', 'AWS::Lambda::Function', 'AWS::DynamoDB::Table']);
const EXCLUDABLE_SOURCES = new Set(['kms.amazonaws.com', 'rdsdata.amazonaws.com']);
const ADVANCED_FIELDS = new Set(['eventCategory', 'eventSource', 'eventName', 'eventType', 'readOnly', 'resources.type', 'resources.ARN',
  'errorCode', 'sessionCredentialFromConsole', 'userIdentity.arn']);
const OPERATORS = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;

function invalid(message: string): AwsError {
  return new AwsError('InvalidEventSelectorsException', message);
}

export function validateEventSelectors(selectors: EventSelector[]): void {
  if (selectors.length === 0 || selectors.length > 5) throw invalid('You can specify from 1 to 5 event selectors for a trail.');
  let values = 0;
  for (const s of selectors) {
    for (const dr of s.DataResources ?? []) {
      if (!dr.Type || !DATA_RESOURCE_TYPES.has(dr.Type)) throw invalid(`Value ${dr.Type ?? 'null'} for DataResources.Type is invalid.`);
      for (const v of dr.Values ?? []) {
        values++;
        const service = dr.Type.split('::')[1].toLowerCase();
        if (!new RegExp(`^arn:aws[a-z-]*:${service}(:|$)`).test(v)) throw invalid(`Value ${v} for DataResources.Values is invalid.`);
      }
    }
    for (const src of s.ExcludeManagementEventSources ?? []) {
      if (!EXCLUDABLE_SOURCES.has(src)) throw invalid(`Value ${src} for ExcludeManagementEventSources is invalid.`);
    }
  }
  if (values > 250) throw invalid('You can specify up to 250 data resources for a trail.');
}

export function validateAdvancedEventSelectors(selectors: AdvancedEventSelector[]): void {
  if (selectors.length === 0 || selectors.length > 500) throw invalid('You can specify from 1 to 500 advanced event selectors for a trail.');
  for (const s of selectors) {
    const category = s.FieldSelectors.find((f) => f.Field === 'eventCategory');
    if (!category?.Equals?.length) throw invalid('Each advanced event selector must have an eventCategory field with the Equals operator.');
    for (const c of category.Equals) {
      if (c !== 'Management' && c !== 'Data') throw invalid(`Value ${c} for eventCategory is invalid.`);
    }
    for (const f of s.FieldSelectors) {
      if (!ADVANCED_FIELDS.has(f.Field)) throw invalid(`Field ${f.Field} is not a valid field for advanced event selectors.`);
      if (!OPERATORS.some((op) => f[op]?.length)) throw invalid(`Field ${f.Field} must specify at least one operator.`);
      if (f.Field === 'readOnly' && OPERATORS.some((op) => f[op]?.some((v) => v !== 'true' && v !== 'false'))) {
        throw invalid('The readOnly field accepts only true or false.');
      }
    }
    if (category.Equals.includes('Data') && !s.FieldSelectors.some((f) => f.Field === 'resources.type')) {
      throw invalid('Advanced event selectors for data events must specify resources.type.');
    }
  }
}

const INSIGHT_TYPES: readonly unknown[] = ['ApiCallRateInsight', 'ApiErrorRateInsight'];
const INSIGHT_CATEGORIES: readonly unknown[] = ['Management', 'Data'];

/**
 * Insights types and categories outside the model's enums are InvalidInsightSelectorsException, as
 * CloudTrail reports them; runs before model validation (`input` is not validated yet).
 */
export function precheckInsightSelectors(input: Record<string, unknown>): void {
  const selectors = input.InsightSelectors;
  if (!Array.isArray(selectors)) return;
  for (const s of selectors as InsightSelector[]) {
    if (s?.InsightType !== undefined && !INSIGHT_TYPES.includes(s.InsightType)) {
      throw new AwsError('InvalidInsightSelectorsException', `Insight type ${String(s.InsightType)} is not valid. Valid types: ApiCallRateInsight, ApiErrorRateInsight.`);
    }
    for (const c of s?.EventCategories ?? []) {
      if (!INSIGHT_CATEGORIES.includes(c)) throw new AwsError('InvalidInsightSelectorsException', `Event category ${String(c)} is not valid for Insights: use Management or Data.`);
    }
  }
}

/** Selectors as CloudTrail returns them, defaults filled in. */
export function normalizeSelectors(selectors: EventSelector[]): EventSelector[] {
  return selectors.map((s) => ({
    ReadWriteType: s.ReadWriteType ?? 'All',
    IncludeManagementEvents: s.IncludeManagementEvents ?? true,
    DataResources: (s.DataResources ?? []).map((d) => ({ Type: d.Type, Values: d.Values ?? [] })),
    ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
  }));
}

export const DEFAULT_SELECTORS: EventSelector[] = normalizeSelectors([{}]);

interface PutEventSelectorsInput { TrailName: string; EventSelectors?: EventSelector[]; AdvancedEventSelectors?: AdvancedEventSelector[] }
interface InsightInput { TrailName?: string; InsightSelectors?: InsightSelector[]; EventDataStore?: string; InsightsDestination?: string }

export function selectorHandlers(store: TrailStore, changed: () => void) {
  return {
    async PutEventSelectors(input: PutEventSelectorsInput, ctx: CallContext) {
      const basic = input.EventSelectors;
      const advanced = input.AdvancedEventSelectors;
      if (basic && advanced) throw invalid('You cannot specify both EventSelectors and AdvancedEventSelectors.');
      if (!basic && !advanced) throw invalid('You must specify EventSelectors or AdvancedEventSelectors.');
      const t = await store.resolve(ctx, input.TrailName, 'write');
      if (basic) validateEventSelectors(basic);
      if (advanced) validateAdvancedEventSelectors(advanced);
      const next = await store.update(t, (cur) => {
        const n = { ...cur };
        delete n.eventSelectors;
        delete n.advancedEventSelectors;
        if (basic) n.eventSelectors = normalizeSelectors(basic);
        if (advanced) n.advancedEventSelectors = advanced;
        return n;
      });
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(next));
      changed();
      return { TrailARN: trailArn(next), EventSelectors: next.eventSelectors, AdvancedEventSelectors: next.advancedEventSelectors };
    },

    async GetEventSelectors(input: { TrailName: string }, ctx: CallContext) {
      const t = await store.resolve(ctx, input.TrailName, 'read');
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      if (t.advancedEventSelectors) return { TrailARN: trailArn(t), AdvancedEventSelectors: t.advancedEventSelectors };
      return { TrailARN: trailArn(t), EventSelectors: t.eventSelectors ?? DEFAULT_SELECTORS };
    },

    async PutInsightSelectors(input: InsightInput, ctx: CallContext) {
      if (input.EventDataStore || input.InsightsDestination) {
        throw new AwsError('UnsupportedOperationException', 'chattrail has no event data stores; Insights selectors apply to trails only.');
      }
      if (!input.TrailName) throw new AwsError('InvalidParameterCombinationException', 'You must specify TrailName.');
      const selectors = input.InsightSelectors ?? [];
      const types = selectors.map((s) => s.InsightType);
      if (types.some((x) => !x) || new Set(types).size !== types.length) {
        throw new AwsError('InvalidInsightSelectorsException', 'Each Insights selector must name a distinct InsightType.');
      }
      const t = await store.resolve(ctx, input.TrailName, 'write');
      const next = await store.update(t, (cur) => ({ ...cur, insightSelectors: selectors.length ? selectors : undefined }));
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(next));
      return { TrailARN: trailArn(next), InsightSelectors: selectors };
    },

    async GetInsightSelectors(input: InsightInput, ctx: CallContext) {
      if (input.EventDataStore) throw new AwsError('UnsupportedOperationException', 'chattrail has no event data stores.');
      if (!input.TrailName) throw new AwsError('InvalidParameterCombinationException', 'You must specify TrailName.');
      const t = await store.resolve(ctx, input.TrailName, 'read');
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      if (!t.insightSelectors?.length) {
        throw new AwsError('InsightNotEnabledException', `Trail ${trailArn(t)} does not have Insights enabled. Enable Insights on the trail, and then try the request again.`);
      }
      return { TrailARN: trailArn(t), InsightSelectors: t.insightSelectors };
    },
  };
}
