// CloudTrail's API as one ServiceDefinition: Event history (lookup.ts) and trail management
// (trails-*.ts), with one set of recording rules, one precheck and one resource resolver.
import { AwsError } from '../../protocol/errors.js';
import { loadModel } from '../../protocol/model.js';
import { UNSCOPED, type ServiceDefinition } from '../../core/service.js';
import type { RecordingRules } from '../../records/rules.js';
import { precheckLookup, type EventHistory, type LookupEventsInput } from './lookup.js';
import { precheckTrails, trailsResolver, type TrailsServiceDeps } from './trails-service.js';
import { trailHandlers } from './trails-handlers.js';
import { selectorHandlers } from './trails-selectors.js';
import { tagHandlers } from './trails-tags.js';
import { Pages, signedTokens } from '../shared/pagination.js';

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

/**
 * CloudTrail's listings (src/services/shared/pagination.ts): 50 a page, tokens signed with
 * `secret` so none can be forged and paging survives a restart (and works across processes
 * sharing a database and master key). A bad token is each operation's own exception.
 */
export function cloudtrailPages(secret: Buffer): Pages {
  return new Pages({
    service: 'cloudtrail', defaultLimit: 50, tokens: signedTokens(secret),
    badToken: (operation) => (operation === 'ListTags' || operation === 'ListPublicKeys'
      ? new AwsError('InvalidTokenException', 'The NextToken is not valid.')
      : new AwsError('InvalidNextTokenException', 'Invalid NextToken: it does not belong to this query or has been tampered with.')),
  });
}

export function cloudtrailService(deps: CloudTrailDeps): ServiceDefinition {
  const resolveTrails = trailsResolver(deps.store);
  return {
    model: loadModel('cloudtrail'),
    handlers: {
      LookupEvents: (input: LookupEventsInput, ctx) => deps.history.lookup(input, ctx),
      ...trailHandlers(deps),
      ...selectorHandlers(deps.store, deps.changed),
      ...tagHandlers(deps.store, deps.keys, deps.pages),
    },
    recording: cloudtrailRecording,
    precheck: (op, input) => (op === 'LookupEvents' ? precheckLookup(input as LookupEventsInput) : precheckTrails(op, input)),
    // Event history reads no one resource; trail operations act on the trails they name.
    resolveResources: async (op, input, ctx) => (op === 'LookupEvents' ? UNSCOPED : resolveTrails(op, input, ctx)),
  };
}
