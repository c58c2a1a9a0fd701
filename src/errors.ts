// The error catalogue: every error Gust answers a client with, its HTTP status and the AWS
// error type the SDKs parse from `x-amzn-ErrorType`. docs/errors.md is kept in step by a test.

export interface ErrorSpec {
  status: number;
  type: 'User' | 'Service';
  description: string;
}

export const ERROR_CATALOGUE = {
  InvalidParameterValueException: { status: 400, type: 'User', description: 'A parameter is missing, malformed or out of range.' },
  ValidationException: { status: 400, type: 'User', description: 'A parameter fails its pattern, length or enum constraint.' },
  InvalidRequestContentException: { status: 400, type: 'User', description: 'The request body is not valid JSON or has the wrong shape.' },
  RequestTooLargeException: { status: 413, type: 'User', description: 'The request payload exceeds the invocation limit (6 MB sync, 1 MB async).' },
  ResourceNotFoundException: { status: 404, type: 'User', description: 'The function, version or log group does not exist.' },
  ConflictException: { status: 409, type: 'User', description: 'EventBridge Scheduler: a schedule of that name already exists.' },
  ProvisionedConcurrencyConfigNotFoundException: { status: 404, type: 'User', description: 'No provisioned concurrency is configured for that qualifier.' },
  ResourceConflictException: { status: 409, type: 'User', description: 'The resource already exists, or is being changed.' },
  PreconditionFailedException: { status: 412, type: 'User', description: 'The RevisionId given does not match the current one.' },
  PolicyLengthExceededException: { status: 400, type: 'User', description: 'AddPermission: the function\'s resource policy would exceed 20 KB.' },
  TooManyRequestsException: { status: 429, type: 'User', description: 'A concurrency limit was reached; retry later.' },
  UnsupportedMediaTypeException: { status: 415, type: 'User', description: 'The content type of the request is not supported.' },
  UnknownOperationException: { status: 400, type: 'User', description: 'The path or operation is not one Gust serves.' },
  InvalidParameterException: { status: 400, type: 'User', description: 'CloudWatch Logs: a parameter is malformed.' },
  MissingAuthenticationTokenException: { status: 403, type: 'User', description: 'The request is not signed (no SigV4 Authorization header or query string).' },
  UnrecognizedClientException: { status: 403, type: 'User', description: 'The access key is unknown or revoked.' },
  InvalidSignatureException: { status: 403, type: 'User', description: 'The SigV4 signature, its timestamp (15 minutes) or the payload hash does not match.' },
  IncompleteSignature: { status: 403, type: 'User', description: 'The SigV4 Authorization header or query string is malformed or incomplete.' },
  AccessDeniedException: { status: 403, type: 'User', description: 'The access key is valid but may not do this: a function’s own key may only invoke what a resource policy grants it.' },
  ServiceException: { status: 500, type: 'Service', description: 'An internal error; the request changed nothing that was not reported.' },
  NotImplemented: { status: 501, type: 'User', description: 'S3 (REST-XML): a request recognised as S3, which Gust does not serve yet.' },
  MalformedXML: { status: 400, type: 'User', description: 'S3: the request\'s XML is not well-formed or does not follow the schema (e.g. a notification configuration).' },
  InvalidArgument: { status: 400, type: 'User', description: 'S3: an argument is invalid, e.g. an unknown notification event, overlapping filters, or a function S3 may not invoke.' },
  InvalidAction: { status: 400, type: 'User', description: 'Query protocol (Action=…): an action no Gust service implements.' },
  InternalError: { status: 500, type: 'Service', description: 'S3 and Query protocols: an internal error, as ServiceException is for JSON.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class GustError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra top-level fields of the error body, e.g. TooManyRequestsException's Reason. */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = code;
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export const invalidParameter = (message: string) => new GustError('InvalidParameterValueException', message);
