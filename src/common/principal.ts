// Who is calling: the authenticated principal behind an access key, in the forms CloudTrail's
// userIdentity knows (Root, IAMUser, AssumedRole, FederatedUser, AWSService).
export type Principal = RootPrincipal | UserPrincipal | AssumedRolePrincipal | FederatedPrincipal | ServicePrincipal;

export interface RootPrincipal {
  type: 'Root';
  accountId: string;
  arn: string;
  accessKeyId: string;
  /** Set on GetSessionToken credentials (ASIA…): same permissions, recorded with a sessionContext. */
  sessionCreatedAt?: Date;
}

export interface UserPrincipal {
  type: 'IAMUser';
  accountId: string;
  arn: string;
  userName: string;
  /** The AIDA… unique id. */
  userId: string;
  accessKeyId: string;
  /** Set on GetSessionToken credentials (ASIA…): same permissions, recorded with a sessionContext. */
  sessionCreatedAt?: Date;
}

export interface AssumedRolePrincipal {
  type: 'AssumedRole';
  accountId: string;
  /** arn:aws:sts::<acct>:assumed-role/<role>/<session> */
  arn: string;
  roleName: string;
  roleArn: string;
  /** The AROA… unique id of the role. */
  roleId: string;
  sessionName: string;
  accessKeyId: string;
  sessionCreatedAt: Date;
  /** Inline session policy (AssumeRole's Policy), intersected with the role's policies. */
  sessionPolicy?: string;
  /** Managed session policies (AssumeRole's PolicyArns); with sessionPolicy they form the session policy. */
  sessionPolicyArns?: string[];
  /** A service that assumed the role on someone's behalf (AWS Chatbot), kept for the record. */
  assumedBy?: string;
}

export interface FederatedPrincipal {
  type: 'FederatedUser';
  accountId: string;
  arn: string;
  federatedName: string;
  accessKeyId: string;
  sessionCreatedAt: Date;
  /** The IAM user who called GetFederationToken. */
  issuer: { arn: string; userName: string; userId: string };
  sessionPolicy?: string;
  sessionPolicyArns?: string[];
}

export interface ServicePrincipal {
  type: 'AWSService';
  /** e.g. `chatbot.amazonaws.com` */
  service: string;
  /** The account the service acts for (a Chatbot configuration's): the request's aws:SourceAccount. */
  accountId: string;
  arn: string;
  accessKeyId: '';
  /** The resource the service acts for (the configuration's ARN): the request's aws:SourceArn. */
  sourceArn?: string;
}

/** Whether the principal signs with temporary credentials (any ASIA… key). */
export function isSession(p: Principal): boolean {
  if (p.type === 'AssumedRole' || p.type === 'FederatedUser') return true;
  return (p.type === 'IAMUser' || p.type === 'Root') && p.sessionCreatedAt !== undefined;
}

/** The id CloudTrail shows as principalId. */
export function principalId(p: Principal): string {
  switch (p.type) {
    case 'Root': return p.accountId;
    case 'IAMUser': return p.userId;
    case 'AssumedRole': return `${p.roleId}:${p.sessionName}`;
    case 'FederatedUser': return `${p.accountId}:${p.federatedName}`;
    case 'AWSService': return p.service;
  }
}

/** The user name LookupEvents filters on (`Username`): the user, the session or the root. */
export function lookupUserName(p: Principal): string | undefined {
  switch (p.type) {
    case 'Root': return 'root';
    case 'IAMUser': return p.userName;
    case 'AssumedRole': return p.sessionName;
    case 'FederatedUser': return p.federatedName;
    case 'AWSService': return undefined;
  }
}
