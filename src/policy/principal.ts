// Matching a request's caller against a Principal / NotPrincipal element of a trust or resource
// policy: `*`, account ids and `:root` (anyone in that account), user and role ARNs (a role is
// matched by its assumed-role sessions), service principals, and federated providers.

import type { PrincipalSpec } from './document.js';
import { equalsIgnoreCase } from './match.js';
import type { RequestPrincipal } from './request.js';

export function principalMatches(spec: PrincipalSpec, who: RequestPrincipal | undefined): boolean {
  if (spec === '*') return true;
  for (const type in spec) {
    const ids = spec[type];
    if (ids === undefined) continue;
    if (typeof ids === 'string') {
      if (idMatches(type, ids, who)) return true;
    } else {
      for (const id of ids) if (idMatches(type, id, who)) return true;
    }
  }
  return false;
}

function idMatches(type: string, id: string, who: RequestPrincipal | undefined): boolean {
  // AWS documents {"AWS": "*"} as the same as "*": everyone, anonymous callers included.
  if (type === 'AWS' && id === '*') return true;
  if (who === undefined) return false;
  switch (type) {
    case 'AWS':
      return awsIdMatches(id, who);
    case 'Service':
      return who.type === 'AWSService' && who.service !== undefined && equalsIgnoreCase(who.service, id);
    case 'Federated':
      return who.arn === id;
    default:
      // CanonicalUser ids are S3 legacy; chattrail issues none, so nothing matches them.
      return false;
  }
}

const ACCOUNT_ID = /^\d{12}$/;

function awsIdMatches(id: string, who: RequestPrincipal): boolean {
  if (who.type === 'AWSService') return false;
  if (id === who.arn) return true;
  if (ACCOUNT_ID.test(id)) return who.accountId === id;
  const arn = splitArn(id);
  if (arn === undefined || arn.service !== 'iam') return false;
  if (arn.resource === 'root') return who.accountId === arn.account;
  if (arn.resource.startsWith('role/') && who.type === 'AssumedRole') return isSessionOf(who.arn, arn);
  return false;
}

interface ArnParts {
  partition: string;
  service: string;
  account: string;
  resource: string;
}

function splitArn(text: string): ArnParts | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1] ?? '',
    service: parts[2] ?? '',
    account: parts[4] ?? '',
    resource: parts.slice(5).join(':'),
  };
}

/** `arn:aws:sts::123:assumed-role/Name/session` is a session of `arn:aws:iam::123:role/path/Name`:
 * the session ARN drops the role's path, so compare partition, account and the role's name. */
function isSessionOf(sessionArn: string, role: ArnParts): boolean {
  const session = splitArn(sessionArn);
  if (session === undefined || session.service !== 'sts' || !session.resource.startsWith('assumed-role/')) return false;
  const roleName = role.resource.slice(role.resource.lastIndexOf('/') + 1);
  const sessionRoleName = session.resource.split('/')[1];
  return session.partition === role.partition && session.account === role.account && sessionRoleName === roleName;
}
