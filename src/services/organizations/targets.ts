// Policy targets (the root, OUs, accounts) and the effective policy of an account: the policies
// attached along its path from the root, level by level, merged as management policies merge.
import type { IdentityStore } from '../../identity/store.js';
import type { OrganizationDoc } from '../../identity/organizations.js';
import { ousOf, parentOf } from './ous.js';
import { effectivePolicy, type AttachedPolicy, type Effective } from './effective.js';
import { parseManagementPolicy, ENFORCED_TYPES } from './management-policy.js';
import type { OrgPolicyState, PolicyStore } from './policy-store.js';

export interface Target {
  id: string;
  arn: string;
  name: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT';
}

/** The root, OU or member account `id` names in the organization, if any. */
export async function targetOf(org: OrganizationDoc, id: string, identity: IdentityStore): Promise<Target | undefined> {
  const base = `arn:aws:organizations::${org.managementAccountId}`;
  if (id === org.rootId) return { id, arn: `${base}:root/${org.id}/${id}`, name: 'Root', type: 'ROOT' };
  const ou = ousOf(org)[id];
  if (ou) return { id, arn: `${base}:ou/${org.id}/${id}`, name: ou.name, type: 'ORGANIZATIONAL_UNIT' };
  if (!org.members[id]) return undefined;
  const account = await identity.getAccount(id);
  return { id, arn: `${base}:account/${org.id}/${id}`, name: account?.name ?? id, type: 'ACCOUNT' };
}

/** The targets whose policies an account inherits, root first, the account last. */
export function pathOf(org: OrganizationDoc, accountId: string): string[] {
  const chain: string[] = [accountId];
  for (let at = parentOf(org, accountId); at !== org.rootId; at = ousOf(org)[at]?.parentId ?? org.rootId) chain.unshift(at);
  return [org.rootId, ...chain];
}

/**
 * The effective policy of `type` for a member account; undefined when no policy of the type is
 * attached anywhere on its path (AWS then has no effective policy to show).
 */
export async function effectiveFor(org: OrganizationDoc, state: OrgPolicyState, accountId: string, type: string, store: PolicyStore): Promise<Effective | undefined> {
  const schema = ENFORCED_TYPES[type];
  if (!schema || !org.members[accountId]) return undefined;
  const levels: AttachedPolicy[][] = [];
  for (const targetId of pathOf(org, accountId)) {
    const level: AttachedPolicy[] = [];
    for (const a of state.attachments.filter((x) => x.targetId === targetId && x.type === type)) {
      const p = await store.getPolicy(org.managementAccountId, org.id, a.policyId);
      // Stored content was checked when written; the schema only grows, so it parses again.
      if (p) level.push({ ref: { policyId: p.id, policyName: p.name }, content: parseManagementPolicy(p.content, schema) });
    }
    levels.push(level);
  }
  if (!levels.some((l) => l.length)) return undefined;
  return effectivePolicy(levels);
}
