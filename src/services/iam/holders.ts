// Users, groups and roles as holders of permission policies. Inline policies and attachments work the
// same on both; only names, quotas and wording differ, and those live here.
import type { IamDeps } from './deps.js';
import { requireGroup, requireRole, requireUser } from './common.js';

export interface PolicyHolder {
  name: string;
  arn: string;
  inlinePolicies: Record<string, string>;
  attachedPolicies: string[];
  /** Writes changed policy lists (or, for users and roles, the boundary) back onto the holder just loaded. */
  save(patch: { inlinePolicies?: Record<string, string>; attachedPolicies?: string[]; permissionsBoundary?: string }): Promise<void>;
}

export interface HolderKind {
  /** `user`, `group` or `role`, as IAM words its messages. */
  noun: 'user' | 'group' | 'role';
  nameMember: 'UserName' | 'GroupName' | 'RoleName';
  resourceType: string;
  /** IAM's quota on the total size of one holder's inline policies. */
  inlineQuota: number;
  /** The quota IAM names when too many managed policies are attached. */
  attachedQuotaName: string;
  load(deps: IamDeps, accountId: string, name: string): Promise<PolicyHolder>;
}

export const USER_HOLDER: HolderKind = {
  noun: 'user', nameMember: 'UserName', resourceType: 'AWS::IAM::User', inlineQuota: 2048, attachedQuotaName: 'PoliciesPerUser',
  async load(deps, accountId, name) {
    const u = await requireUser(deps.identity, accountId, name);
    return {
      name: u.userName, arn: u.arn, inlinePolicies: u.inlinePolicies, attachedPolicies: u.attachedPolicies,
      save: (patch) => deps.identity.putUser(accountId, { ...u, ...patch }),
    };
  },
};

export const GROUP_HOLDER: HolderKind = {
  noun: 'group', nameMember: 'GroupName', resourceType: 'AWS::IAM::Group', inlineQuota: 5120, attachedQuotaName: 'PoliciesPerGroup',
  async load(deps, accountId, name) {
    const g = await requireGroup(deps.identity, accountId, name);
    return {
      name: g.groupName, arn: g.arn, inlinePolicies: g.inlinePolicies, attachedPolicies: g.attachedPolicies,
      save: (patch) => deps.identity.putGroup(accountId, { ...g, ...patch }),
    };
  },
};

export const ROLE_HOLDER: HolderKind = {
  noun: 'role', nameMember: 'RoleName', resourceType: 'AWS::IAM::Role', inlineQuota: 10240, attachedQuotaName: 'PoliciesPerRole',
  async load(deps, accountId, name) {
    const r = await requireRole(deps.identity, accountId, name);
    return {
      name: r.roleName, arn: r.arn, inlinePolicies: r.inlinePolicies, attachedPolicies: r.attachedPolicies,
      save: (patch) => deps.identity.putRole(accountId, { ...r, ...patch }),
    };
  },
};

/** Input members of the holder-generic operations; the holder's name member is read by key. */
export type HolderInput = Record<string, string | number | undefined>;

export async function loadHolder(kind: HolderKind, deps: IamDeps, input: HolderInput, accountId: string): Promise<PolicyHolder> {
  return kind.load(deps, accountId, String(input[kind.nameMember]));
}
