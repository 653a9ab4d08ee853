// Organization policies (SCPs, tag, backup... policies): chattrail evaluates none of them, so it
// offers none. Enabling a type, creating or attaching a policy answers the model's error for a
// type that is not available, rather than accepting a guardrail that would silently not apply.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { OrganizationDoc } from '../../identity/organizations.js';
import type { Pages } from '../shared/pagination.js';

export interface PolicyDeps {
  managed(ctx: CallContext): Promise<OrganizationDoc>;
  pages: Pages;
}

/** The AWS managed SCP every all-features organization has once SCPs are enabled. */
const FULL_AWS_ACCESS = 'p-FullAWSAccess';

const notAvailable = (type: string) => new AwsError('PolicyTypeNotAvailableForOrganizationException',
  `You can't use the specified policy type with the feature set currently enabled for this organization: chattrail does not enforce ${type} policies.`);
const notEnabled = () => new AwsError('PolicyTypeNotEnabledException',
  "The specified policy type isn't currently enabled in this root: chattrail enforces no organization policy types.");
const noSuchPolicy = () => new AwsError('PolicyNotFoundException', "We can't find a policy with the PolicyId that you specified.");

function requireRoot(org: OrganizationDoc, rootId: string): void {
  if (rootId !== org.rootId) throw new AwsError('RootNotFoundException', "We can't find a root with the RootId that you specified.");
}

export function policyHandlers(deps: PolicyDeps): Record<string, Handler> {
  return {
    async EnablePolicyType(input: { RootId: string; PolicyType: string }, ctx: CallContext) {
      requireRoot(await deps.managed(ctx), input.RootId);
      throw notAvailable(input.PolicyType);
    },

    async DisablePolicyType(input: { RootId: string; PolicyType: string }, ctx: CallContext) {
      requireRoot(await deps.managed(ctx), input.RootId);
      throw notEnabled();
    },

    async CreatePolicy(input: { Type: string }, ctx: CallContext) {
      await deps.managed(ctx);
      throw notAvailable(input.Type);
    },

    async AttachPolicy(input: { PolicyId: string; TargetId: string }, ctx: CallContext) {
      await deps.managed(ctx);
      // No policy can be created, so only the AWS managed one can be named, and its type is off.
      throw input.PolicyId === FULL_AWS_ACCESS ? notEnabled() : noSuchPolicy();
    },

    async DescribePolicy(_input: { PolicyId: string }, ctx: CallContext) {
      await deps.managed(ctx);
      throw noSuchPolicy();
    },

    async ListPolicies(input: { Filter: string }, ctx: CallContext) {
      await deps.managed(ctx);
      return deps.pages.list('ListPolicies', input, ctx, [], String, { parent: input.Filter }).output([]);
    },
  };
}
