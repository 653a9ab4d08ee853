// The trail half of the CloudTrail API as a ServiceDefinition: handlers, the resource each call is
// authorized against (the trail's ARN), and how CloudTrail records its own trail calls.
import { loadModel } from '../../protocol/model.js';
import { AwsError } from '../../protocol/errors.js';
import { UNSCOPED, type RecordingRules, type ResolvedResource, type ResourceResolver, type ServiceDefinition } from '../types.js';
import type { SigningKeys } from '../../trail/delivery/signing-keys.js';
import { isArn, parseTrailArn, trailArn, validateTrailName } from './trails-model.js';
import type { TrailStore } from './trails-store.js';
import { trailHandlers, type TrailHandlerDeps } from './trails-handlers.js';
import { precheckInsightSelectors, selectorHandlers } from './trails-selectors.js';
import { precheckTags, tagHandlers } from './trails-tags.js';

/**
 * Trail calls log camelCased parameters (`name`, `s3BucketName`, `isMultiRegionTrail`...) and, for
 * writes, the camelCased output (`trailARN`...): the recorder's defaults. The records list no
 * `resources`, as real CloudTrail records do not; Event history still shows the trail.
 */
export const trailsRecording: RecordingRules = {
  eventSource: 'cloudtrail.amazonaws.com',
  resourcesInRecord: false,
  requestParameters: {
    // CloudTrail logs the defaults it applied: `describe-trails` with no arguments is recorded as
    // {"trailNameList": [], "includeShadowTrails": true}, never null.
    DescribeTrails: (input) => ({ trailNameList: input.trailNameList ?? [], includeShadowTrails: input.includeShadowTrails ?? true }),
  },
};

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

export function trailsService(deps: TrailsServiceDeps): ServiceDefinition {
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      ...trailHandlers(deps),
      ...selectorHandlers(deps.store, deps.changed),
      ...tagHandlers(deps.store, deps.keys),
    },
    recording: trailsRecording,
    precheck: precheckTrails,
    resolveResources: trailsResolver(deps.store),
  };
}
