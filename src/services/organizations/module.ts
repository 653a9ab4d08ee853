// AWS Organizations (the subset organization trails need) as a feature module: the JSON API,
// recorded as a global service in us-east-1, and the accounts, OUs and roots each call is authorized
// on. Membership lives on IAM's Account documents.
import { loadModel } from '../../protocol/model.js';
import type { Module, ModuleDeps } from '../../core/module.js';
import { UNSCOPED, type ResourceResolver, type ServiceDefinition } from '../../core/service.js';
import { pinnedRegion } from '../../records/regions.js';
import { organizationsHandlers } from './handlers.js';
import { OrganizationStore, type OrganizationDoc } from '../../identity/organizations.js';

/** Input members naming an account, OU or root, per operation, in the order the operation acts on them. */
const ID_MEMBERS: Record<string, readonly string[]> = {
  DescribeAccount: ['AccountId'], RemoveAccountFromOrganization: ['AccountId'],
  MoveAccount: ['AccountId', 'SourceParentId', 'DestinationParentId'],
  CreateOrganizationalUnit: ['ParentId'], ListOrganizationalUnitsForParent: ['ParentId'], ListAccountsForParent: ['ParentId'], ListChildren: ['ParentId'],
  DescribeOrganizationalUnit: ['OrganizationalUnitId'], UpdateOrganizationalUnit: ['OrganizationalUnitId'], DeleteOrganizationalUnit: ['OrganizationalUnitId'],
  ListParents: ['ChildId'],
  EnablePolicyType: ['RootId'], DisablePolicyType: ['RootId'], AttachPolicy: ['TargetId'], DetachPolicy: ['TargetId'],
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
export function organizationsResolver(orgs: OrganizationStore): ResourceResolver {
  return async (op, input, ctx) => {
    const members = ID_MEMBERS[op];
    if (!members) return UNSCOPED;
    const org = await orgs.organizationFor(ctx.accountId);
    if (!org) return UNSCOPED;
    const ids = members.map((m) => input[m]).filter((v): v is string => typeof v === 'string');
    if (!ids.length) return UNSCOPED;
    return ids.map((id) => ({ arn: organizationEntityArn(org, id), accountId: org.managementAccountId }));
  };
}

export function organizationsModule(deps: ModuleDeps): Module {
  const orgs = new OrganizationStore(deps.stores.documents, deps.identity);
  const service: ServiceDefinition = {
    model: loadModel('organizations'),
    handlers: organizationsHandlers({ orgs, identity: deps.identity }),
    recording: { eventSource: 'organizations.amazonaws.com', globalRegion: pinnedRegion('organizations.amazonaws.com') },
    resolveResources: organizationsResolver(orgs),
    // Organizations reports malformed input as InvalidInputException, not ValidationException.
    validationErrorCode: 'InvalidInputException',
  };
  return { name: 'organizations', services: [service] };
}
