// Account-wide IAM: the account summary (real counts of what this account holds, and IAM's
// default quotas) and the account alias, kept on the Account document.
import { AwsError } from '../../protocol/errors.js';
import type { CallContext, Handler } from '../../core/service.js';
import type { Account } from '../../identity/store.js';
import type { IamDeps } from './deps.js';
import { nowSeconds, pages } from './common.js';

/** The Account document with the alias IAM lets an account have (one at most). */
type AliasedAccount = Account & { accountAliases?: string[] };

/** IAM's default quotas, reported by GetAccountSummary beside the counts. */
const QUOTAS = {
  UsersQuota: 5000, GroupsQuota: 300, RolesQuota: 1000, PoliciesQuota: 1500, InstanceProfilesQuota: 1000,
  ServerCertificatesQuota: 20, UserPolicySizeQuota: 2048, GroupPolicySizeQuota: 5120, RolePolicySizeQuota: 10240,
  AssumeRolePolicySizeQuota: 2048, PolicySizeQuota: 6144, GroupsPerUserQuota: 10, SigningCertificatesPerUserQuota: 2,
  AccessKeysPerUserQuota: 2, AttachedPoliciesPerUserQuota: 10, AttachedPoliciesPerRoleQuota: 10, AttachedPoliciesPerGroupQuota: 10,
  VersionsPerPolicyQuota: 5, PolicyVersionsInUseQuota: 10000, GlobalEndpointTokenVersion: 1,
};

async function loadAccount(deps: IamDeps, ctx: CallContext): Promise<AliasedAccount> {
  const found = await deps.identity.getAccount(ctx.accountId);
  // Accounts made before chattrail stored them (or by tests) get their document on first write.
  return (found as AliasedAccount | undefined) ?? { accountId: ctx.accountId, name: ctx.accountId, createdAt: nowSeconds(ctx) };
}

async function summary(deps: IamDeps, ctx: CallContext): Promise<Record<string, number>> {
  const { identity } = deps;
  const users = await identity.listUsers(ctx.accountId);
  const roles = await identity.listRoles(ctx.accountId);
  const policies = await identity.listPolicies(ctx.accountId);
  const groups = await identity.listGroups(ctx.accountId);
  const profiles = await identity.listInstanceProfiles(ctx.accountId);
  const rootKeys = await identity.listAccessKeys(ctx.accountId, undefined);
  const attachments = [...users, ...groups, ...roles].reduce((n, h) => n + h.attachedPolicies.length, 0);
  return {
    Users: users.length, Roles: roles.length, Groups: groups.length, Policies: policies.length, PolicyVersionsInUse: attachments,
    InstanceProfiles: profiles.length, ServerCertificates: 0, Providers: 0, MFADevices: 0, MFADevicesInUse: 0, AccountMFAEnabled: 0,
    AccountAccessKeysPresent: rootKeys.length ? 1 : 0, AccountSigningCertificatesPresent: 0, ...QUOTAS,
  };
}

export function accountHandlers(deps: IamDeps): Record<string, Handler> {
  const { identity } = deps;
  return {
    async GetAccountSummary(_input: Record<string, never>, ctx: CallContext) {
      return { SummaryMap: await summary(deps, ctx) };
    },

    async ListAccountAliases(input: object, ctx: CallContext) {
      const account = await loadAccount(deps, ctx);
      const page = pages.list('ListAccountAliases', input, ctx, account.accountAliases ?? [], (a) => a);
      return page.output(page.items);
    },

    async CreateAccountAlias(input: { AccountAlias: string }, ctx: CallContext) {
      // Aliases name sign-in URLs, so one may belong to one account only across the deployment.
      const others = (await identity.listAccounts()) as AliasedAccount[];
      if (others.some((a) => a.accountId !== ctx.accountId && a.accountAliases?.includes(input.AccountAlias))) {
        throw new AwsError('EntityAlreadyExists', `The account alias ${input.AccountAlias} already exists.`);
      }
      const account = await loadAccount(deps, ctx);
      // An account has at most one alias: a new one replaces the old, as the console's "Edit" relies on.
      const updated: AliasedAccount = { ...account, accountAliases: [input.AccountAlias] };
      await identity.putAccount(updated);
    },

    async DeleteAccountAlias(input: { AccountAlias: string }, ctx: CallContext) {
      const account = await loadAccount(deps, ctx);
      if (!account.accountAliases?.includes(input.AccountAlias)) {
        throw new AwsError('NoSuchEntity', `The account alias ${input.AccountAlias} cannot be found.`);
      }
      const updated: AliasedAccount = { ...account, accountAliases: account.accountAliases.filter((a) => a !== input.AccountAlias) };
      await identity.putAccount(updated);
    },
  };
}
