// `gust deploy PATH`: packs a directory (or takes a .zip) and creates the function, or updates
// its code and configuration when it exists. Runtime and handler are guessed when not given.
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, type OutputOptions } from './output.js';
import { guessFunctionName, preflightHandler } from './handler-preflight.js';
import { formatBytes, withProgress } from './progress.js';
import { zipDirectory } from './zip-directory.js';
import { waitUntilSettled } from './deploy/wait-settled.js';

const SETTLED_FIELDS = ['State', 'StateReason', 'StateReasonCode', 'LastUpdateStatus', 'LastUpdateStatusReason', 'LastUpdateStatusReasonCode', 'RevisionId'];

export interface DeployOptions extends OutputOptions {
  name?: string;
  runtime?: string;
  handler?: string;
  memory?: string;
  timeout?: string;
  env?: string[];
  description?: string;
  /** Layer version ARNs, in order (--layer, repeatable). */
  layer?: string[];
}

function guess(dir: string | null): { runtime?: string; handler?: string } {
  if (!dir) return {};
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  if (has('bootstrap')) return { runtime: 'provided.al2023', handler: 'bootstrap' };
  for (const f of ['index.js', 'index.mjs', 'index.cjs']) if (has(f)) return { runtime: 'nodejs20.x', handler: 'index.handler' };
  // Python: the function is `handler`, or Lambda's `lambda_handler`, whichever the module defines.
  const python = (module: string, preferred: string[]) => ({ runtime: 'python3.11', handler: `${module}.${guessFunctionName(path.join(dir, `${module}.py`), preferred)}` });
  if (has('lambda_function.py')) return python('lambda_function', ['lambda_handler', 'handler']);
  if (has('app.py')) return python('app', ['handler', 'lambda_handler']);
  if (has('handler.py')) return python('handler', ['handler', 'lambda_handler']);
  return {};
}

function parseEnv(pairs: string[] = []): Record<string, string> | undefined {
  if (pairs.length === 0) return undefined;
  const vars: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--env expects KEY=VALUE, got '${pair}'`, EXIT.usage);
    vars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return vars;
}

export async function deploy(client: GustClient, target: string, opts: DeployOptions): Promise<void> {
  if (!fs.existsSync(target)) throw new CliError(`${target} does not exist`, EXIT.usage);
  const isDir = fs.statSync(target).isDirectory();
  const name = opts.name ?? path.basename(path.resolve(target)).replace(/\.zip$/i, '').replace(/[^a-zA-Z0-9_-]/g, '-');
  const guessed = guess(isDir ? target : null);
  const config: Record<string, unknown> = {};
  if (opts.runtime ?? guessed.runtime) config.Runtime = opts.runtime ?? guessed.runtime;
  if (opts.handler ?? guessed.handler) config.Handler = opts.handler ?? guessed.handler;
  if (opts.memory) config.MemorySize = Number(opts.memory);
  if (opts.timeout) config.Timeout = Number(opts.timeout);
  if (opts.description !== undefined) config.Description = opts.description;
  const env = parseEnv(opts.env);
  if (env) config.Environment = { Variables: env };
  if (opts.layer && opts.layer.length > 0) config.Layers = opts.layer;

  const fnPath = `/2015-03-31/functions/${encodeURIComponent(name)}`;
  const current = await client.request('GET', `${fnPath}/configuration`).then(
    (res) => res.json<{ Runtime?: string; Handler?: string }>(),
    (err: CliError) => {
      if (/ResourceNotFoundException/.test(err.message)) return undefined;
      throw err;
    },
  );
  const exists = current !== undefined;
  // What the function will run with: asked for, else kept (an update), else guessed.
  const runtime = (opts.runtime ?? current?.Runtime ?? guessed.runtime) as string | undefined;
  const handler = opts.handler ?? current?.Handler ?? guessed.handler;
  if (isDir && runtime && handler) preflightHandler(target, runtime, handler);
  if (!exists && !config.Runtime) throw new CliError('Cannot tell the runtime: pass --runtime (e.g. nodejs20.x, python3.11, provided.al2023).', EXIT.usage);
  const zip = isDir ? await withProgress(`Packing ${target}`, () => zipDirectory(target)) : fs.readFileSync(target);
  const upload = <T>(call: () => Promise<T>) => withProgress(`Uploading ${name} (${formatBytes(zip.length)})`, call);
  let result;
  if (!exists) {
    const body = { FunctionName: name, ...config, Code: { ZipFile: zip.toString('base64') } };
    result = await upload(async () => (await client.request('POST', '/2015-03-31/functions', { body: JSON.stringify(body) })).json());
  } else {
    // Guessed runtime and handler only matter for a new function; an update changes what was asked.
    const explicit = { ...config };
    if (!opts.runtime) delete explicit.Runtime;
    if (!opts.handler) delete explicit.Handler;
    result = await upload(async () => (await client.request('PUT', `${fnPath}/code`, { body: JSON.stringify({ ZipFile: zip.toString('base64') }) })).json());
    if (Object.keys(explicit).length > 0) result = (await client.request('PUT', `${fnPath}/configuration`, { body: JSON.stringify(explicit) })).json();
  }
  // Like the aws CLI's waiters: the function is Active (its update Successful) when deploy returns.
  const settled = await waitUntilSettled(client, name);
  result = { ...result, ...Object.fromEntries(SETTLED_FIELDS.filter((k) => k in settled).map((k) => [k, settled[k]])) };
  if (opts.json) return printJson(result);
  process.stdout.write(`${exists ? 'Updated' : 'Created'} ${result.FunctionName} (${result.Runtime}, ${result.Handler}, ${result.MemorySize} MB, ${result.CodeSize} bytes)\n`);
  process.stdout.write(`ARN: ${result.FunctionArn}\n`);
}
