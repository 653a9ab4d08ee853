// The trail half of the CloudTrail API as a ServiceDefinition: handlers, the resource each call is
// authorized against (the trail's ARN), and how CloudTrail records its own trail calls.
import { loadModel } from '../../protocol/model.js';
import type { CallContext, RecordingRules, ServiceDefinition } from '../types.js';
import type { SigningKeys } from '../../trail/delivery/signing-keys.js';
import { isArn, trailArn } from './trails-model.js';
import { trailHandlers, type TrailHandlerDeps } from './trails-handlers.js';
import { selectorHandlers } from './trails-selectors.js';
import { tagHandlers } from './trails-tags.js';

/**
 * Trail calls log camelCased parameters (`name`, `s3BucketName`, `isMultiRegionTrail`...) and, for
 * writes, the camelCased output (`trailARN`...): the recorder's defaults. Only the source is ours.
 */
export const trailsRecording: RecordingRules = {
  eventSource: 'cloudtrail.amazonaws.com',
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

export function trailsService(deps: TrailsServiceDeps): ServiceDefinition {
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      ...trailHandlers(deps),
      ...selectorHandlers(deps.store, deps.changed),
      ...tagHandlers(deps.store, deps.keys),
    },
    recording: trailsRecording,
    resourceOf: (op, input, ctx) => trailResourceOf(op, input, ctx) ?? '*',
  };
}
