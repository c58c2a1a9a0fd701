// How the CLI reaches a Gust server: the endpoint from --endpoint, GUST_ENDPOINT or the local
// default; credentials from the usual AWS variables or the data directory's credentials file;
// every request signed with SigV4 like an AWS SDK would sign it.
import fs from 'node:fs';
import path from 'node:path';
import { signRequest } from '../api/sigv4.js';

export interface ClientOptions {
  endpoint?: string;
  dataDir?: string;
  region?: string;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Exit codes: 1 request failed, 2 bad usage, 3 server unreachable, 4 the function returned an error. */
export const EXIT = { failed: 1, usage: 2, unreachable: 3, functionError: 4 } as const;

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Where they were found, for an error that says which key the server refused. */
  source: string;
}

function readProfile(file: string, profile: string): Record<string, string> | undefined {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const values: Record<string, string> = {};
  let inProfile = false;
  for (const line of text.split('\n')) {
    const section = /^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]\s*$/.exec(line);
    if (section) inProfile = section[1] === profile;
    else if (inProfile) {
      const kv = /^\s*([\w-]+)\s*=\s*(.*?)\s*$/.exec(line);
      if (kv) values[kv[1]] = kv[2];
    }
  }
  return Object.keys(values).length > 0 ? values : undefined;
}

function findCredentials(dataDir: string): Credentials {
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN, source: 'AWS_ACCESS_KEY_ID' };
  }
  const candidates: [string, string][] = [[path.join(dataDir, 'credentials'), 'gust']];
  if (env.AWS_SHARED_CREDENTIALS_FILE) candidates.unshift([env.AWS_SHARED_CREDENTIALS_FILE, env.AWS_PROFILE ?? 'default']);
  for (const [file, profile] of candidates) {
    const p = readProfile(file, profile);
    if (p?.aws_access_key_id && p.aws_secret_access_key) return { accessKeyId: p.aws_access_key_id, secretAccessKey: p.aws_secret_access_key, source: `${file} [${profile}]` };
  }
  throw new CliError(
    `No credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or point --data-dir (GUST_DATA_DIR) at the server's data directory (looked in ${path.join(dataDir, 'credentials')}).`,
    EXIT.usage,
  );
}

/** Why fetch failed, from the socket error it wraps (an AggregateError, for a name with several addresses, has no message of its own). */
function fetchFailure(err: unknown): string {
  const cause = (err as { cause?: Error & { code?: string; errors?: (Error & { code?: string })[] } }).cause;
  const inner = cause?.errors?.[0] ?? cause;
  return inner?.message || inner?.code || (err as Error)?.message || String(err);
}

/** The server does not know the key: most often the CLI read the credentials of another Gust's data directory. */
function unknownKey(endpoint: string, credentials: Credentials | undefined, dataDir: string): string {
  const from = credentials?.source ?? 'the credentials';
  if (credentials?.source !== 'AWS_ACCESS_KEY_ID' && !process.env.AWS_SHARED_CREDENTIALS_FILE) {
    const own = readProfile(path.join(dataDir, 'config'), 'gust')?.endpoint_url;
    const hint = own && own !== endpoint ? ` The Gust of ${dataDir} was last at ${own}.` : '';
    return `The Gust at ${endpoint} does not know the access key in ${from}: it was started with another data directory than ${dataDir} (or the key was revoked). Give the data directory it was started with (--data-dir or GUST_DATA_DIR), or the endpoint of the Gust that uses ${dataDir} (--endpoint).${hint}`;
  }
  return `The Gust at ${endpoint} does not know the access key from ${from} (UnrecognizedClientException): use a key of this server, e.g. from the credentials file in the data directory it was started with.`;
}

const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);

export interface ApiResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  json<T = any>(): T;
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:9000';

function checkEndpoint(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new CliError(`${source}: '${value}' is not an http(s) URL (e.g. ${DEFAULT_ENDPOINT})`, EXIT.usage);
  return value.replace(/\/+$/, '');
}

export class GustClient {
  readonly endpoint: string;
  readonly region: string;
  readonly dataDir: string;
  private credentials?: Credentials;

  constructor(opts: ClientOptions) {
    this.dataDir = path.resolve(opts.dataDir ?? process.env.GUST_DATA_DIR ?? '.gust');
    // A server started with this data directory wrote its endpoint into the `gust` profile, so a
    // Gust on another port than 9000 is found without --endpoint.
    this.endpoint = checkEndpoint(
      opts.endpoint ?? process.env.GUST_ENDPOINT ?? readProfile(this.configFile, 'gust')?.endpoint_url ?? DEFAULT_ENDPOINT,
      opts.endpoint !== undefined ? '--endpoint' : process.env.GUST_ENDPOINT !== undefined ? 'GUST_ENDPOINT' : `endpoint_url in ${this.configFile}`,
    );
    // Gust refuses a signature scoped to another region than its own: the data directory knows the
    // server's region, and wins over an AWS_REGION the shell may hold for real AWS work.
    this.region =
      opts.region ?? process.env.GUST_REGION ?? readProfile(path.join(this.dataDir, 'credentials'), 'gust')?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  }

  get credentialsFile(): string {
    return path.join(this.dataDir, 'credentials');
  }

  get configFile(): string {
    return path.join(this.dataDir, 'config');
  }

  /** Sends a signed request; throws CliError with the server's message for any error status. */
  async request(method: string, pathAndQuery: string, opts: { body?: Buffer | string; headers?: Record<string, string>; service?: string } = {}): Promise<ApiResponse> {
    this.credentials ??= findCredentials(this.dataDir);
    const url = this.endpoint + pathAndQuery;
    const body = opts.body === undefined ? Buffer.alloc(0) : Buffer.from(opts.body);
    const headers: Record<string, string> = { ...opts.headers };
    if (body.length > 0) headers['content-type'] ??= 'application/json';
    Object.assign(
      headers,
      signRequest({ method, url, headers, body, ...this.credentials, region: this.region, service: opts.service ?? 'lambda' }),
    );
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body.length > 0 ? body : undefined });
    } catch (err) {
      throw new CliError(`Cannot reach Gust at ${this.endpoint} (${fetchFailure(err)}). Is it running? Start it with \`gust up\`, or give its URL with --endpoint.`, EXIT.unreachable);
    }
    const buffer = Buffer.from(await res.arrayBuffer());
    const response: ApiResponse = { status: res.status, headers: res.headers, body: buffer, json: () => JSON.parse(buffer.toString('utf8')) };
    if (res.status >= 400) {
      let message = buffer.toString('utf8');
      let type = res.headers.get('x-amzn-errortype') ?? '';
      try {
        const parsed = JSON.parse(message);
        message = parsed.Message ?? parsed.message ?? message;
        type ||= parsed.__type ?? '';
      } catch {
        // S3 answers errors in XML: <Error><Code>…</Code><Message>…</Message>…</Error>.
        const code = /<Code>([^<]*)<\/Code>/.exec(message)?.[1];
        if (code !== undefined) {
          type ||= code;
          message = unescapeXml(/<Message>([^<]*)<\/Message>/.exec(message)?.[1] ?? res.statusText);
        } else if (message === '' && opts.service === 's3') {
          message = `${res.status} ${res.statusText}`; // HEAD and some S3 errors have no body
        }
      }
      type = type.split(':')[0];
      if (type === 'UnrecognizedClientException') throw new CliError(unknownKey(this.endpoint, this.credentials, this.dataDir), EXIT.failed);
      if (!type && message.trim() === '') throw new CliError(`${this.endpoint} answered ${res.status} ${res.statusText} without an explanation: is it Gust? Check --endpoint (GUST_ENDPOINT).`, EXIT.failed);
      throw new CliError(`${type ? `${type}: ` : ''}${message}`, EXIT.failed);
    }
    return response;
  }

  /** Calls an SQS operation (awsJson1.0). */
  sqs<T = any>(operation: string, params: Record<string, unknown>): Promise<T> {
    return this.awsJson('sqs', `AmazonSQS.${operation}`, '1.0', params);
  }

  /** Calls a CloudWatch Logs operation (awsJson1.1). */
  logs<T = any>(operation: string, params: Record<string, unknown>): Promise<T> {
    return this.awsJson('logs', `Logs_20140328.${operation}`, '1.1', params);
  }

  private async awsJson<T>(service: string, target: string, version: '1.0' | '1.1', params: Record<string, unknown>): Promise<T> {
    const res = await this.request('POST', '/', { body: JSON.stringify(params), service, headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amz-target': target } });
    return res.json<T>();
  }
}
