// Where organization policies live: one document per policy (in the management account), and one
// per organization holding the policy types enabled on its root and every attachment, in the
// order policies were attached (the order AWS merges policies attached to the same target).
import type { DocumentStore } from '../../storage/documents.js';

const GLOBAL = 'global';

export interface PolicyDoc {
  id: string;
  organizationId: string;
  arn: string;
  name: string;
  description: string;
  type: string;
  content: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface Attachment {
  policyId: string;
  targetId: string;
  type: string;
}

export interface OrgPolicyState {
  /** Policy types enabled on the root. */
  enabledTypes: string[];
  /** Oldest first. */
  attachments: Attachment[];
  updatedAt?: Date;
}

export class PolicyStore {
  constructor(private readonly docs: DocumentStore) {}

  private policyKey(managementAccountId: string, id: string) { return { kind: 'org-policy', accountId: managementAccountId, region: GLOBAL, id }; }
  // Read from member accounts too (the effective policy), so keyed by organization, not account.
  private stateKey(organizationId: string) { return { kind: 'org-policy-state', accountId: '*', region: GLOBAL, id: organizationId }; }

  async getPolicy(managementAccountId: string, organizationId: string, id: string): Promise<PolicyDoc | undefined> {
    const p = await this.docs.get<PolicyDoc>(this.policyKey(managementAccountId, id));
    // Policies of an organization since deleted stay unreachable from a new one.
    return p?.organizationId === organizationId ? p : undefined;
  }
  createPolicy(managementAccountId: string, p: PolicyDoc) { return this.docs.create(this.policyKey(managementAccountId, p.id), p); }
  putPolicy(managementAccountId: string, p: PolicyDoc) { return this.docs.put(this.policyKey(managementAccountId, p.id), p); }
  deletePolicy(managementAccountId: string, id: string) { return this.docs.delete(this.policyKey(managementAccountId, id)); }
  async listPolicies(managementAccountId: string, organizationId: string): Promise<PolicyDoc[]> {
    return (await this.docs.list<PolicyDoc>('org-policy', managementAccountId, GLOBAL)).map((r) => r.doc).filter((p) => p.organizationId === organizationId);
  }

  async state(organizationId: string): Promise<OrgPolicyState> {
    return (await this.docs.get<OrgPolicyState>(this.stateKey(organizationId))) ?? { enabledTypes: [], attachments: [] };
  }
  /** Read-modify-write of the state; `change` may throw, and then nothing is written. */
  async changeState(organizationId: string, change: (cur: OrgPolicyState) => OrgPolicyState): Promise<OrgPolicyState> {
    const after = await this.docs.update<OrgPolicyState>(this.stateKey(organizationId), (cur) => change(cur ?? { enabledTypes: [], attachments: [] }));
    return after ?? { enabledTypes: [], attachments: [] };
  }
}
