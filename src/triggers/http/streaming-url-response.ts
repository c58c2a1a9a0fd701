// A function URL with InvokeMode RESPONSE_STREAM: the function's chunks are written to the HTTP
// response as they arrive. A handler that used awslambda.HttpResponseStream.from() sends a JSON
// prelude (statusCode, headers, cookies) ended by 8 NUL bytes first; it becomes the status line
// and headers. Without it the response is a 200 of the function's content type.
import type { ServerResponse } from 'node:http';
import type { ResponseSink } from '../../invoke/streamed-response.js';

const HTTP_INTEGRATION_RESPONSE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_END = Buffer.alloc(8);
/** A prelude is a small JSON document; past this the stream is not one. */
const MAX_PRELUDE = 64 * 1024;

interface Prelude {
  statusCode?: unknown;
  headers?: unknown;
  cookies?: unknown;
}

export class StreamingUrlResponse implements ResponseSink {
  private contentType = 'application/octet-stream';
  private pending: Buffer | null = null;
  /** Whether the function streamed anything (a non-streaming handler answers in one piece). */
  streamed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly extraHeaders: [string, string][],
  ) {}

  begin(contentType: string): void {
    this.streamed = true;
    this.contentType = contentType;
    if (contentType === HTTP_INTEGRATION_RESPONSE) this.pending = Buffer.alloc(0);
  }

  write(chunk: Buffer): void {
    if (this.pending === null) {
      // Headers wait for the first byte, so that a handler failing before it still gets a 502.
      this.start(200, [['content-type', this.contentType]]);
      this.res.write(chunk);
      return;
    }
    const data = Buffer.concat([this.pending, chunk]);
    const end = data.indexOf(PRELUDE_END);
    if (end === -1) {
      if (data.length > MAX_PRELUDE) this.fail();
      else this.pending = data;
      return;
    }
    this.pending = null;
    let prelude: Prelude;
    try {
      prelude = JSON.parse(data.subarray(0, end).toString('utf8')) as Prelude;
    } catch {
      return this.fail();
    }
    const headers: [string, string][] = [];
    if (prelude.headers && typeof prelude.headers === 'object') for (const [k, v] of Object.entries(prelude.headers)) headers.push([k, String(v)]);
    if (Array.isArray(prelude.cookies)) for (const c of prelude.cookies) headers.push(['set-cookie', String(c)]);
    const status = Number.isInteger(prelude.statusCode) && (prelude.statusCode as number) >= 100 && (prelude.statusCode as number) <= 599 ? (prelude.statusCode as number) : 200;
    this.start(status, headers);
    const rest = data.subarray(end + PRELUDE_END.length);
    if (rest.length > 0) this.res.write(rest);
  }

  /** Once the invocation is over: ends the body (a function error after the first byte cuts it short). */
  finish(failed: boolean): void {
    if (this.pending !== null) {
      // The stream ended inside its prelude.
      this.pending = null;
      if (!this.res.headersSent) return this.fail();
    }
    if (failed && !this.res.headersSent) return this.fail();
    if (!this.res.headersSent) this.start(200, [['content-type', this.contentType]]);
    if (failed) this.res.destroy();
    else this.res.end();
  }

  private start(status: number, headers: [string, string][]) {
    if (this.res.headersSent) return;
    this.res.writeHead(status, [...headers, ...this.extraHeaders].flat());
    this.res.flushHeaders();
  }

  private fail() {
    this.pending = null;
    if (!this.res.headersSent) {
      const body = '{"message":"Internal server error"}';
      this.res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      this.res.end(body);
    } else this.res.destroy();
  }
}
