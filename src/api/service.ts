// What a service module declares: its wire protocol, the signing names its signatures carry, how
// its requests are recognised (path prefixes or an X-Amz-Target prefix) and its operations. The
// dispatcher (dispatcher.ts) reads these declarations; a service never parses a request's address itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyScope } from '../control/access-keys.js';
import type { GustError } from '../errors.js';
import type { RequestPayload } from './s3/payload.js';

/** The wire protocols Gust answers in; each has one error renderer (protocols/error-renderers.ts). */
export type Protocol = 'rest-json' | 'aws-json-1.0' | 'aws-json-1.1' | 'query' | 'rest-xml';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'HEAD';

/** Everything a handler gets: the request with its body already read and its signature checked. */
export interface OperationContext {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
  /** The path without its query string, as sent. */
  path: string;
  query: URLSearchParams;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
  requestId: string;
  /** Whose key signed the request ('admin' when authentication is off or the path is public). */
  caller: KeyScope;
  /** True when a valid signature was checked (not a public path). */
  authenticated: boolean;
  /** REST-XML (S3) only: the decoded payload, not yet read (`body` is then empty). */
  payload?: RequestPayload;
}

interface OperationBase {
  /** The AWS operation name (botocore's), or a descriptive one for Gust's own paths. */
  name: string;
  /** The largest body this operation accepts; the service's default when unset. */
  bodyLimit?: { bytes: number; message: string };
  /** Absent: Gust does not implement it, and the service's UnknownOperationException answers. */
  handle?: (ctx: OperationContext) => Promise<void>;
}

/** An operation addressed by method and path (REST-JSON); `path` is a find-my-way pattern (`:Param`). */
export interface RestOperation extends OperationBase {
  method: HttpMethod;
  path: string;
}

/** An operation addressed by `X-Amz-Target: <targetPrefix>.<name>` (awsJson 1.0/1.1). */
export type TargetOperation = OperationBase;

interface ServiceBase {
  /** Short name, used in logs and errors. */
  name: string;
  /** Credential-scope service names a signature for this service may carry. */
  signingServices: readonly string[];
  defaultBodyLimit: { bytes: number; message: string };
  /** The service's answer to an address or target it has no operation for. */
  unknownOperation(what: string): GustError;
  /** Requests that need no signature (a pre-signed code link, say). */
  isPublic?(method: string, path: string, presentsCredentials: boolean): boolean;
}

export interface RestService extends ServiceBase {
  protocol: 'rest-json';
  /** Path prefixes this service owns ('/2015-03-31/', '/schedules'): every path under them is its. */
  pathPrefixes: readonly string[];
  operations: readonly RestOperation[];
  /** The service's 400 for a path segment that is not valid percent-encoding. */
  badEncoding(path: string): GustError;
}

export interface TargetService extends ServiceBase {
  protocol: 'aws-json-1.0' | 'aws-json-1.1';
  /** `Logs_20140328`: requests whose X-Amz-Target starts with `<prefix>.` are this service's. */
  targetPrefix: string;
  operations: readonly TargetOperation[];
  /**
   * The Query protocol too (SQS): a form post (`Action=<operation>`) signed for one of the
   * service's signing names. The body is read before the action is known.
   */
  query?: { handle(action: string, form: URLSearchParams, ctx: OperationContext): Promise<void> };
}

/** An S3-style operation: addressed by method, bucket, key, query subresources and headers. */
export interface XmlOperation extends OperationBase {
  /** The handler reads `ctx.payload` as a stream (PUT object, UploadPart); others get it read within their limit. */
  streamsBody?: boolean;
}

/** Where an S3 request points: the bucket and key (percent-decoded once) and how it was addressed. */
export interface XmlAddress {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  headers: import('node:http').IncomingHttpHeaders;
}

export interface XmlService extends ServiceBase {
  protocol: 'rest-xml';
  operations: readonly XmlOperation[];
  /** The name of the operation an address is (S3 decides by subresources and headers too); undefined when none. */
  resolve(address: XmlAddress): string | undefined;
  /** The 400 for a path that is not valid percent-encoding. */
  badEncoding(path: string): GustError;
}

export type Service = RestService | TargetService | XmlService;
