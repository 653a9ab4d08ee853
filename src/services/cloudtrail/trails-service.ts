// What trail operations act on (the trail's ARN, as stored) and the checks they make before any
// policy is evaluated; the service definition (index.ts) puts them together with Event history.
import { AwsError } from '../../protocol/errors.js';
import { UNSCOPED, type ResolvedResource, type ResourceResolver } from '../../core/service.js';
import type { SigningKeys } from './delivery/signing-keys.js';
import { isArn, parseTrailArn, trailArn, validateTrailName } from './trails-model.js';
import type { TrailStore } from './trails-store.js';
import type { TrailHandlerDeps } from './trails-handlers.js';
import { precheckInsightSelectors } from './trails-selectors.js';
import { precheckTags } from './trails-tags.js';

export interface TrailsServiceDeps extends TrailHandlerDeps {
  keys: SigningKeys;
}

/** The trail names or ARNs an operation addresses; undefined when it addresses none. */
function trailRefs(op: string, input: Record<string, unknown>): unknown[] | undefined {
  if (op === 'AddTags' || op === 'RemoveTags') return [input.ResourceId];
  if (op === 'ListTags') return Array.isArray(input.ResourceIdList) ? input.ResourceIdList : [];
  const ref = input.Name ?? input.TrailName;
  return ref === undefined ? undefined : [ref];
}

/** The tag operations address trails by ARN only, as CloudTrail requires. */
const BY_ARN = new Set(['AddTags', 'RemoveTags', 'ListTags']);

/**
 * What a trail operation acts on: each trail it names, as stored (a name finds the trail of the
 * caller's region or a multi-region trail homed elsewhere, whose ARN is its home region's), else
 * the ARN a trail of that name would have here. Malformed names and ARNs of another partition
 * are CloudTrail's own errors, before any policy is evaluated against them.
 */
export function trailsResolver(store: TrailStore): ResourceResolver {
  return async (op, input, ctx) => {
    const refs = trailRefs(op, input);
    if (refs === undefined || refs.length === 0) return UNSCOPED;
    const out: ResolvedResource[] = [];
    for (const ref of refs) {
      const text = typeof ref === 'string' ? ref : '';
      if (BY_ARN.has(op) && !isArn(text)) throw new AwsError('CloudTrailARNInvalidException', `ARN ${text} is invalid.`);
      const found = op === 'CreateTrail' ? undefined : await store.find(ctx, text);
      if (found) out.push({ arn: trailArn(found), accountId: found.accountId });
      else if (isArn(text)) {
        const p = parseTrailArn(text);
        out.push({ arn: trailArn({ accountId: p.accountId, homeRegion: p.region, name: p.name }), accountId: p.accountId });
      } else {
        validateTrailName(text);
        out.push({ arn: trailArn({ accountId: ctx.accountId, homeRegion: ctx.region, name: text }), accountId: ctx.accountId });
      }
    }
    return out;
  };
}

/**
 * Rules the model states as constraints but CloudTrail reports with its own exceptions
 * (InvalidInsightSelectorsException, InvalidTagParameterException), checked before model validation.
 */
export function precheckTrails(op: string, input: Record<string, unknown>): void {
  if (op === 'PutInsightSelectors') precheckInsightSelectors(input);
  if (op === 'CreateTrail') precheckTags(input.TagsList);
  if (op === 'AddTags' || op === 'RemoveTags') precheckTags(input.TagsList);
}
