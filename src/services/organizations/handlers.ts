// AWS Organizations operations: one organization per management account, accounts created as
// real chattrail accounts reachable through OrganizationAccountAccessRole, and the minimal
// leave/remove/delete lifecycle. The management account is whoever called CreateOrganization.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import { Pages } from '../shared/pagination.js';
import type { Account, IdentityStore, IamRole } from '../../identity/store.js';
import { newAccountId } from '../../identity/accounts.js';
import type { CreateAccountStatusDoc, OrganizationDoc, OrganizationStore } from '../../identity/organizations.js';
import { ouHandlers, type Listing } from './ous.js';
import { policyHandlers, rootShape } from './policies.js';
import type { PolicyStore } from './policy-store.js';

export interface OrganizationsDeps {
  orgs: OrganizationStore;
  identity: IdentityStore;
  policies: PolicyStore;
}

/**
 * Organizations' listings (src/services/shared/pagination.ts): 20 a page, in each listing's own
 * order; a token names the last item served, which must still be listed.
 */
const pages = new Pages({
  service: 'organizations', defaultLimit: 20,
  badToken: () => new AwsError('InvalidInputException', 'You provided an invalid value for the NextToken parameter.', undefined, { Reason: 'INVALID_NEXT_TOKEN' }),
});

/** One page of a listing (ous.ts takes it as a dependency). */
function page<T>(items: T[], key: (t: T) => string, input: object, listing: Listing) {
  const p = pages.list(listing.operation, input, listing.caller, items, key, { parent: listing.parent, resume: 'position' });
  return { slice: p.items, next: p.next };
}

const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
const NOT_IN_USE = 'Your account is not a member of an organization.';
const DENIED = "You don't have permissions to access this resource.";
const NO_ACCOUNT = "You specified an account that doesn't exist.";

const orgBase = (o: OrganizationDoc) => `arn:aws:organizations::${o.managementAccountId}`;
/** Accounts created without an email (the first-start account) still need one to show. */
export const emailOf = (a: Account) => a.email ?? `${a.accountId}@chattrail.invalid`;

function organizationShape(o: OrganizationDoc) {
  return {
    Id: o.id, Arn: `${orgBase(o)}:organization/${o.id}`, FeatureSet: o.featureSet,
    MasterAccountArn: `${orgBase(o)}:account/${o.id}/${o.managementAccountId}`, MasterAccountId: o.managementAccountId,
    MasterAccountEmail: o.managementAccountEmail,
    // Deprecated in AWS's model ("doesn't provide complete information"): the root's PolicyTypes
    // (ListRoots) say which types are enabled.
    AvailablePolicyTypes: [],
  };
}

function accountShape(o: OrganizationDoc, a: Account) {
  const m = o.members[a.accountId];
  return {
    Id: a.accountId, Arn: `${orgBase(o)}:account/${o.id}/${a.accountId}`, Email: emailOf(a), Name: a.name,
    Status: 'ACTIVE', State: 'ACTIVE', JoinedMethod: m?.joinedMethod ?? 'INVITED', JoinedTimestamp: m?.joinedAt ?? o.createdAt,
  };
}

function statusShape(s: CreateAccountStatusDoc) {
  return {
    Id: s.id, AccountName: s.accountName, State: s.state, RequestedTimestamp: s.requestedAt, CompletedTimestamp: s.completedAt,
    AccountId: s.accountId, FailureReason: s.failureReason,
  };
}

/** The role AWS puts in every account it creates, so the management account can administer it. */
function accessRole(ctx: CallContext, accountId: string, managementAccountId: string, roleName: string): IamRole {
  return {
    roleName, roleId: `AROA${ctx.ids.alnum(17)}`, arn: `arn:aws:iam::${accountId}:role/${roleName}`, path: '/',
    createDate: ctx.clock.now(), maxSessionDuration: 3600, tags: [], inlinePolicies: {}, attachedPolicies: [ADMINISTRATOR_ACCESS],
    assumeRolePolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
    }),
  };
}

export function organizationsHandlers(deps: OrganizationsDeps): Record<string, Handler> {
  const { orgs, identity, policies } = deps;

  async function myOrganization(ctx: CallContext): Promise<OrganizationDoc> {
    const org = await orgs.organizationFor(ctx.accountId);
    if (!org) throw new AwsError('AWSOrganizationsNotInUseException', NOT_IN_USE);
    return org;
  }

  /** Operations only the management account may call. */
  async function managedOrganization(ctx: CallContext): Promise<OrganizationDoc> {
    const org = await myOrganization(ctx);
    if (org.managementAccountId !== ctx.accountId) throw new AwsError('AccessDeniedException', DENIED);
    return org;
  }

  return {
    async CreateOrganization(input: { FeatureSet?: 'ALL' | 'CONSOLIDATED_BILLING' }, ctx: CallContext) {
      const account = await identity.getAccount(ctx.accountId);
      if (!account) throw new AwsError('AccessDeniedException', DENIED);
      if (account.organizationId) throw new AwsError('AlreadyInOrganizationException', 'The AWS account is already a member of an organization.');
      const id = `o-${ctx.ids.alnum(10).toLowerCase()}`;
      const now = ctx.clock.now();
      const org: OrganizationDoc = {
        id, featureSet: input.FeatureSet ?? 'ALL', managementAccountId: ctx.accountId, managementAccountEmail: emailOf(account),
        rootId: `r-${ctx.ids.alnum(4).toLowerCase()}`, createdAt: now, arn: `arn:aws:organizations::${ctx.accountId}:organization/${id}`,
        members: { [ctx.accountId]: { joinedAt: now, joinedMethod: 'INVITED' } },
      };
      await orgs.createOrganization(org);
      await orgs.setMembership(ctx.accountId, id);
      return { Organization: organizationShape(org) };
    },

    async DescribeOrganization(_input: unknown, ctx: CallContext) {
      return { Organization: organizationShape(await myOrganization(ctx)) };
    },

    async CreateAccount(input: { Email: string; AccountName: string; RoleName?: string }, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const now = ctx.clock.now();
      const status: CreateAccountStatusDoc = {
        id: `car-${ctx.ids.uuid().replace(/-/g, '')}`, organizationId: org.id, accountName: input.AccountName, state: 'SUCCEEDED', requestedAt: now, completedAt: now,
      };
      const taken = (await identity.listAccounts()).some((a) => a.email?.toLowerCase() === input.Email.toLowerCase());
      if (taken) {
        // AWS reports this through the request's status, not as an error of the call.
        Object.assign(status, { state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' });
      } else {
        const accountId = newAccountId(ctx.ids);
        await identity.createAccount({ accountId, name: input.AccountName, email: input.Email, createdAt: now, organizationId: org.id });
        await identity.createRole(accountId, accessRole(ctx, accountId, org.managementAccountId, input.RoleName ?? 'OrganizationAccountAccessRole'));
        await orgs.updateOrganization(org.id, (cur) => cur && { ...cur, members: { ...cur.members, [accountId]: { joinedAt: now, joinedMethod: 'CREATED' } } });
        status.accountId = accountId;
      }
      await orgs.putCreateStatus(org.managementAccountId, status);
      return { CreateAccountStatus: statusShape(status) };
    },

    async DescribeCreateAccountStatus(input: { CreateAccountRequestId: string }, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const status = await orgs.getCreateStatus(org.managementAccountId, input.CreateAccountRequestId);
      if (!status) throw new AwsError('CreateAccountStatusNotFoundException', "We can't find an create account request with the CreateAccountRequestId that you specified.");
      return { CreateAccountStatus: statusShape(status) };
    },

    async ListCreateAccountStatus(input: { States?: string[] }, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const all = (await orgs.listCreateStatuses(org.managementAccountId))
        .filter((s) => s.organizationId === org.id && (!input.States?.length || input.States.includes(s.state)))
        .sort((a, b) => new Date(b.requestedAt).getTime() - new Date(a.requestedAt).getTime() || (a.id < b.id ? -1 : 1));
      const p = pages.list('ListCreateAccountStatus', input, ctx, all, (s) => s.id, { resume: 'position' });
      return p.output(p.items.map(statusShape));
    },

    async ListAccounts(input: object, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const accounts = (await orgs.accountsOf(org.id)).sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
      const p = pages.list('ListAccounts', input, ctx, accounts, (a) => a.accountId, { resume: 'position' });
      return p.output(p.items.map((a) => accountShape(org, a)));
    },

    async DescribeAccount(input: { AccountId: string }, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const account = await identity.getAccount(input.AccountId);
      if (!account || account.organizationId !== org.id) throw new AwsError('AccountNotFoundException', NO_ACCOUNT);
      return { Account: accountShape(org, account) };
    },

    async ListRoots(input: object, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const root = rootShape(org, await policies.state(org.id));
      const p = pages.list('ListRoots', input, ctx, [root], (r) => r.Id, { resume: 'position' });
      return p.output(p.items);
    },

    async LeaveOrganization(_input: unknown, ctx: CallContext) {
      const org = await myOrganization(ctx);
      await removeMember(org, ctx.accountId);
      return {};
    },

    ...ouHandlers({ orgs, identity, managed: managedOrganization, page, accountShape }),
    ...policyHandlers({ managed: managedOrganization, member: myOrganization, pages, policies, identity }),

    async RemoveAccountFromOrganization(input: { AccountId: string }, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const account = await identity.getAccount(input.AccountId);
      if (!account || account.organizationId !== org.id) throw new AwsError('AccountNotFoundException', NO_ACCOUNT);
      await removeMember(org, input.AccountId);
      return {};
    },

    async DeleteOrganization(_input: unknown, ctx: CallContext) {
      const org = await managedOrganization(ctx);
      const others = (await orgs.accountsOf(org.id)).filter((a) => a.accountId !== org.managementAccountId);
      if (others.length) {
        throw new AwsError('OrganizationNotEmptyException', 'To delete an organization you must first remove all member accounts (except the management account).');
      }
      await orgs.setMembership(org.managementAccountId, undefined);
      await orgs.deleteOrganization(org.id);
      return {};
    },
  };

  async function removeMember(org: OrganizationDoc, accountId: string): Promise<void> {
    if (accountId === org.managementAccountId) {
      throw new AwsError('MasterCannotLeaveOrganizationException', "You can't remove the management account from an AWS organization. To remove it, delete the organization.");
    }
    await orgs.setMembership(accountId, undefined);
    await orgs.updateOrganization(org.id, (cur) => {
      if (!cur) return cur;
      const members = { ...cur.members };
      delete members[accountId];
      return { ...cur, members };
    });
  }
}
