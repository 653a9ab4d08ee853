// Organizational units and the organization's tree: create/describe/rename/delete OUs, move
// accounts between the root and OUs, and the tree listings (children, parents, OUs and accounts
// for a parent). The tree lives on the organization document: OUs by id, each member's parent.
import { AwsError } from '../../protocol/errors.js';
import type { Account, IdentityStore } from '../../identity/store.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { OrganizationDoc, OrganizationStore, OrganizationalUnitDoc } from '../../identity/organizations.js';
import { listOutput, paginatorOf, type Caller } from '../shared/pagination.js';

/** Which listing a page is of: its token is refused by any other (operation, caller, parent). */
export interface Listing {
  operation: string;
  caller: Caller;
  parent?: string;
}

export interface OuDeps {
  orgs: OrganizationStore;
  identity: IdentityStore;
  managed(ctx: CallContext): Promise<OrganizationDoc>;
  /** One page of `items` by the shared paging, by the input's token and page size. */
  page<T>(items: T[], key: (t: T) => string, input: object, listing: Listing): { slice: T[]; next?: string };
  accountShape(o: OrganizationDoc, a: Account): object;
}

/** The listing's output members, named by its paginator. */
const output = (operation: string, results: unknown[], next: string | undefined) => listOutput(paginatorOf('organizations', operation), results, next);

const parentNotFound = () => new AwsError('ParentNotFoundException', "We can't find a root or OU with the ParentId that you specified.");
const ouNotFound = () => new AwsError('OrganizationalUnitNotFoundException', "We can't find an OU with the OrganizationalUnitId that you specified.");
const duplicateOu = () => new AwsError('DuplicateOrganizationalUnitException', 'An OU with the same name already exists.');

export const ousOf = (o: OrganizationDoc): Record<string, OrganizationalUnitDoc> => o.ous ?? {};
/** Where an account sits: its OU, or the root. */
export const parentOf = (o: OrganizationDoc, accountId: string): string => o.members[accountId]?.parentId ?? o.rootId;

function isParent(o: OrganizationDoc, id: string): boolean {
  return id === o.rootId || ousOf(o)[id] !== undefined;
}

function pathOf(o: OrganizationDoc, ouId: string): string {
  const chain: string[] = [];
  for (let id: string | undefined = ouId; id && id !== o.rootId; id = ousOf(o)[id]?.parentId) chain.unshift(id);
  return `${o.id}/${o.rootId}/${chain.map((c) => `${c}/`).join('')}`;
}

export function ouShape(o: OrganizationDoc, ou: OrganizationalUnitDoc) {
  return { Id: ou.id, Arn: `arn:aws:organizations::${o.managementAccountId}:ou/${o.id}/${ou.id}`, Name: ou.name, Path: pathOf(o, ou.id) };
}

function childOus(o: OrganizationDoc, parentId: string): OrganizationalUnitDoc[] {
  return Object.values(ousOf(o)).filter((u) => u.parentId === parentId).sort((a, b) => (a.id < b.id ? -1 : 1));
}

function childAccounts(o: OrganizationDoc, parentId: string): string[] {
  return Object.keys(o.members).filter((a) => parentOf(o, a) === parentId).sort();
}

export function ouHandlers(deps: OuDeps): Record<string, Handler> {
  const { orgs, managed, page } = deps;
  /** Read-modify-write of the organization; `change` may throw and then nothing is written. */
  const changeOrg = (o: OrganizationDoc, change: (cur: OrganizationDoc) => OrganizationDoc) =>
    orgs.updateOrganization(o.id, (cur) => (cur ? change(cur) : cur));
  const ou = (o: OrganizationDoc, id: string) => {
    const u = ousOf(o)[id];
    if (!u) throw ouNotFound();
    return u;
  };
  return {
    async CreateOrganizationalUnit(input: { ParentId: string; Name: string }, ctx: CallContext) {
      const org = await managed(ctx);
      const created: OrganizationalUnitDoc = { id: `ou-${org.rootId.slice(2)}-${ctx.ids.alnum(8).toLowerCase()}`, name: input.Name, parentId: input.ParentId };
      const after = await changeOrg(org, (cur) => {
        if (!isParent(cur, input.ParentId)) throw parentNotFound();
        if (childOus(cur, input.ParentId).some((u) => u.name === input.Name)) throw duplicateOu();
        return { ...cur, ous: { ...ousOf(cur), [created.id]: created } };
      });
      return { OrganizationalUnit: ouShape(after ?? org, created) };
    },

    async DescribeOrganizationalUnit(input: { OrganizationalUnitId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      return { OrganizationalUnit: ouShape(org, ou(org, input.OrganizationalUnitId)) };
    },

    async UpdateOrganizationalUnit(input: { OrganizationalUnitId: string; Name?: string }, ctx: CallContext) {
      const org = await managed(ctx);
      const after = await changeOrg(org, (cur) => {
        const was = ou(cur, input.OrganizationalUnitId);
        const name = input.Name ?? was.name;
        if (childOus(cur, was.parentId).some((u) => u.name === name && u.id !== was.id)) throw duplicateOu();
        return { ...cur, ous: { ...ousOf(cur), [was.id]: { ...was, name } } };
      });
      const updated = after ?? org;
      return { OrganizationalUnit: ouShape(updated, ou(updated, input.OrganizationalUnitId)) };
    },

    async DeleteOrganizationalUnit(input: { OrganizationalUnitId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await changeOrg(org, (cur) => {
        const gone = ou(cur, input.OrganizationalUnitId);
        if (childOus(cur, gone.id).length || childAccounts(cur, gone.id).length) {
          throw new AwsError('OrganizationalUnitNotEmptyException', 'The specified OU is not empty. Move all accounts to another root or OU, remove all child OUs, and try again.');
        }
        const ous = { ...ousOf(cur) };
        delete ous[gone.id];
        return { ...cur, ous };
      });
      return {};
    },

    async MoveAccount(input: { AccountId: string; SourceParentId: string; DestinationParentId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      await changeOrg(org, (cur) => {
        if (!cur.members[input.AccountId]) throw new AwsError('AccountNotFoundException', "You specified an account that doesn't exist.");
        if (!isParent(cur, input.SourceParentId)) throw new AwsError('SourceParentNotFoundException', "We can't find a source root or OU with the ParentId that you specified.");
        if (!isParent(cur, input.DestinationParentId)) throw new AwsError('DestinationParentNotFoundException', "We can't find a destination root or OU with the ParentId that you specified.");
        const at = parentOf(cur, input.AccountId);
        if (at !== input.SourceParentId) throw new AwsError('AccountNotFoundException', "You specified an account that doesn't exist.");
        if (at === input.DestinationParentId) throw new AwsError('DuplicateAccountException', 'That account is already present in the specified destination.');
        return { ...cur, members: { ...cur.members, [input.AccountId]: { ...cur.members[input.AccountId], parentId: input.DestinationParentId } } };
      });
      return {};
    },

    async ListOrganizationalUnitsForParent(input: { ParentId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      if (!isParent(org, input.ParentId)) throw parentNotFound();
      const operation = 'ListOrganizationalUnitsForParent';
      const { slice, next } = page(childOus(org, input.ParentId), (u) => u.id, input, { operation, caller: ctx, parent: input.ParentId });
      return output(operation, slice.map((u) => ouShape(org, u)), next);
    },

    async ListAccountsForParent(input: { ParentId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      if (!isParent(org, input.ParentId)) throw parentNotFound();
      const operation = 'ListAccountsForParent';
      const { slice, next } = page(childAccounts(org, input.ParentId), (a) => a, input, { operation, caller: ctx, parent: input.ParentId });
      const accounts = await Promise.all(slice.map((id) => deps.identity.getAccount(id)));
      return output(operation, accounts.filter((a): a is Account => a !== undefined).map((a) => deps.accountShape(org, a)), next);
    },

    async ListChildren(input: { ParentId: string; ChildType: 'ACCOUNT' | 'ORGANIZATIONAL_UNIT' }, ctx: CallContext) {
      const org = await managed(ctx);
      if (!isParent(org, input.ParentId)) throw parentNotFound();
      const ids = input.ChildType === 'ACCOUNT' ? childAccounts(org, input.ParentId) : childOus(org, input.ParentId).map((u) => u.id);
      const listing = { operation: 'ListChildren', caller: ctx, parent: `${input.ParentId} ${input.ChildType}` };
      const { slice, next } = page(ids, (id) => id, input, listing);
      return output(listing.operation, slice.map((Id) => ({ Id, Type: input.ChildType })), next);
    },

    async ListParents(input: { ChildId: string }, ctx: CallContext) {
      const org = await managed(ctx);
      const parentId = org.members[input.ChildId] ? parentOf(org, input.ChildId) : ousOf(org)[input.ChildId]?.parentId;
      if (parentId === undefined) {
        throw new AwsError('ChildNotFoundException', "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
      }
      const parents = [{ Id: parentId, Type: parentId === org.rootId ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }];
      const { slice, next } = page(parents, (p) => p.Id, input, { operation: 'ListParents', caller: ctx, parent: input.ChildId });
      return output('ListParents', slice, next);
    },
  };
}
