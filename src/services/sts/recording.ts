// How CloudTrail logs STS: credentials appear in responseElements without the secret (the model
// marks it sensitive), with the expiration in the Java date format; AssumeRole counts as read-only;
// MFA token codes are left out of requestParameters.
import type { RecordingRules } from '../../records/rules.js';
import { formatLoggedDate } from '../../records/record.js';

interface CredentialsOut { Credentials?: { AccessKeyId: string; SessionToken: string; Expiration: Date } }

function credentialsElement(o: CredentialsOut) {
  const c = o.Credentials;
  return c ? { accessKeyId: c.AccessKeyId, sessionToken: c.SessionToken, expiration: formatLoggedDate(c.Expiration) } : undefined;
}

export const stsRecording: RecordingRules = {
  eventSource: 'sts.amazonaws.com',
  // As in real records: AssumeRole and GetCallerIdentity are read-only, the two Get*Token calls are not.
  readOnly: ['AssumeRole', 'GetCallerIdentity'],
  notReadOnly: ['GetSessionToken', 'GetFederationToken'],
  // The MFA code is never logged; the device's serialNumber is (real GetSessionToken records).
  redact: ['TokenCode'],
  responseElements: {
    AssumeRole: (o) => {
      const out = o as CredentialsOut & { AssumedRoleUser?: { AssumedRoleId: string; Arn: string }; SourceIdentity?: string };
      return { credentials: credentialsElement(out), assumedRoleUser: out.AssumedRoleUser && { assumedRoleId: out.AssumedRoleUser.AssumedRoleId, arn: out.AssumedRoleUser.Arn }, ...(out.SourceIdentity ? { sourceIdentity: out.SourceIdentity } : {}) };
    },
    GetSessionToken: (o) => ({ credentials: credentialsElement(o as CredentialsOut) }),
    GetFederationToken: (o) => {
      const out = o as CredentialsOut & { FederatedUser?: { FederatedUserId: string; Arn: string }; PackedPolicySize?: number };
      return { credentials: credentialsElement(out), federatedUser: out.FederatedUser && { federatedUserId: out.FederatedUser.FederatedUserId, arn: out.FederatedUser.Arn }, packedPolicySize: out.PackedPolicySize };
    },
    GetCallerIdentity: () => null,
  },
};
