// CloudTrail's API as one ServiceDefinition: Event history (lookup.ts) and trail management
// (trails-*.ts), with one set of recording rules, one precheck and one resource resolver.
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from '../../core/service.js';
import type { RecordingRules } from '../../records/rules.js';
import { precheckLookup, type EventHistory, type LookupEventsInput } from './lookup.js';
import { precheckTrails, trailsResolver, type TrailsServiceDeps } from './trails-service.js';
import { trailHandlers } from './trails-handlers.js';
import { selectorHandlers } from './trails-selectors.js';
import { tagHandlers } from './trails-tags.js';

/**
 * Trail calls log camelCased parameters (`name`, `s3BucketName`, `isMultiRegionTrail`...) and, for
 * writes, the camelCased output (`trailARN`...): the recorder's defaults. CloudTrail's records of its
 * own calls carry no `resources` (every real DeleteTrail, StopLogging, PutEventSelectors and
 * LookupEvents record); Event history still lists the trail.
 */
export const cloudtrailRecording: RecordingRules = {
  eventSource: 'cloudtrail.amazonaws.com',
  resourcesInRecord: false,
  requestParameters: {
    // CloudTrail logs the defaults it applied: `describe-trails` with no arguments is recorded as
    // {"trailNameList": [], "includeShadowTrails": true}, never null.
    DescribeTrails: (input) => ({ trailNameList: input.trailNameList ?? [], includeShadowTrails: input.includeShadowTrails ?? true }),
  },
};

export interface CloudTrailDeps extends TrailsServiceDeps {
  history: EventHistory;
}

export function cloudtrailService(deps: CloudTrailDeps): ServiceDefinition {
  const resolveTrails = trailsResolver(deps.store);
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      LookupEvents: (input: LookupEventsInput, ctx) => deps.history.lookup(input, ctx),
      ...trailHandlers(deps),
      ...selectorHandlers(deps.store, deps.changed),
      ...tagHandlers(deps.store, deps.keys),
    },
    recording: cloudtrailRecording,
    precheck: (op, input) => (op === 'LookupEvents' ? precheckLookup(input as LookupEventsInput) : precheckTrails(op, input)),
    // Event history reads no one resource; trail operations act on the trails they name.
    resolveResources: async (op, input, ctx) => (op === 'LookupEvents' ? UNSCOPED : resolveTrails(op, input, ctx)),
  };
}
