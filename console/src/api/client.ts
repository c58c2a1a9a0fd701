// Signed calls to Gust's APIs from the console: the Lambda REST API, CloudWatch Logs, EventBridge
// Scheduler, S3 and Gust's own /gust/ paths. Errors come back as ApiError with AWS's code and message.
import { signRequest, type Credentials } from './sigv4';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'gust.console.credentials';

export function savedCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredentials(creds: Credentials | undefined): void {
  if (creds) sessionStorage.setItem(SESSION_KEY, JSON.stringify(creds));
  else sessionStorage.removeItem(SESSION_KEY);
}

export const seg = (s: string) => encodeURIComponent(s);

export interface CallOptions {
  method?: string;
  service?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Answer as text instead of JSON (S3's XML). */
  text?: boolean;
}

export class Client {
  constructor(readonly creds: Credentials) {}

  async raw(pathAndQuery: string, opts: CallOptions = {}): Promise<Response> {
    const url = new URL(pathAndQuery, location.origin);
    const method = opts.method ?? 'GET';
    const headers = await signRequest(this.creds, { method, url, service: opts.service ?? 'lambda', body: opts.body, headers: opts.headers });
    const res = await fetch(url, { method, headers, body: opts.body, credentials: 'omit', cache: 'no-store' });
    if (!res.ok) {
      const text = await res.text();
      let code = res.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP ${res.status}`;
      let message = text.slice(0, 500);
      try {
        const doc = JSON.parse(text) as { message?: string; Message?: string; __type?: string };
        message = doc.message ?? doc.Message ?? message;
        if (doc.__type) code = doc.__type.split('#').pop()!;
      } catch {
        const m = /<Code>([^<]*)<\/Code>[\s\S]*?<Message>([^<]*)<\/Message>/.exec(text);
        if (m) [code, message] = [m[1], m[2]];
      }
      throw new ApiError(res.status, code, message);
    }
    return res;
  }

  async json<T>(pathAndQuery: string, opts: CallOptions = {}): Promise<T> {
    const res = await this.raw(pathAndQuery, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  }

  async text(pathAndQuery: string, opts: CallOptions = {}): Promise<string> {
    return (await this.raw(pathAndQuery, opts)).text();
  }

  /** CloudWatch Logs (awsJson 1.1). */
  logs<T>(operation: string, input: object): Promise<T> {
    return this.json<T>('/', {
      method: 'POST',
      service: 'logs',
      body: JSON.stringify(input),
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Logs_20140328.${operation}` },
    });
  }
}
