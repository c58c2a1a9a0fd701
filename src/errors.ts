// The error catalogue: every error Gust answers a client with, its HTTP status and the AWS
// error type the SDKs parse from `x-amzn-ErrorType`. docs/errors.md is kept in step by a test.

export interface ErrorSpec {
  status: number;
  type: 'User' | 'Service';
  description: string;
  /**
   * SQS: the code of its Query protocol (awsQueryCompatible). The JSON protocol sends it in
   * `x-amzn-query-error`, which boto3 and the SDKs map the error through; Query sends it as Code.
   */
  sqsQueryCode?: string;
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
  ResourceInUseException: { status: 400, type: 'User', description: 'An event-source mapping is being deleted and cannot be changed.' },
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
  AccessDeniedException: { status: 403, type: 'User', description: 'The access key is valid but may not do this (a function’s own key may only invoke what a resource policy grants it), or a Lambda ARN names another account.' },
  ServiceException: { status: 500, type: 'Service', description: 'An internal error; the request changed nothing that was not reported.' },
  NotImplemented: { status: 501, type: 'User', description: 'S3: an operation or feature Gust does not implement.' },
  InvalidAction: { status: 400, type: 'User', description: 'Query protocol (Action=…): an action no Gust service implements.' },
  InternalError: { status: 500, type: 'Service', description: 'S3 and Query protocols: an internal error, as ServiceException is for JSON.' },
  AccessDenied: { status: 403, type: 'User', description: 'S3: the request is not signed, its presigned URL has expired or is not valid yet, or the key may not do this (a function’s key and bucket administration).' },
  InvalidAccessKeyId: { status: 403, type: 'User', description: 'S3: the access key is unknown or revoked.' },
  SignatureDoesNotMatch: { status: 403, type: 'User', description: 'S3: the SigV4 signature, or the signature of an aws-chunked chunk or trailer, does not match.' },
  RequestTimeTooSkewed: { status: 403, type: 'User', description: 'S3: the request was signed more than 15 minutes away from the server\'s time.' },
  AuthorizationHeaderMalformed: { status: 400, type: 'User', description: 'S3: the Authorization header is malformed, or its credential scope names another region, service or date.' },
  AuthorizationQueryParametersError: { status: 400, type: 'User', description: 'S3: the query-string (presigned URL) signature parameters are malformed.' },
  XAmzContentSHA256Mismatch: { status: 400, type: 'User', description: 'S3: the body does not hash to its declared x-amz-content-sha256.' },
  IncompleteBody: { status: 400, type: 'User', description: 'S3: the body ended before Content-Length (or x-amz-decoded-content-length) bytes, or its aws-chunked framing was cut short.' },
  BadDigest: { status: 400, type: 'User', description: 'S3: the body does not match its Content-MD5 or x-amz-checksum-* value.' },
  InvalidDigest: { status: 400, type: 'User', description: 'S3: the Content-MD5 header is not a base64 MD5.' },
  InvalidRequest: { status: 400, type: 'User', description: 'S3: a required header is missing, a checksum header is malformed, or aws-chunked framing is invalid.' },
  NoSuchBucket: { status: 404, type: 'User', description: 'S3: the bucket does not exist.' },
  NoSuchKey: { status: 404, type: 'User', description: 'S3: the object does not exist.' },
  NoSuchUpload: { status: 404, type: 'User', description: 'S3: the multipart upload does not exist (completed or aborted).' },
  NoSuchTagSet: { status: 404, type: 'User', description: 'S3: the bucket has no tag set.' },
  BucketAlreadyOwnedByYou: { status: 409, type: 'User', description: 'S3: the bucket exists already, and is yours.' },
  BucketNotEmpty: { status: 409, type: 'User', description: 'S3: the bucket still holds objects or unfinished multipart uploads.' },
  InvalidBucketName: { status: 400, type: 'User', description: 'S3: the bucket name breaks S3\'s naming rules.' },
  KeyTooLongError: { status: 400, type: 'User', description: 'S3: the object key is longer than 1,024 bytes.' },
  InvalidRange: { status: 416, type: 'User', description: 'S3: the Range asked for lies outside the object.' },
  PreconditionFailed: { status: 412, type: 'User', description: 'S3: an If-Match / If-Unmodified-Since condition (or its copy-source form) is not met.' },
  NotModified: { status: 304, type: 'User', description: 'S3: an If-None-Match / If-Modified-Since condition says the client has the object (no body).' },
  EntityTooLarge: { status: 400, type: 'User', description: 'S3: a single PUT over 5 GB, or a part over 5 GB.' },
  EntityTooSmall: { status: 400, type: 'User', description: 'S3: a multipart part other than the last is smaller than 5 MB.' },
  InvalidPart: { status: 400, type: 'User', description: 'S3: a part named in CompleteMultipartUpload is missing or its ETag differs.' },
  InvalidPartOrder: { status: 400, type: 'User', description: 'S3: the parts of CompleteMultipartUpload are not in ascending order.' },
  MalformedXML: { status: 400, type: 'User', description: 'S3: the request XML is not well-formed or not what the operation takes.' },
  InvalidArgument: { status: 400, type: 'User', description: 'S3: a header or parameter value is invalid.' },
  MethodNotAllowed: { status: 405, type: 'User', description: 'S3: the method is not allowed on this resource.' },
  InvalidTag: { status: 400, type: 'User', description: 'S3: a tag key or value is invalid, or there are too many tags.' },
  MetadataTooLarge: { status: 400, type: 'User', description: 'S3: the x-amz-meta-* headers exceed 2 KB.' },
  MissingContentLength: { status: 411, type: 'User', description: 'S3: a PUT without Content-Length.' },
  InvalidLocationConstraint: { status: 400, type: 'User', description: 'S3: the LocationConstraint is not this Gust\'s region.' },
  QueueDoesNotExist: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.NonExistentQueue', description: 'SQS: the queue URL or name names no queue.' },
  QueueNameExists: { status: 400, type: 'User', sqsQueryCode: 'QueueAlreadyExists', description: 'SQS CreateQueue: a queue of that name exists with different attributes.' },
  InvalidAttributeName: { status: 400, type: 'User', sqsQueryCode: 'InvalidAttributeName', description: 'SQS: an attribute name that the queue does not have.' },
  InvalidAttributeValue: { status: 400, type: 'User', sqsQueryCode: 'InvalidAttributeValue', description: 'SQS: a queue attribute value out of range or malformed (RedrivePolicy, say).' },
  InvalidParameterValue: { status: 400, type: 'User', sqsQueryCode: 'InvalidParameterValue', description: 'SQS: a parameter out of range or malformed, or a message over the size limit.' },
  MissingParameter: { status: 400, type: 'User', sqsQueryCode: 'MissingParameter', description: 'SQS: a required parameter (QueueUrl, MessageBody...) is missing.' },
  ReceiptHandleIsInvalid: { status: 400, type: 'User', sqsQueryCode: 'ReceiptHandleIsInvalid', description: 'SQS: the receipt handle is malformed, forged or no longer the current one.' },
  InvalidMessageContents: { status: 400, type: 'User', sqsQueryCode: 'InvalidMessageContents', description: 'SQS: the message body holds characters outside the allowed set.' },
  MessageNotInflight: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.MessageNotInflight', description: 'SQS ChangeMessageVisibility: the message is not in flight.' },
  BatchEntryIdsNotDistinct: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct', description: 'SQS: two entries of a batch share an Id.' },
  BatchRequestTooLong: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.BatchRequestTooLong', description: 'SQS SendMessageBatch: the messages together exceed 256 KB.' },
  EmptyBatchRequest: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.EmptyBatchRequest', description: 'SQS: a batch without entries.' },
  TooManyEntriesInBatchRequest: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest', description: 'SQS: a batch of more than 10 entries.' },
  InvalidBatchEntryId: { status: 400, type: 'User', sqsQueryCode: 'AWS.SimpleQueueService.InvalidBatchEntryId', description: 'SQS: a batch entry Id that is not 1-80 letters, digits, - or _.' },
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
