// CloudTrail as a ServiceDefinition. Event history lives in lookup.ts; trails in trails.ts.
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type RecordingRules, type ServiceDefinition } from '../types.js';
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
  /** Trail management handlers with the resolver of the trails they act on, added by the trails module. */
  trails?: Pick<ServiceDefinition, 'handlers' | 'resolveResources'>;
}

export function cloudtrailService(deps: CloudTrailDeps): ServiceDefinition {
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      LookupEvents: (input: LookupEventsInput, ctx) => deps.history.lookup(input, ctx),
      ...deps.trails?.handlers,
    },
    recording: cloudtrailRecording,
    precheck: (op, input) => { if (op === 'LookupEvents') precheckLookup(input as LookupEventsInput); },
    // Event history reads no one resource; trail operations act on the trails they name.
    resolveResources: async (op, input, ctx) => (op === 'LookupEvents' || !deps.trails ? UNSCOPED : deps.trails.resolveResources(op, input, ctx)),
  };
}
