// AWS Organizations (the subset organization trails need) as a feature module: the JSON API,
// recorded as a global service in us-east-1, and the accounts, OUs, roots and policies each call is
// authorized on. Membership lives on IAM's Account documents. Offers `chatPolicies`: the effective
// chat applications policy (CHATBOT_POLICY) the chat module enforces.
import { loadModel } from '../../protocol/model.js';
import type { Module, ModuleDeps } from '../../core/module.js';
import { UNSCOPED, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { pinnedRegion } from '../../records/regions.js';
import { organizationsHandlers } from './handlers.js';
import { OrganizationStore, type OrganizationDoc } from '../../identity/organizations.js';
import type { ChatPolicyLookup } from '../../core/chat-policies.js';
import { PolicyStore } from './policy-store.js';
import { effectiveFor } from './targets.js';

/** Input members naming an account, OU or root, per operation, in the order the operation acts on them. */
const ID_MEMBERS: Record<string, readonly string[]> = {
  DescribeAccount: ['AccountId'], RemoveAccountFromOrganization: ['AccountId'],
  MoveAccount: ['AccountId', 'SourceParentId', 'DestinationParentId'],
  CreateOrganizationalUnit: ['ParentId'], ListOrganizationalUnitsForParent: ['ParentId'], ListAccountsForParent: ['ParentId'], ListChildren: ['ParentId'],
  DescribeOrganizationalUnit: ['OrganizationalUnitId'], UpdateOrganizationalUnit: ['OrganizationalUnitId'], DeleteOrganizationalUnit: ['OrganizationalUnitId'],
  ListParents: ['ChildId'],
  EnablePolicyType: ['RootId'], DisablePolicyType: ['RootId'], AttachPolicy: ['PolicyId', 'TargetId'], DetachPolicy: ['PolicyId', 'TargetId'],
  ListPoliciesForTarget: ['TargetId'],
  DescribePolicy: ['PolicyId'], UpdatePolicy: ['PolicyId'], DeletePolicy: ['PolicyId'], ListTargetsForPolicy: ['PolicyId'],
};

/** The ARN of an account, OU or root of an organization, as Organizations writes it. */
export function organizationEntityArn(o: Pick<OrganizationDoc, 'id' | 'managementAccountId'>, id: string): string {
  const kind = /^\d{12}$/.test(id) ? 'account' : id.startsWith('r-') ? 'root' : 'ou';
  return `arn:aws:organizations::${o.managementAccountId}:${kind}/${o.id}/${id}`;
}

/**
 * The accounts, OUs and roots an operation names, as ARNs of the caller's organization (owned by
 * its management account). The model's id patterns refuse any variant before this runs; with no
 * organization nothing can be reached, and the handlers say so.
 */
export function organizationsResolver(orgs: OrganizationStore, policies?: PolicyStore): ResourceResolver {
  return async (op, input, ctx) => {
    const members = ID_MEMBERS[op];
    if (!members) return UNSCOPED;
    const org = await orgs.organizationFor(ctx.accountId);
    if (!org) return UNSCOPED;
    const arns: string[] = [];
    for (const m of members) {
      const id = input[m];
      if (typeof id !== 'string') continue;
      if (m !== 'PolicyId') { arns.push(organizationEntityArn(org, id)); continue; }
      // A policy's ARN carries its type: only a stored policy has one (a missing one is the handler's to report).
      const p = await policies?.getPolicy(org.managementAccountId, org.id, id);
      if (p) arns.push(p.arn);
    }
    if (!arns.length) return UNSCOPED;
    return arns.map((arn) => ({ arn, accountId: org.managementAccountId }));
  };
}

/** The effective CHATBOT_POLICY of an account, read as AWS's services read it: no API call, no record. */
function chatPolicyLookup(orgs: OrganizationStore, policies: PolicyStore): ChatPolicyLookup {
  return {
    async effectiveChatPolicy(accountId) {
      const org = await orgs.organizationFor(accountId);
      if (!org) return undefined;
      const state = await policies.state(org.id);
      if (!state.enabledTypes.includes('CHATBOT_POLICY')) return undefined;
      const found = await effectiveFor(org, state, accountId, 'CHATBOT_POLICY', policies);
      return found && { organizationId: org.id, ...found };
    },
  };
}

export function organizationsModule(deps: ModuleDeps): Module {
  const orgs = new OrganizationStore(deps.stores.documents, deps.identity);
  const policies = new PolicyStore(deps.stores.documents);
  const service: ServiceDefinition = {
    model: loadModel('organizations'),
    handlers: organizationsHandlers({ orgs, identity: deps.identity, policies }),
    recording: { eventSource: 'organizations.amazonaws.com', globalRegion: pinnedRegion('organizations.amazonaws.com') },
    resolveResources: organizationsResolver(orgs, policies),
    // Organizations reports malformed input as InvalidInputException, not ValidationException.
    validationErrorCode: 'InvalidInputException',
  };
  return { name: 'organizations', services: [service], chatPolicies: chatPolicyLookup(orgs, policies) };
}
