// Organization policies of the types chattrail enforces: chat applications policies
// (CHATBOT_POLICY, enforced by the chat module before a channel's command runs). Create, update,
// delete, attach and detach them, enable the type on the root, and read an account's effective
// policy. Other types (SCPs, tag, backup... policies) answer the model's error for a type that is
// not available, rather than accepting a policy that would silently not apply.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { IdentityStore } from '../../identity/store.js';
import type { OrganizationDoc } from '../../identity/organizations.js';
import type { Pages } from '../shared/pagination.js';
import { ENFORCED_TYPES, parseManagementPolicy, type Schema } from './management-policy.js';
import type { Attachment, OrgPolicyState, PolicyDoc, PolicyStore } from './policy-store.js';
import { targetOf, effectiveFor, type Target } from './targets.js';

export interface PolicyDeps {
  managed(ctx: CallContext): Promise<OrganizationDoc>;
  /** The caller's organization, from any member account. */
  member(ctx: CallContext): Promise<OrganizationDoc>;
  pages: Pages;
  policies: PolicyStore;
  identity: IdentityStore;
}

/** The AWS managed SCP every all-features organization has once SCPs are enabled. */
const FULL_AWS_ACCESS = 'p-FullAWSAccess';

const notAvailable = (type: string) => new AwsError('PolicyTypeNotAvailableForOrganizationException',
  `You can't use the specified policy type with the feature set currently enabled for this organization: chattrail does not enforce ${type} policies (it enforces ${Object.keys(ENFORCED_TYPES).join(', ')}).`);
const notEnabled = () => new AwsError('PolicyTypeNotEnabledException', "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.");
const noSuchPolicy = () => new AwsError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");
const duplicateName = () => new AwsError('DuplicatePolicyException', 'A policy with the same name already exists.');

function requireRoot(org: OrganizationDoc, rootId: string): void {
  if (rootId !== org.rootId) throw new AwsError('RootNotFoundException', "We can't find a root with the RootId that you specified.");
}

/** A root as ListRoots, EnablePolicyType and DisablePolicyType show it. */
export function rootShape(org: OrganizationDoc, state: OrgPolicyState) {
  return {
    Id: org.rootId, Arn: `arn:aws:organizations::${org.managementAccountId}:root/${org.id}/${org.rootId}`, Name: 'Root',
    PolicyTypes: state.enabledTypes.map((Type) => ({ Type, Status: 'ENABLED' })),
  };
}

const summary = (p: PolicyDoc) => ({ Id: p.id, Arn: p.arn, Name: p.name, Description: p.description, Type: p.type, AwsManaged: false });
const policyShape = (p: PolicyDoc) => ({ PolicySummary: summary(p), Content: p.content });
const targetShape = (t: Target) => ({ TargetId: t.id, Arn: t.arn, Name: t.name, Type: t.type });

function schemaOf(type: string): Schema {
  const schema = ENFORCED_TYPES[type];
  if (!schema) throw notAvailable(type);
  return schema;
}

export function policyHandlers(deps: PolicyDeps): Record<string, Handler> {
  const { managed, policies } = deps;
  const policy = async (org: OrganizationDoc, id: string): Promise<PolicyDoc> => {
    const p = await policies.getPolicy(org.managementAccountId, org.id, id);
    if (!p) throw noSuchPolicy();
    return p;
  };
  const target = async (org: OrganizationDoc, id: string) => {
    const t = await targetOf(org, id, deps.identity);
    if (!t) throw new AwsError('TargetNotFoundException', "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    return t;
  };
  const nameTaken = async (org: OrganizationDoc, p: { name: string; type: string; id?: string }) =>
    (await policies.listPolicies(org.managementAccountId, org.id)).some((q) => q.type === p.type && q.name === p.name && q.id !== p.id);
  const touch = (org: OrganizationDoc, now: Date) => policies.changeState(org.id, (cur) => ({ ...cur, updatedAt: now }));

  return {
    async EnablePolicyType(input: { RootId: string; PolicyType: string }, ctx: CallContext) {
      const org = await managed(ctx);
      requireRoot(org, input.RootId);
      schemaOf(input.PolicyType);
      if (org.featureSet !== 'ALL') throw notAvailable(input.PolicyType);
      const state = await policies.changeState(org.id, (cur) => {
        if (cur.enabledTypes.includes(input.PolicyType)) throw new AwsError('PolicyTypeAlreadyEnabledException', 'The specified policy type is already enabled.');
        return { ...cur, enabledTypes: [...cur.enabledTypes, input.PolicyType], updatedAt: ctx.clock.now() };
      });
      return { Root: rootShape(org, state) };
    },

    async DisablePolicyType(input: { RootId: string; PolicyType: string }, ctx: CallContext) {
      const org = await managed(ctx);
      requireRoot(org, input.RootId);
      // Disabling a type detaches every policy of that type, as in AWS.
      const state = await policies.changeState(org.id, (cur) => {
        if (!cur.enabledTypes.includes(input.PolicyType)) throw notEnabled();
        return {
          enabledTypes: cur.enabledTypes.filter((t) => t !== input.PolicyType),
          attachments: cur.attachments.filter((a) => a.type !== input.PolicyType), updatedAt: ctx.clock.now(),
        };
      });
      return { Root: rootShape(org, state) };
    },

    async CreatePolicy(input: { Name: string; Description: string; Type: string; Content: string }, ctx: CallContext) {
      const org = await managed(ctx);
      parseManagementPolicy(input.Content, schemaOf(input.Type));
      if (await nameTaken(org, { name: input.Name, type: input.Type })) throw duplicateName();
      const id = `p-${ctx.ids.alnum(10).toLowerCase()}`;
      const now = ctx.clock.now();
      const doc: PolicyDoc = {
        id, organizationId: org.id, arn: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${input.Type.toLowerCase()}/${id}`,
        name: input.Name, description: input.Description, type: input.Type, content: input.Content, createdAt: now, updatedAt: now,
      };
      await policies.createPolicy(org.managementAccountId, doc);
      return { Policy: policyShape(doc) };
    },

    async UpdatePolicy(input: { PolicyId: string; Name?: string; Description?: string; Content?: string }, ctx: CallContext) {
      const org = await managed(ctx);
      const was = await policy(org, input.PolicyId);
      if (input.Content !== undefined) parseManagementPolicy(input.Content, schemaOf(was.type));
      const next: PolicyDoc = {
        ...was, name: input.Name ?? was.name, description: input.Description ?? was.description, content: input.Content ?? was.content, updatedAt: ctx.clock.now(),
      };
      if (next.name !== was.name && (await nameTaken(org, next))) throw duplicateName();
      await policies.putPolicy(org.managementAccountId, next);
      await touch(org, next.updatedAt);
      return { Policy: policyShape(next) };
    },

    async DeletePolicy(input: { PolicyId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await policy(org, input.PolicyId);
      // Attachments to accounts that have since left the organization no longer count.
      const attachedTo = (await policies.state(org.id)).attachments.filter((a) => a.policyId === input.PolicyId);
      if ((await Promise.all(attachedTo.map((a) => targetOf(org, a.targetId, deps.identity)))).some((t) => t !== undefined)) {
        throw new AwsError('PolicyInUseException', 'The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.');
      }
      await policies.deletePolicy(org.managementAccountId, input.PolicyId);
      return {};
    },

    async DescribePolicy(input: { PolicyId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      return { Policy: policyShape(await policy(org, input.PolicyId)) };
    },

    async ListPolicies(input: { Filter: string }, ctx: CallContext) {
      const org = await managed(ctx);
      const all = (await policies.listPolicies(org.managementAccountId, org.id)).filter((p) => p.type === input.Filter);
      const p = deps.pages.list('ListPolicies', input, ctx, all, (q) => q.id, { parent: input.Filter });
      return p.output(p.items.map(summary));
    },

    async AttachPolicy(input: { PolicyId: string; TargetId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      // Only the AWS managed SCP can be named of the types chattrail does not offer, and its type is off.
      if (input.PolicyId === FULL_AWS_ACCESS) throw notEnabled();
      const p = await policy(org, input.PolicyId);
      await target(org, input.TargetId);
      await policies.changeState(org.id, (cur) => {
        if (!cur.enabledTypes.includes(p.type)) throw notEnabled();
        if (cur.attachments.some((a) => a.policyId === p.id && a.targetId === input.TargetId)) {
          throw new AwsError('DuplicatePolicyAttachmentException', 'The selected policy is already attached to the specified target.');
        }
        const added: Attachment = { policyId: p.id, targetId: input.TargetId, type: p.type };
        return { ...cur, attachments: [...cur.attachments, added], updatedAt: ctx.clock.now() };
      });
      return {};
    },

    async DetachPolicy(input: { PolicyId: string; TargetId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await policy(org, input.PolicyId);
      await target(org, input.TargetId);
      await policies.changeState(org.id, (cur) => {
        const left = cur.attachments.filter((a) => !(a.policyId === input.PolicyId && a.targetId === input.TargetId));
        if (left.length === cur.attachments.length) throw new AwsError('PolicyNotAttachedException', 'The policy isn\'t attached to the specified target in the specified root.');
        return { ...cur, attachments: left, updatedAt: ctx.clock.now() };
      });
      return {};
    },

    async ListPoliciesForTarget(input: { TargetId: string; Filter: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await target(org, input.TargetId);
      const ids = (await policies.state(org.id)).attachments.filter((a) => a.targetId === input.TargetId && a.type === input.Filter).map((a) => a.policyId);
      const docs = (await Promise.all(ids.map((id) => policies.getPolicy(org.managementAccountId, org.id, id)))).filter((d): d is PolicyDoc => d !== undefined);
      const p = deps.pages.list('ListPoliciesForTarget', input, ctx, docs, (d) => d.id, { parent: `${input.TargetId} ${input.Filter}`, resume: 'position' });
      return p.output(p.items.map(summary));
    },

    async ListTargetsForPolicy(input: { PolicyId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await policy(org, input.PolicyId);
      const ids = (await policies.state(org.id)).attachments.filter((a) => a.policyId === input.PolicyId).map((a) => a.targetId);
      const targets = (await Promise.all(ids.map((id) => targetOf(org, id, deps.identity)))).filter((t): t is Target => t !== undefined);
      const p = deps.pages.list('ListTargetsForPolicy', input, ctx, targets, (t) => t.id, { parent: input.PolicyId, resume: 'position' });
      return p.output(p.items.map(targetShape));
    },

    async DescribeEffectivePolicy(input: { PolicyType: string; TargetId?: string }, ctx: CallContext) {
      const org = await deps.member(ctx);
      const targetId = input.TargetId ?? ctx.accountId;
      // A member account sees its own effective policy only; the management account any account's.
      if (targetId !== ctx.accountId && org.managementAccountId !== ctx.accountId) throw new AwsError('AccessDeniedException', "You don't have permissions to access this resource.");
      const t = await target(org, targetId);
      if (t.type !== 'ACCOUNT') throw new AwsError('InvalidInputException', 'You can specify only an account as the target of an effective policy.', undefined, { Reason: 'TARGET_NOT_SUPPORTED' });
      const state = await policies.state(org.id);
      const found = ENFORCED_TYPES[input.PolicyType] && state.enabledTypes.includes(input.PolicyType)
        ? await effectiveFor(org, state, targetId, input.PolicyType, policies) : undefined;
      if (!found) throw new AwsError('EffectivePolicyNotFoundException', 'We can\'t find an effective policy of the specified type for the specified account.');
      return {
        EffectivePolicy: { PolicyContent: JSON.stringify(found.content), LastUpdatedTimestamp: state.updatedAt ?? org.createdAt, TargetId: targetId, PolicyType: input.PolicyType },
      };
    },
  };
}
