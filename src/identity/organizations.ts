// AWS Organizations' state: one document per organization, membership on the Account documents
// (`organizationId`), and CreateAccount requests. `organizationOf` is the read API trails use to
// find every member of an organization trail.
import type { DocumentStore } from '../storage/documents.js';
import { GLOBAL, ANY_ACCOUNT, type Account, type IdentityStore } from './store.js';

export interface OrganizationDoc {
  id: string;
  arn: string;
  featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
  managementAccountId: string;
  managementAccountEmail: string;
  rootId: string;
  createdAt: Date;
  /** When each member joined and how (the management account counts as INVITED, as in AWS), and its OU (absent: the root). */
  members: Record<string, { joinedAt: Date; joinedMethod: 'CREATED' | 'INVITED'; parentId?: string }>;
  /** Organizational units by id; absent on organizations stored before OUs existed. */
  ous?: Record<string, OrganizationalUnitDoc>;
}

export interface OrganizationalUnitDoc {
  id: string;
  name: string;
  /** The root id or another OU's id. */
  parentId: string;
}

export interface CreateAccountStatusDoc {
  id: string;
  organizationId: string;
  accountName: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  requestedAt: Date;
  completedAt?: Date;
  accountId?: string;
  failureReason?: string;
}

export interface OrganizationView {
  id: string;
  managementAccountId: string;
  memberAccountIds: string[];
}

export class OrganizationStore {
  constructor(private readonly docs: DocumentStore, private readonly identity: IdentityStore) {}

  // Organizations are looked up by id from any member account, so they live outside any one account.
  private orgKey(id: string) { return { kind: 'organization', accountId: ANY_ACCOUNT, region: GLOBAL, id }; }
  private statusKey(managementAccountId: string, id: string) { return { kind: 'org-create-account-status', accountId: managementAccountId, region: GLOBAL, id }; }

  getOrganization(id: string) { return this.docs.get<OrganizationDoc>(this.orgKey(id)); }
  createOrganization(o: OrganizationDoc) { return this.docs.create(this.orgKey(o.id), o); }
  updateOrganization(id: string, fn: (cur: OrganizationDoc | undefined) => OrganizationDoc | undefined) { return this.docs.update(this.orgKey(id), fn); }
  deleteOrganization(id: string) { return this.docs.delete(this.orgKey(id)); }

  getCreateStatus(managementAccountId: string, id: string) { return this.docs.get<CreateAccountStatusDoc>(this.statusKey(managementAccountId, id)); }
  putCreateStatus(managementAccountId: string, s: CreateAccountStatusDoc) { return this.docs.put(this.statusKey(managementAccountId, s.id), s); }
  async listCreateStatuses(managementAccountId: string): Promise<CreateAccountStatusDoc[]> {
    return (await this.docs.list<CreateAccountStatusDoc>('org-create-account-status', managementAccountId, GLOBAL)).map((r) => r.doc);
  }

  /** The organization an account belongs to, if any. */
  async organizationFor(accountId: string): Promise<OrganizationDoc | undefined> {
    const account = await this.identity.getAccount(accountId);
    return account?.organizationId ? this.getOrganization(account.organizationId) : undefined;
  }

  /** Sets or clears an account's membership on its Account document. */
  async setMembership(accountId: string, organizationId: string | undefined): Promise<Account | undefined> {
    const account = await this.identity.getAccount(accountId);
    if (!account) return undefined;
    const next: Account = { ...account };
    if (organizationId) next.organizationId = organizationId;
    else delete next.organizationId;
    await this.identity.putAccount(next);
    return next;
  }

  async accountsOf(organizationId: string): Promise<Account[]> {
    return (await this.identity.listAccounts()).filter((a) => a.organizationId === organizationId);
  }

  /** For trails: the organization `accountId` belongs to, with every member (management included). */
  async organizationOf(accountId: string): Promise<OrganizationView | undefined> {
    const org = await this.organizationFor(accountId);
    if (!org) return undefined;
    const members = (await this.accountsOf(org.id)).map((a) => a.accountId).sort();
    return { id: org.id, managementAccountId: org.managementAccountId, memberAccountIds: members };
  }
}

/** `organizationOf` without holding a store: what the trails engineer calls. */
export function organizationOf(docs: DocumentStore, identity: IdentityStore, accountId: string): Promise<OrganizationView | undefined> {
  return new OrganizationStore(docs, identity).organizationOf(accountId);
}
