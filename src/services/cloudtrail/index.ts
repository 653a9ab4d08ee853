// CloudTrail as a ServiceDefinition. Event history lives in lookup.ts; trails in trails.ts.
import { loadModel } from '../../protocol/model.js';
import type { Handler, RecordingRules, ServiceDefinition } from '../types.js';
import { EventHistory, precheckLookup, type LookupEventsInput } from './lookup.js';

/**
 * CloudTrail's records of its own calls carry no `resources` (every real DeleteTrail, StopLogging,
 * PutEventSelectors and LookupEvents record); Event history still lists the trail.
 */
export const cloudtrailRecording: RecordingRules = {
  eventSource: 'cloudtrail.amazonaws.com',
  resourcesInRecord: false,
};

export interface CloudTrailDeps {
  history: EventHistory;
  /** Trail management handlers, added by the trails module. */
  trailHandlers?: Record<string, Handler>;
  trailResourceOf?: (op: string, input: Record<string, unknown>, accountId: string, region: string) => string | undefined;
}

export function cloudtrailService(deps: CloudTrailDeps): ServiceDefinition {
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      LookupEvents: (input: LookupEventsInput, ctx) => deps.history.lookup(input, ctx),
      ...deps.trailHandlers,
    },
    recording: cloudtrailRecording,
    precheck: (op, input) => { if (op === 'LookupEvents') precheckLookup(input as LookupEventsInput); },
    resourceOf: (op, input, ctx) => deps.trailResourceOf?.(op, input, ctx.accountId, ctx.region) ?? '*',
  };
}
