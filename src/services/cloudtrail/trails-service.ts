// The trail half of the CloudTrail API as a ServiceDefinition: handlers, the resource each call is
// authorized against (the trail's ARN), and how CloudTrail records its own trail calls.
import { loadModel } from '../../protocol/model.js';
import type { CallContext, RecordingRules, ServiceDefinition } from '../types.js';
import type { SigningKeys } from '../../trail/delivery/signing-keys.js';
import { isArn, trailArn } from './trails-model.js';
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
};

export interface TrailsServiceDeps extends TrailHandlerDeps {
  keys: SigningKeys;
}

/** The trail an operation acts on, named the way IAM policies name it. */
export function trailResourceOf(op: string, input: Record<string, unknown>, ctx: Pick<CallContext, 'accountId' | 'region'>): string | undefined {
  const ref = op === 'AddTags' || op === 'RemoveTags' ? input.ResourceId
    : op === 'ListTags' ? (input.ResourceIdList as unknown[] | undefined)?.[0]
      : input.Name ?? input.TrailName;
  if (typeof ref !== 'string' || !ref) return undefined;
  return isArn(ref) ? ref : trailArn({ accountId: ctx.accountId, homeRegion: ctx.region, name: ref });
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
    resourceOf: (op, input, ctx) => trailResourceOf(op, input, ctx) ?? '*',
  };
}
