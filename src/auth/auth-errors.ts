// The error each protocol family answers for an authentication failure; the codes and statuses
// differ between query, json, rest-json and S3, and SDKs branch on them.
import { AwsError } from '../protocol/errors.js';
import type { Protocol } from '../protocol/model.js';
import type { ScopeProblem } from './sigv4.js';

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
      case 'badSignature': return new AwsError('SignatureDoesNotMatch', detail ?? BAD_SIGNATURE, 403);
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
    case 'badSignature': return new AwsError('InvalidSignatureException', detail ?? BAD_SIGNATURE, status);
    case 'skewed': return new AwsError('InvalidSignatureException', detail ?? 'Signature expired', status);
    case 'expired': return new AwsError('InvalidSignatureException', 'Signature expired', status);
    case 'expiredToken': return new AwsError('ExpiredTokenException', 'The security token included in the request is expired', status);
  }
}

/**
 * A signature that cannot be accepted whatever its value (see `scopeProblem`). S3 names each case;
 * the other services answer an incomplete or mismatched signature, as AWS does.
 */
export function scopeError(protocol: Protocol, problem: ScopeProblem, homeRegion: string, presigned: boolean): AwsError {
  const s3 = protocol === 'rest-xml';
  switch (problem.kind) {
    case 'hostNotSigned':
      return s3
        ? new AwsError('AccessDenied', 'There were headers present in the request which were not signed', 403, { HeadersNotSigned: 'host' })
        : authError(protocol, 'incomplete', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    case 'signedHeaderMissing':
      return s3 ? authError(protocol, 'badSignature') : authError(protocol, 'incomplete', `'${problem.header}' is named as a SignedHeader, but it does not exist in the HTTP request.`);
    case 'region':
      if (!s3) return authError(protocol, 'badSignature', `Credential should be scoped to a valid region, not '${problem.region}'. `);
      return presigned
        ? new AwsError('AuthorizationQueryParametersError', `Error parsing the X-Amz-Credential parameter; the region '${problem.region}' is wrong; expecting '${homeRegion}'`, 400, { Region: homeRegion })
        : new AwsError('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '${problem.region}' is wrong; expecting '${homeRegion}'`, 400, { Region: homeRegion });
    case 'payloadHash':
      return s3
        ? new AwsError('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.', 400,
          { ArgumentName: 'x-amz-content-sha256', ArgumentValue: problem.value })
        : authError(protocol, 'badSignature');
  }
}

/**
 * A body whose SHA-256 is not the signed x-amz-content-sha256. S3 checks the body after the
 * signature over the headers, and says so; for the other services the body is part of what is
 * signed, so the signature does not match.
 */
export function payloadMismatchError(protocol: Protocol, declared: string, computed: string): AwsError {
  if (protocol !== 'rest-xml') return authError(protocol, 'badSignature');
  return new AwsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", 400,
    { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: computed });
}
