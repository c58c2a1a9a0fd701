// How each supported runtime is started: the command line and the exact environment Lambda
// gives a function. Nothing of Gust's own environment leaks into a function's process.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionRecord } from '../control/function-record.js';
import { logGroupName } from '../telemetry/lambda-log-lines.js';

const RUNTIMES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/runtimes');

export const SUPPORTED_RUNTIMES = [
  'nodejs20.x',
  'nodejs22.x',
  'nodejs24.x',
  'python3.9',
  'python3.10',
  'python3.11',
  'python3.12',
  'python3.13',
  'provided',
  'provided.al2',
  'provided.al2023',
] as const;

export const isCustomRuntime = (runtime: string) => runtime.startsWith('provided');

interface PythonInstallation {
  executable: string;
  sitePackages: string;
  /** The installation's root, which a sandbox must be able to read. */
  prefix: string;
}

let python: PythonInstallation | undefined;

/** `python3` on PATH may be a pyenv shim costing ~100 ms a start: resolve the real one once. */
function resolvePython(): PythonInstallation {
  if (!python) {
    const out = execFileSync('python3', ['-c', 'import sys, sysconfig; print(sys.executable); print(sysconfig.get_paths()["purelib"]); print(sys.base_prefix)'], {
      encoding: 'utf8',
    });
    const [executable, sitePackages, prefix] = out.trim().split('\n');
    python = { executable, sitePackages, prefix };
  }
  return python;
}

export interface LaunchContext {
  region: string;
  accountId: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export interface Launch {
  cmd: string[];
  env: Record<string, string>;
  /** The code on the host. */
  codeDir: string;
  /** Host paths the runtime needs besides the code: its client and its interpreter. */
  readOnlyPaths: string[];
  network: NetworkMode;
}

export type NetworkMode = 'on' | 'off';
/** Gust's own per-function setting, as a tag so that no Lambda field changes meaning. */
export const NETWORK_TAG = 'gust:network';

export const networkOf = (fn: FunctionRecord): NetworkMode => (fn.tags[NETWORK_TAG] === 'off' ? 'off' : 'on');

/** `taskRoot` is where the function sees its code: the host path, or /var/task in a sandbox. */
function command(fn: FunctionRecord, taskRoot: string): { cmd: string[]; extraEnv: Record<string, string>; paths: string[] } {
  if (fn.runtime.startsWith('nodejs')) {
    return {
      cmd: [process.execPath, path.join(RUNTIMES_DIR, 'node/bootstrap.mjs')],
      extraEnv: { NODE_PATH: '/opt/nodejs/node_modules' },
      paths: [RUNTIMES_DIR, path.dirname(path.dirname(process.execPath))],
    };
  }
  if (fn.runtime.startsWith('python')) {
    const py = resolvePython();
    // -S skips the site module (≈40 ms); boto3 stays importable through PYTHONPATH.
    return {
      cmd: [py.executable, '-S', path.join(RUNTIMES_DIR, 'python/bootstrap.py')],
      extraEnv: { PYTHONPATH: [taskRoot, path.join(taskRoot, 'python'), py.sitePackages].join(':'), PYTHONDONTWRITEBYTECODE: '1' },
      paths: [RUNTIMES_DIR, py.prefix, py.sitePackages],
    };
  }
  return { cmd: [path.join(taskRoot, 'bootstrap')], extraEnv: {}, paths: [] };
}

export function buildLaunch(fn: FunctionRecord, codeDir: string, taskRoot: string, ctx: LaunchContext): Launch {
  const network = networkOf(fn);
  let { cmd, extraEnv, paths } = command(fn, taskRoot);
  if (network === 'off' && isCustomRuntime(fn.runtime)) {
    cmd = [process.execPath, path.join(RUNTIMES_DIR, 'runtime-api-forwarder.mjs'), ...cmd];
    paths = [RUNTIMES_DIR, path.dirname(path.dirname(process.execPath))];
  }
  const env: Record<string, string> = {
    ...fn.environment,
    ...extraEnv,
    PATH: '/usr/local/bin:/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: RUNTIMES_DIR,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.name),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_ACCESS_KEY_ID: ctx.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ctx.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: ctx.endpoint,
  };
  return { cmd, env, codeDir, readOnlyPaths: [...new Set(paths)], network };
}

/** A custom runtime needs an executable bootstrap at the root of its code. */
export function hasBootstrap(codeDir: string): boolean {
  try {
    fs.accessSync(path.join(codeDir, 'bootstrap'), fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
