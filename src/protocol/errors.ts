// Errors as values with AWS codes. Handlers throw `AwsError(code, message)`; the protocol layer
// looks the HTTP status up in the model (or the table of common codes below) when it serializes.

/** Codes that no single service model declares but every AWS endpoint may answer with. */
const COMMON_STATUS: Record<string, number> = {
  ValidationException: 400,
  ValidationError: 400,
  InvalidParameterValue: 400,
  InvalidParameterException: 400,
  MissingParameter: 400,
  MalformedQueryString: 400,
  SerializationException: 400,
  InvalidAction: 400,
  UnknownOperationException: 400,
  UnrecognizedClientException: 400,
  InvalidClientTokenId: 403,
  InvalidSignatureException: 400,
  SignatureDoesNotMatch: 403,
  IncompleteSignature: 400,
  IncompleteSignatureException: 400,
  MissingAuthenticationToken: 403,
  MissingAuthenticationTokenException: 400,
  RequestExpired: 400,
  ExpiredToken: 400,
  ExpiredTokenException: 400,
  InvalidAccessKeyId: 403,
  RequestTimeTooSkewed: 403,
  AccessDenied: 403,
  AccessDeniedException: 400,
  Throttling: 400,
  ThrottlingException: 400,
  RequestEntityTooLarge: 413,
  RequestEntityTooLargeException: 413,
  InternalFailure: 500,
  InternalError: 500,
  ServiceUnavailable: 503,
  MethodNotAllowed: 405,
  NotFoundException: 404,
  UnsupportedMediaType: 415,
};

export class AwsError extends Error {
  /** `true` when the caller is at fault (HTTP 4xx); the query protocol writes it as `<Type>Sender</Type>`. */
  readonly senderFault: boolean;
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
    /** Extra members the error shape declares, serialized beside `message` (e.g. S3's `BucketName`). */
    readonly fields?: Record<string, string>,
    /**
     * The error shape's members as values (Dates, nested structures), written by the shape's
     * model; a client parsing an error answer fills them in.
     */
    readonly members?: Record<string, unknown>,
  ) {
    super(message);
    this.name = code;
    this.senderFault = (status ?? 400) < 500;
  }
}

/** The status for a code: explicit on the error, else the service model's, else the common table. */
export function statusOf(err: AwsError, modelStatus: (code: string) => number | undefined): number {
  return err.status ?? modelStatus(err.code) ?? COMMON_STATUS[err.code] ?? 400;
}

export function isAwsError(e: unknown): e is AwsError {
  return e instanceof AwsError;
}
