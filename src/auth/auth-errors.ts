// The error each protocol family answers for an authentication failure; the codes and statuses
// differ between query, json, rest-json and S3, and SDKs branch on them.
import { AwsError } from '../protocol/errors.js';
import type { Protocol } from '../protocol/model.js';

export type AuthFailure = 'missing' | 'incomplete' | 'unknownKey' | 'badSignature' | 'skewed' | 'expired' | 'expiredToken' | 'badToken';

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const BAD_SIGNATURE = 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export function authError(protocol: Protocol, failure: AuthFailure, detail?: string): AwsError {
  if (protocol === 'rest-xml') {
    switch (failure) {
      case 'missing': return new AwsError('AccessDenied', 'Access Denied', 403);
      case 'incomplete': return new AwsError('AuthorizationHeaderMalformed', detail ?? 'The authorization header is malformed.', 400);
      case 'unknownKey': return new AwsError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
      case 'badSignature': return new AwsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403);
      case 'skewed': return new AwsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', 403);
      case 'expired': return new AwsError('AccessDenied', 'Request has expired', 403);
      case 'expiredToken': return new AwsError('ExpiredToken', 'The provided token has expired.', 400);
      case 'badToken': return new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400);
    }
  }
  if (protocol === 'query') {
    switch (failure) {
      case 'missing': return new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      case 'incomplete': return new AwsError('IncompleteSignature', detail ?? 'The request signature does not conform to AWS standards.', 400);
      case 'unknownKey': case 'badToken': return new AwsError('InvalidClientTokenId', INVALID_TOKEN, 403);
      case 'badSignature': return new AwsError('SignatureDoesNotMatch', BAD_SIGNATURE, 403);
      case 'skewed': return new AwsError('SignatureDoesNotMatch', detail ?? 'Signature expired', 403);
      case 'expired': return new AwsError('RequestExpired', 'Request has expired.', 400);
      case 'expiredToken': return new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);
    }
  }
  // json 1.x answers 400 for these; rest-json services (API Gateway fronted) answer 403.
  const status = protocol === 'rest-json' ? 403 : 400;
  switch (failure) {
    case 'missing': return new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token', status);
    case 'incomplete': return new AwsError('IncompleteSignatureException', detail ?? 'The request signature does not conform to AWS standards.', status);
    case 'unknownKey': case 'badToken': return new AwsError('UnrecognizedClientException', INVALID_TOKEN, status);
    case 'badSignature': return new AwsError('InvalidSignatureException', BAD_SIGNATURE, status);
    case 'skewed': return new AwsError('InvalidSignatureException', detail ?? 'Signature expired', status);
    case 'expired': return new AwsError('InvalidSignatureException', 'Signature expired', status);
    case 'expiredToken': return new AwsError('ExpiredTokenException', 'The security token included in the request is expired', status);
  }
}
