// The AWS service principals chattrail's own features act as, named once. A feature that calls an
// API as a service (AWS Chatbot subscribing to a topic) or checks what a policy grants a service
// (CloudTrail delivering to a bucket) takes the name from here.
import type { ServicePrincipal } from './principal.js';

export const servicePrincipals = {
  chatbot: 'chatbot.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
} as const;

export type ServicePrincipalName = (typeof servicePrincipals)[keyof typeof servicePrincipals];

/** The service acting for `accountId` (aws:SourceAccount) and, when given, one of its resources (aws:SourceArn). */
export function servicePrincipal(service: ServicePrincipalName, accountId: string, sourceArn?: string): ServicePrincipal {
  return { type: 'AWSService', service, accountId, arn: service, accessKeyId: '', ...(sourceArn === undefined ? {} : { sourceArn }) };
}
