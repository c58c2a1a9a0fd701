// `gust invoke NAME [PAYLOAD]`: calls a function and prints its result and its log tail.
import fs from 'node:fs';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, type OutputOptions } from './output.js';
import { stripTerminalEscapes } from './terminal-safe.js';

export interface InvokeOptions extends OutputOptions {
  file?: string;
  async?: boolean;
  tail?: boolean;
  qualifier?: string;
}

async function readPayload(arg: string | undefined, file: string | undefined): Promise<Buffer> {
  if (arg !== undefined && file !== undefined) throw new CliError('Give the payload as an argument or with --file, not both.', EXIT.usage);
  if (file !== undefined) return file === '-' ? readStdin() : readPayloadFile(file);
  if (arg === '-' || (arg === undefined && !process.stdin.isTTY)) return readStdin();
  return Buffer.from(arg ?? '{}');
}

function readPayloadFile(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new CliError(`--file ${file}: ${reason}`, EXIT.usage);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function invoke(client: GustClient, name: string, payloadArg: string | undefined, opts: InvokeOptions): Promise<number> {
  const payload = await readPayload(payloadArg, opts.file);
  const query = opts.qualifier ? `?Qualifier=${encodeURIComponent(opts.qualifier)}` : '';
  const headers: Record<string, string> = { 'x-amz-invocation-type': opts.async ? 'Event' : 'RequestResponse' };
  if (!opts.async && opts.tail !== false) headers['x-amz-log-type'] = 'Tail';
  const res = await client.request('POST', `/2015-03-31/functions/${encodeURIComponent(name)}/invocations${query}`, { body: payload, headers });
  const functionError = res.headers.get('x-amz-function-error') ?? undefined;
  const log = res.headers.get('x-amz-log-result');
  const logText = log ? Buffer.from(log, 'base64').toString('utf8') : undefined;
  const requestId = res.headers.get('x-amzn-requestid') ?? undefined;
  if (opts.json) {
    let result: unknown = res.body.toString('utf8');
    try {
      result = JSON.parse(result as string);
    } catch {
      /* leave as text */
    }
    printJson({ statusCode: res.status, requestId, executedVersion: res.headers.get('x-amz-executed-version'), functionError, payload: opts.async ? undefined : result, log: logText });
  } else if (opts.async) {
    process.stdout.write(`Queued (request ${requestId})\n`);
  } else {
    // The tail is the function's output: printed for a human, so without escape sequences.
    const tail = logText && stripTerminalEscapes(logText);
    if (tail) process.stderr.write(tail.endsWith('\n') ? tail : tail + '\n');
    process.stdout.write(res.body.toString('utf8') + '\n');
  }
  return functionError ? EXIT.functionError : 0;
}
