// Chatbot's custom actions and their associations with chat configurations, the account's
// preferences, and tags on any Chatbot resource (configurations of all kinds, custom actions).
// Every call naming a resource lists it in its record, so LookupEvents by ResourceName finds it.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { ChatbotDeps } from './deps.js';
import type { CustomAction, CustomActionAttachment, Tag } from './records.js';
import { customActionArn, parseChatbotArn, type ChatbotResource } from './arns.js';
import type { Collection } from './store.js';
import { pages, rowId } from './pagination.js';
import { tagResource, tagsForCreate, untagResource } from './tags.js';
import { SLACK_CONFIG_TYPE } from './handlers-slack.js';
import { TEAMS_CONFIG_TYPE } from './handlers-teams.js';
import { CHIME_CONFIG_TYPE } from './handlers-chime.js';
import { suppliedVariable } from './notification-variables.js';

export const CUSTOM_ACTION_TYPE = 'AWS::Chatbot::CustomAction';
const MAX_CUSTOM_ACTIONS = 500;

interface ActionInput {
  Definition: { CommandText: string }; AliasName?: string; Attachments?: CustomActionAttachment[];
  Tags?: Tag[]; ClientToken?: string; ActionName: string;
}

/**
 * Why an attachment's button could never appear, or undefined. Criteria test variables the
 * attachment extracts from the notification, or ones its notification type supplies by itself
 * (a CloudWatch alarm's AlarmName: notification-variables.ts): one naming any other variable, or
 * EQUALS with nothing to compare to, never holds, so the button would silently never show.
 */
export function unreachableAttachment(attachments: readonly CustomActionAttachment[] | undefined): string | undefined {
  for (const [n, a] of (attachments ?? []).entries()) {
    const declared = Object.keys(a.Variables ?? {});
    for (const c of a.Criteria ?? []) {
      if (!declared.includes(c.VariableName) && !suppliedVariable(a.NotificationType, c.VariableName)) {
        return `Attachments[${n}] has a criterion on the variable ${c.VariableName}, which its Variables do not declare${declared.length ? ` (${declared.join(', ')})` : ''}, so its button would never show.`;
      }
      if (c.Operator === 'EQUALS' && c.Value === undefined) {
        return `Attachments[${n}] has an EQUALS criterion on ${c.VariableName} without a Value, so its button would never show.`;
      }
    }
  }
  return undefined;
}

function refuseUnreachable(attachments: readonly CustomActionAttachment[] | undefined): void {
  const why = unreachableAttachment(attachments);
  if (why) throw new AwsError('InvalidRequestException', why);
}

/** The CloudTrail resource type of a Chatbot resource. */
function resourceType(r: ChatbotResource): string {
  if (r.kind === 'custom-action') return CUSTOM_ACTION_TYPE;
  return r.type === 'slack-channel' ? SLACK_CONFIG_TYPE : r.type === 'microsoft-teams-channel' ? TEAMS_CONFIG_TYPE : CHIME_CONFIG_TYPE;
}

export function actionHandlers(deps: ChatbotDeps): Record<string, Handler> {
  const { store } = deps;

  async function findAction(ctx: CallContext, arn: string, code = 'ResourceNotFoundException'): Promise<CustomAction> {
    const r = parseChatbotArn(arn);
    const action = r?.kind === 'custom-action' && r.accountId === ctx.accountId ? await store.customActions.get(ctx.accountId, r.name) : undefined;
    if (!action) throw new AwsError(code, `No custom action ${arn} exists in account ${ctx.accountId}.`);
    ctx.addResource(CUSTOM_ACTION_TYPE, action.CustomActionArn);
    return action;
  }

  async function aliasTaken(accountId: string, alias: string | undefined, except: string): Promise<boolean> {
    if (alias === undefined) return false;
    return (await store.customActions.list(accountId)).some((r) => r.doc.AliasName === alias && r.id !== except);
  }

  /** The collection and id holding a taggable resource of the caller's account. */
  async function taggable(ctx: CallContext, arn: string): Promise<{ coll: Collection<{ Tags: Tag[] }>; id: string }> {
    const r = parseChatbotArn(arn);
    const notFound = () => new AwsError('ResourceNotFoundException', `No Chatbot resource ${arn} exists in account ${ctx.accountId}.`);
    if (!r || r.accountId !== ctx.accountId) throw notFound();
    const coll = (r.kind === 'custom-action' ? store.customActions
      : r.type === 'slack-channel' ? store.slackConfigs
        : r.type === 'microsoft-teams-channel' ? store.teamsConfigs : store.chimeConfigs) as unknown as Collection<{ Tags: Tag[] }>;
    if (!(await coll.get(ctx.accountId, r.name))) throw notFound();
    ctx.addResource(resourceType(r), arn);
    return { coll, id: r.name };
  }

  async function configurationExists(ctx: CallContext, arn: string): Promise<boolean> {
    const r = parseChatbotArn(arn);
    if (r?.kind !== 'configuration' || r.accountId !== ctx.accountId) return false;
    const coll = r.type === 'slack-channel' ? store.slackConfigs : r.type === 'microsoft-teams-channel' ? store.teamsConfigs : store.chimeConfigs;
    if ((await coll.get(ctx.accountId, r.name)) === undefined) return false;
    ctx.addResource(resourceType(r), arn);
    return true;
  }

  return {
    async CreateCustomAction(i: ActionInput, ctx: CallContext) {
      const tags = tagsForCreate(i.Tags, 'InvalidRequestException');
      refuseUnreachable(i.Attachments);
      const arn = customActionArn(ctx.accountId, i.ActionName);
      const existing = await store.customActions.get(ctx.accountId, i.ActionName);
      // The same ClientToken repeats a create that already happened: answer as the first time.
      if (existing && i.ClientToken !== undefined && existing.ClientToken === i.ClientToken) return { CustomActionArn: arn };
      if (existing) throw new AwsError('ConflictException', `A custom action named ${i.ActionName} already exists.`);
      if (await aliasTaken(ctx.accountId, i.AliasName, i.ActionName)) throw new AwsError('ConflictException', `Another custom action already uses the alias ${i.AliasName}.`);
      if ((await store.customActions.list(ctx.accountId)).length >= MAX_CUSTOM_ACTIONS) {
        throw new AwsError('LimitExceededException', `Account ${ctx.accountId} already has ${MAX_CUSTOM_ACTIONS} custom actions.`);
      }
      const action: CustomAction = {
        CustomActionArn: arn, Definition: i.Definition, AliasName: i.AliasName, Attachments: i.Attachments, ActionName: i.ActionName,
        Tags: tags, ClientToken: i.ClientToken, AccountId: ctx.accountId, CreatedAt: ctx.clock.now(),
      };
      if (!(await store.customActions.create(ctx.accountId, i.ActionName, action))) throw new AwsError('ConflictException', `A custom action named ${i.ActionName} already exists.`);
      ctx.addResource(CUSTOM_ACTION_TYPE, arn);
      return { CustomActionArn: arn };
    },

    async GetCustomAction(i: { CustomActionArn: string }, ctx: CallContext) {
      return { CustomAction: await findAction(ctx, i.CustomActionArn) };
    },

    async UpdateCustomAction(i: { CustomActionArn: string; Definition: { CommandText: string }; AliasName?: string; Attachments?: CustomActionAttachment[] }, ctx: CallContext) {
      const action = await findAction(ctx, i.CustomActionArn);
      refuseUnreachable(i.Attachments);
      if (await aliasTaken(ctx.accountId, i.AliasName, action.ActionName)) throw new AwsError('ConflictException', `Another custom action already uses the alias ${i.AliasName}.`);
      await store.customActions.put(ctx.accountId, action.ActionName, {
        ...action, Definition: i.Definition, AliasName: i.AliasName ?? action.AliasName, Attachments: i.Attachments ?? action.Attachments,
      });
      return { CustomActionArn: action.CustomActionArn };
    },

    async DeleteCustomAction(i: { CustomActionArn: string }, ctx: CallContext) {
      const action = await findAction(ctx, i.CustomActionArn);
      await store.customActions.delete(ctx.accountId, action.ActionName);
      for (const r of await store.associations.list(ctx.accountId)) {
        if (r.doc.Resource === action.CustomActionArn) await store.associations.delete(ctx.accountId, r.id);
      }
      return {};
    },

    async ListCustomActions(i: object, ctx: CallContext) {
      const page = pages.list('ListCustomActions', i, ctx, await store.customActions.list(ctx.accountId), rowId);
      return page.output(page.items.map((r) => r.doc.CustomActionArn));
    },

    async AssociateToConfiguration(i: { Resource: string; ChatConfiguration: string }, ctx: CallContext) {
      const action = await findAction(ctx, i.Resource, 'InvalidRequestException');
      // Stored before attachments were checked at create: still refused where it would matter.
      refuseUnreachable(action.Attachments);
      if (!(await configurationExists(ctx, i.ChatConfiguration))) {
        throw new AwsError('InvalidRequestException', `No chat configuration ${i.ChatConfiguration} exists in account ${ctx.accountId}.`);
      }
      await store.associations.put(ctx.accountId, `${i.ChatConfiguration}|${i.Resource}`, { ChatConfiguration: i.ChatConfiguration, Resource: i.Resource });
      return {};
    },

    async DisassociateFromConfiguration(i: { Resource: string; ChatConfiguration: string }, ctx: CallContext) {
      if (!(await store.associations.delete(ctx.accountId, `${i.ChatConfiguration}|${i.Resource}`))) {
        throw new AwsError('InvalidRequestException', `${i.Resource} is not associated with ${i.ChatConfiguration}.`);
      }
      for (const arn of [i.Resource, i.ChatConfiguration]) {
        const r = parseChatbotArn(arn);
        if (r) ctx.addResource(resourceType(r), arn);
      }
      return {};
    },

    async ListAssociations(i: { ChatConfiguration: string }, ctx: CallContext) {
      const rows = await store.associations.list(ctx.accountId, `${i.ChatConfiguration}|`);
      const page = pages.list('ListAssociations', i, ctx, rows, rowId, { parent: i.ChatConfiguration });
      return page.output(page.items.map((r) => ({ Resource: r.doc.Resource })));
    },

    async GetAccountPreferences(_i: Record<string, never>, ctx: CallContext) {
      return { AccountPreferences: await store.accountPreferences(ctx.accountId) };
    },

    async UpdateAccountPreferences(i: { UserAuthorizationRequired?: boolean; TrainingDataCollectionEnabled?: boolean }, ctx: CallContext) {
      const cur = await store.accountPreferences(ctx.accountId);
      const next = {
        UserAuthorizationRequired: i.UserAuthorizationRequired ?? cur.UserAuthorizationRequired,
        TrainingDataCollectionEnabled: i.TrainingDataCollectionEnabled ?? cur.TrainingDataCollectionEnabled,
      };
      await store.preferences.put(ctx.accountId, 'preferences', next);
      return { AccountPreferences: next };
    },

    async TagResource(i: { ResourceARN: string; Tags: Tag[] }, ctx: CallContext) {
      const { coll, id } = await taggable(ctx, i.ResourceARN);
      // Refused before the write: the merge throws TooManyTagsException beyond the limit.
      let refused: unknown;
      await coll.update(ctx.accountId, id, (cur) => {
        if (!cur) return cur;
        try { return { ...cur, Tags: tagResource(cur.Tags ?? [], i.Tags) }; } catch (e) { refused = e; return cur; }
      });
      if (refused) throw refused;
      return {};
    },

    async UntagResource(i: { ResourceARN: string; TagKeys: string[] }, ctx: CallContext) {
      const { coll, id } = await taggable(ctx, i.ResourceARN);
      await coll.update(ctx.accountId, id, (cur) => cur && { ...cur, Tags: untagResource(cur.Tags ?? [], i.TagKeys) });
      return {};
    },

    async ListTagsForResource(i: { ResourceARN: string }, ctx: CallContext) {
      const { coll, id } = await taggable(ctx, i.ResourceARN);
      return { Tags: (await coll.get(ctx.accountId, id))?.Tags ?? [] };
    },
  };
}
