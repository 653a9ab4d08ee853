// The trail lifecycle: CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails,
// StartLogging, StopLogging, GetTrailStatus. Destinations are checked as CloudTrail does: the bucket
// exists and its policy lets cloudtrail.amazonaws.com write under the trail's prefix; same for SNS.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext } from '../../core/service.js';
import type { Pages } from '../shared/pagination.js';
import type { BucketSink, TopicSink } from './delivery/sinks.js';
import { readState, stateKey } from './delivery/state.js';
import { accountRoot } from './delivery/log-file.js';
import {
  trailArn, trailResponse, trailShape, validateBucketName, validateKeyPrefix, validateTrailName, type Tag, type TrailDoc,
} from './trails-model.js';
import { isShadow, type TrailStore } from './trails-store.js';
import { mergeTags, validateTags } from './trails-tags.js';

export interface TrailHandlerDeps {
  store: TrailStore;
  buckets(): BucketSink | undefined;
  topics(): TopicSink | undefined;
  /** A trail changed: delivery should look again. */
  changed(): void;
  pages: Pages;
}

interface TrailSettings {
  S3BucketName?: string; S3KeyPrefix?: string; SnsTopicName?: string; IncludeGlobalServiceEvents?: boolean;
  IsMultiRegionTrail?: boolean; EnableLogFileValidation?: boolean; CloudWatchLogsLogGroupArn?: string;
  CloudWatchLogsRoleArn?: string; KmsKeyId?: string; IsOrganizationTrail?: boolean;
}
interface CreateTrailInput extends TrailSettings { Name: string; S3BucketName: string; TagsList?: Tag[] }
interface UpdateTrailInput extends TrailSettings { Name: string }

const MAX_TRAILS_PER_REGION = 5;
const MAX_LOGGING_SPANS = 20;

function refuseUnsupported(input: TrailSettings): void {
  if (input.KmsKeyId) throw new AwsError('UnsupportedOperationException', 'chattrail does not encrypt trail files with KMS keys (SSE-S3 only).');
  if (input.CloudWatchLogsLogGroupArn || input.CloudWatchLogsRoleArn) {
    if (!input.CloudWatchLogsLogGroupArn || !input.CloudWatchLogsRoleArn) {
      throw new AwsError('InvalidParameterCombinationException', 'You must specify both CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn.');
    }
    throw new AwsError('UnsupportedOperationException', 'chattrail does not deliver trails to CloudWatch Logs.');
  }
}

export function trailHandlers(deps: TrailHandlerDeps) {
  const { store } = deps;

  /** The organization an organization trail collects; only its management account may own one. */
  async function organizationFor(ctx: CallContext): Promise<string> {
    const org = await store.orgs(ctx.accountId);
    if (!org) throw new AwsError('OrganizationsNotInUseException', 'This account is not a member of an organization.');
    if (org.managementAccountId !== ctx.accountId) {
      throw new AwsError('NotOrganizationMasterAccountException', 'The request must be made by the management account of the organization.');
    }
    return org.id;
  }

  async function checkBucket(t: TrailDoc, ctx: CallContext): Promise<void> {
    const sink = deps.buckets();
    const orgId = t.isOrganizationTrail ? await organizationFor(ctx) : undefined;
    const check = sink
      ? await sink.checkDelivery(t.s3BucketName, accountRoot(t.s3KeyPrefix, orgId ?? t.accountId), { trailArn: trailArn(t), accountId: t.accountId })
      : { ok: false as const, code: 'S3BucketDoesNotExistException' as const, message: `S3 bucket does not exist: ${t.s3BucketName}` };
    if (!check.ok) throw new AwsError(check.code, check.message);
  }

  /** SnsTopicName may be a name (this account and region) or an ARN. */
  async function topicArnFor(nameOrArn: string, t: TrailDoc, ctx: CallContext): Promise<string> {
    const arn = nameOrArn.startsWith('arn:') ? nameOrArn : `arn:aws:sns:${ctx.region}:${ctx.accountId}:${nameOrArn}`;
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}(\.fifo)?$/.test(arn)) {
      throw new AwsError('InvalidSnsTopicNameException', `SNS topic name is not valid: ${nameOrArn}`);
    }
    const topics = deps.topics();
    const check = topics
      ? await topics.checkPublish(arn, { trailArn: trailArn(t), accountId: t.accountId })
      : { ok: false as const, code: 'InsufficientSnsTopicPolicyException' as const, message: 'SNS Topic does not exist or the topic policy is incorrect!' };
    if (!check.ok) throw new AwsError(check.code, check.message);
    return arn;
  }

  function multiRegionNeedsGlobal(t: TrailDoc): void {
    if (t.isMultiRegionTrail && !t.includeGlobalServiceEvents) {
      throw new AwsError('InvalidParameterCombinationException', 'Multi-Region trail must include global service events.');
    }
  }

  return {
    async CreateTrail(input: CreateTrailInput, ctx: CallContext) {
      validateTrailName(input.Name);
      validateBucketName(input.S3BucketName);
      validateKeyPrefix(input.S3KeyPrefix);
      refuseUnsupported(input);
      if (input.TagsList) validateTags(input.TagsList);
      const now = ctx.clock.now();
      const t: TrailDoc = {
        trailId: ctx.ids.uuid(), name: input.Name, accountId: ctx.accountId, homeRegion: ctx.region,
        s3BucketName: input.S3BucketName, s3KeyPrefix: input.S3KeyPrefix || undefined,
        includeGlobalServiceEvents: input.IncludeGlobalServiceEvents ?? true, isMultiRegionTrail: input.IsMultiRegionTrail ?? false,
        logFileValidationEnabled: input.EnableLogFileValidation ?? false, isOrganizationTrail: input.IsOrganizationTrail ?? false,
        tags: mergeTags([], input.TagsList ?? []), isLogging: false, logging: [], createdAt: now,
      };
      multiRegionNeedsGlobal(t);
      if (await store.nameTaken(ctx.accountId, ctx.region, t.name, t.isMultiRegionTrail)) {
        throw new AwsError('TrailAlreadyExistsException', `Trail ${t.name} already exists for customer: ${ctx.accountId}`);
      }
      const inRegion = (await store.ownTrails(ctx.accountId)).filter((x) => x.homeRegion === ctx.region).length;
      if (inRegion >= MAX_TRAILS_PER_REGION) {
        throw new AwsError('MaximumNumberOfTrailsExceededException', `User: ${ctx.accountId} already has ${MAX_TRAILS_PER_REGION} trails in ${ctx.region}.`);
      }
      await checkBucket(t, ctx);
      if (input.SnsTopicName) {
        t.snsTopicName = input.SnsTopicName;
        t.snsTopicArn = await topicArnFor(input.SnsTopicName, t, ctx);
      }
      if (!(await store.create(t))) throw new AwsError('TrailAlreadyExistsException', `Trail ${t.name} already exists for customer: ${ctx.accountId}`);
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      return trailResponse(t);
    },

    async UpdateTrail(input: UpdateTrailInput, ctx: CallContext) {
      const cur = await store.resolve(ctx, input.Name, 'write');
      refuseUnsupported(input);
      const t: TrailDoc = { ...cur };
      if (input.S3BucketName !== undefined) { validateBucketName(input.S3BucketName); t.s3BucketName = input.S3BucketName; }
      if (input.S3KeyPrefix !== undefined) { validateKeyPrefix(input.S3KeyPrefix); t.s3KeyPrefix = input.S3KeyPrefix || undefined; }
      if (input.IncludeGlobalServiceEvents !== undefined) t.includeGlobalServiceEvents = input.IncludeGlobalServiceEvents;
      if (input.IsMultiRegionTrail !== undefined) t.isMultiRegionTrail = input.IsMultiRegionTrail;
      if (input.EnableLogFileValidation !== undefined) t.logFileValidationEnabled = input.EnableLogFileValidation;
      if (input.IsOrganizationTrail !== undefined) t.isOrganizationTrail = input.IsOrganizationTrail;
      multiRegionNeedsGlobal(t);
      if (t.isMultiRegionTrail && !cur.isMultiRegionTrail && await store.nameTaken(ctx.accountId, ctx.region, t.name, true, t.trailId)) {
        throw new AwsError('TrailAlreadyExistsException', `Trail ${t.name} already exists for customer: ${ctx.accountId}`);
      }
      if (input.S3BucketName !== undefined || input.S3KeyPrefix !== undefined || input.IsOrganizationTrail !== undefined) await checkBucket(t, ctx);
      if (input.SnsTopicName !== undefined) {
        t.snsTopicName = input.SnsTopicName || undefined;
        t.snsTopicArn = input.SnsTopicName ? await topicArnFor(input.SnsTopicName, t, ctx) : undefined;
      }
      // Apply the settings to the stored trail so a concurrent Start/StopLogging is not undone.
      const next = await store.update(cur, (stored) => ({
        ...stored, s3BucketName: t.s3BucketName, s3KeyPrefix: t.s3KeyPrefix, snsTopicName: t.snsTopicName, snsTopicArn: t.snsTopicArn,
        includeGlobalServiceEvents: t.includeGlobalServiceEvents, isMultiRegionTrail: t.isMultiRegionTrail,
        logFileValidationEnabled: t.logFileValidationEnabled, isOrganizationTrail: t.isOrganizationTrail,
      }));
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(next));
      deps.changed();
      return trailResponse(next);
    },

    async DeleteTrail(input: { Name: string }, ctx: CallContext) {
      const t = await store.resolve(ctx, input.Name, 'write');
      await store.delete(t);
      await store.documents.delete(stateKey(t));
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      deps.changed();
      return {};
    },

    async GetTrail(input: { Name: string }, ctx: CallContext) {
      const t = await store.resolve(ctx, input.Name, 'read');
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      return { Trail: trailShape(t) };
    },

    async DescribeTrails(input: { trailNameList?: string[]; includeShadowTrails?: boolean }, ctx: CallContext) {
      const names = input.trailNameList ?? [];
      let trails: TrailDoc[];
      if (names.length === 0) {
        trails = await store.visibleFrom(ctx, input.includeShadowTrails ?? true);
      } else {
        trails = [];
        for (const n of names) {
          try {
            const t = await store.resolve(ctx, n, 'read');
            if (input.includeShadowTrails === false && isShadow(t, ctx)) continue;
            if (!trails.some((x) => x.trailId === t.trailId)) trails.push(t);
          } catch (e) {
            // Unknown names are left out of the answer; malformed ones are errors.
            if (!(e instanceof AwsError && e.code === 'TrailNotFoundException')) throw e;
          }
        }
      }
      trails.sort((a, b) => (trailArn(a) < trailArn(b) ? -1 : 1));
      return { trailList: trails.map(trailShape) };
    },

    async ListTrails(input: object, ctx: CallContext) {
      const all = [...await store.ownTrails(ctx.accountId), ...await store.organizationTrails(ctx.accountId)]
        .map((t) => ({ TrailARN: trailArn(t), Name: t.name, HomeRegion: t.homeRegion }));
      const page = deps.pages.list('ListTrails', input, ctx, all, (x) => x.TrailARN);
      return page.output(page.items);
    },

    async StartLogging(input: { Name: string }, ctx: CallContext) {
      const cur = await store.resolve(ctx, input.Name, 'write');
      // This call's own record comes after every event stored now, so it is the first one delivered.
      const startSeq = await ctx.stores.events.lastSeq();
      const now = ctx.clock.now();
      const t = await store.update(cur, (x) => x.isLogging ? x : {
        ...x, isLogging: true, startLoggingTime: now, logging: [...x.logging, { startSeq }].slice(-MAX_LOGGING_SPANS),
      });
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      deps.changed();
      return {};
    },

    async StopLogging(input: { Name: string }, ctx: CallContext) {
      const cur = await store.resolve(ctx, input.Name, 'write');
      // Reserve one position past what is stored: the StopLogging record itself is still delivered.
      const stopSeq = (await ctx.stores.events.lastSeq()) + 1;
      const now = ctx.clock.now();
      const t = await store.update(cur, (x) => !x.isLogging ? x : {
        ...x, isLogging: false, stopLoggingTime: now,
        logging: x.logging.map((s, i) => (i === x.logging.length - 1 ? { ...s, stopSeq } : s)),
      });
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      deps.changed();
      return {};
    },

    async GetTrailStatus(input: { Name: string }, ctx: CallContext) {
      const t = await store.resolve(ctx, input.Name, 'read');
      ctx.addResource('AWS::CloudTrail::Trail', trailArn(t));
      const s = (await readState(store.documents, t))?.status ?? {};
      const iso = (d?: Date) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined);
      return {
        IsLogging: t.isLogging,
        LatestDeliveryError: s.latestDeliveryError,
        LatestNotificationError: s.latestNotificationError,
        LatestDeliveryTime: s.latestDeliveryTime,
        LatestNotificationTime: s.latestNotificationTime,
        StartLoggingTime: t.startLoggingTime,
        StopLoggingTime: t.stopLoggingTime,
        LatestDigestDeliveryTime: s.latestDigestDeliveryTime,
        LatestDigestDeliveryError: s.latestDigestDeliveryError,
        LatestDeliveryAttemptTime: iso(s.latestDeliveryAttemptTime) ?? '',
        LatestNotificationAttemptTime: iso(s.latestNotificationAttemptTime) ?? '',
        LatestNotificationAttemptSucceeded: iso(s.latestNotificationAttemptSucceeded) ?? '',
        LatestDeliveryAttemptSucceeded: iso(s.latestDeliveryAttemptSucceeded) ?? '',
        TimeLoggingStarted: iso(t.startLoggingTime) ?? '',
        TimeLoggingStopped: iso(t.stopLoggingTime) ?? '',
      };
    },
  };
}
