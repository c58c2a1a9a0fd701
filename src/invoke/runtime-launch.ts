// How each supported runtime is started: the command line and the exact environment Lambda
// gives a function. Nothing of Gust's own environment leaks into a function's process.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionRecord } from '../control/function-record.js';
import { EGRESS_SOCKET_IN_SANDBOX, RUNTIME_SOCKET } from '../sandbox/bubblewrap.js';
import { logGroupOf, loggingEnvironment } from '../control/logging-config.js';
import type { Interpreter } from './runtime-catalog.js';

/** Gust's runtime clients on the host (Node, Python, the in-sandbox forwarder). */
export const RUNTIMES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/runtimes');

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

export interface LaunchContext {
  /** The runtime's interpreter on the host (RuntimeCatalog); none for a custom runtime. */
  interpreter?: Interpreter;
  /**
   * The function's layers merged into one tree: `hostDir` on the host, seen by the function at
   * `root` (/opt inside namespaces; the host path itself with --sandbox process).
   */
  opt?: { hostDir: string; root: string };
  /**
   * Where the function sees RUNTIMES_DIR: /var/runtime inside namespaces, as on Lambda, so that
   * stack traces show no host path; RUNTIMES_DIR itself with --sandbox process, or when not given.
   */
  runtimeRoot?: string;
  /** Where the function sees a Python interpreter's installation (Interpreter.prefix): /var/lang inside namespaces. */
  langRoot?: string;
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
  /** The merged layers on the host, shown read-only at /opt. */
  optDir?: string;
  /** RUNTIMES_DIR, when the function sees it at another path (runtimeRoot). */
  runtimeDir?: string;
  /** The interpreter's installation, when the function sees it at another path (langRoot). */
  langDir?: string;
  network: NetworkMode;
  /** For an allow-list: the sandbox's /etc/hosts, mapping each allowed host to its loopback address. */
  hostsFile?: string;
  /** The allowed destinations, which Gust's egress connector checks again. */
  allowed: Destination[];
  /**
   * The in-sandbox forwarder's command line (no secrets: it shows in `ps`), when the instance
   * has no network of its own; it runs the function's command after dropping privileges.
   */
  forwarder?: string[];
  /** Image functions: the image's unpacked root filesystem, the sandbox's `/`. */
  rootfs?: string;
  /** Image functions: where the function starts. */
  workingDir?: string;
  /** Gust's own runtime client runs: it speaks the framed runtime channel, not HTTP (runtime-channel.ts). */
  runtimeChannel?: boolean;
}

export type NetworkMode = 'on' | 'off' | 'allow-list';
export interface Destination {
  host: string;
  port: number;
}
/** Gust's own per-function setting, as a tag so that no Lambda field changes meaning. */
export const NETWORK_TAG = 'gust:network';
const DESTINATION = /^([A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*):(\d{1,5})$/;

/** Parses the tag: 'on', 'off', or a comma-separated allow-list of host:port; throws a reason. */
export function parseNetworkTag(value: string | undefined): { mode: NetworkMode; allowed: Destination[] } {
  if (value === undefined || value === 'on') return { mode: 'on', allowed: [] };
  if (value === 'off') return { mode: 'off', allowed: [] };
  const allowed = value.split(',').map((item) => {
    const m = DESTINATION.exec(item.trim());
    const port = m ? Number(m[5]) : 0;
    if (!m || port < 1 || port > 65535 || /^[\d.]+$/.test(m[1])) throw new Error(`'${item.trim().slice(0, 100)}' is not host:port (a host name, not an IP address, and a port from 1 to 65535)`);
    return { host: m[1].toLowerCase(), port };
  });
  if (allowed.length > 50) throw new Error('at most 50 destinations may be allowed');
  return { mode: 'allow-list', allowed };
}

export const networkOf = (fn: FunctionRecord) => parseNetworkTag(fn.tags[NETWORK_TAG]);

/** Each allowed host gets a loopback address of its own inside the sandbox: 127.0.0.2, .3, … */
function egressPlan(allowed: Destination[]) {
  const hosts = [...new Set(allowed.map((d) => d.host))];
  const ipOf = new Map(hosts.map((h, i) => [h, `127.0.${Math.floor((i + 2) / 256)}.${(i + 2) % 256}`]));
  return {
    hostsFile: `127.0.0.1\tlocalhost\n${hosts.map((h) => `${ipOf.get(h)}\t${h}`).join('\n')}\n`,
    forwards: allowed.map((d) => ({ listen: `${ipOf.get(d.host)}:${d.port}`, socket: EGRESS_SOCKET_IN_SANDBOX, preamble: `${d.host}:${d.port}` })),
  };
}

/** Lambda's search paths under /opt, for `opt` where the function sees its layers. */
function layerEnv(runtime: string, opt: string | undefined, interpreter: Interpreter | undefined) {
  if (!opt) return { nodePath: [], pythonPath: [], path: [], libraryPath: [] };
  const minor = interpreter?.version.split('.').slice(0, 2).join('.');
  const nodeMajor = interpreter?.version.split('.')[0];
  return {
    nodePath: [...(nodeMajor ? [`${opt}/nodejs/node${nodeMajor}/node_modules`] : []), `${opt}/nodejs/node_modules`],
    pythonPath: [...(minor && runtime.startsWith('python') ? [`${opt}/python/lib/python${minor}/site-packages`] : []), `${opt}/python`],
    path: [`${opt}/bin`],
    libraryPath: [`${opt}/lib`],
  };
}

/** `taskRoot` is where the function sees its code: the host path, or /var/task in a sandbox. */
/**
 * A Python interpreter as the function sees it: its installation at langRoot (/var/lang), so that
 * tracebacks show Lambda's paths and no host path; what lies outside it (a borrowed SDK) stays put.
 */
function seenPython(interpreter: Interpreter, langRoot: string | undefined): { python: Interpreter; langDir?: string } {
  const prefix = interpreter.prefix;
  if (!prefix || !langRoot || langRoot === prefix) return { python: interpreter };
  const moved = (p: string) => (p === prefix || p.startsWith(`${prefix}/`) ? langRoot + p.slice(prefix.length) : p);
  // The host paths stay bound too: a shared libpython is found through the binary's RUNPATH.
  const python = { ...interpreter, executable: moved(interpreter.executable), sitePackages: interpreter.sitePackages && moved(interpreter.sitePackages) };
  return { python, langDir: prefix };
}

function command(fn: FunctionRecord, codeDir: string, taskRoot: string, ctx: LaunchContext): { cmd: string[]; extraEnv: Record<string, string>; paths: string[]; langDir?: string } {
  const layers = layerEnv(fn.runtime, ctx.opt?.root, ctx.interpreter);
  const interpreter = ctx.interpreter;
  const runtimeRoot = ctx.runtimeRoot ?? RUNTIMES_DIR;
  // The runtime clients need a bind of their own only where they are seen at their host path.
  const clientPaths = runtimeRoot === RUNTIMES_DIR ? [RUNTIMES_DIR] : [];
  if (fn.runtime.startsWith('nodejs')) {
    if (!interpreter) throw new Error(`no interpreter for ${fn.runtime}`);
    return {
      cmd: [interpreter.executable, path.join(runtimeRoot, 'node/bootstrap.mjs')],
      extraEnv: { NODE_PATH: [...(layers.nodePath.length > 0 ? layers.nodePath : ['/opt/nodejs/node_modules']), taskRoot].join(':') },
      paths: [...clientPaths, ...interpreter.paths],
    };
  }
  if (fn.runtime.startsWith('python')) {
    if (!interpreter) throw new Error(`no interpreter for ${fn.runtime}`);
    const { python, langDir } = seenPython(interpreter, ctx.langRoot);
    // -S skips the site module (≈40 ms); the interpreter's own site-packages (boto3, when installed
    // there) stays importable through PYTHONPATH, behind the code and the layers as on Lambda, and
    // last the boto3 borrowed for a Python that has none (runtime-catalog.ts).
    return {
      cmd: [python.executable, '-S', path.join(runtimeRoot, 'python/bootstrap.py')],
      extraEnv: {
        PYTHONPATH: [taskRoot, path.join(taskRoot, 'python'), ...layers.pythonPath, ...(python.sitePackages ? [python.sitePackages] : []), ...(python.sdkDir ? [python.sdkDir] : [])].join(':'),
        PYTHONDONTWRITEBYTECODE: '1',
      },
      paths: [...clientPaths, ...python.paths],
      langDir,
    };
  }
  // Lambda runs the code's bootstrap, or else the one a layer brought (/opt/bootstrap).
  const fromLayer = ctx.opt && !hasBootstrap(codeDir) && hasBootstrap(ctx.opt.hostDir);
  return { cmd: [fromLayer ? `${ctx.opt!.root}/bootstrap` : path.join(taskRoot, 'bootstrap')], extraEnv: {}, paths: [] };
}

export function buildLaunch(fn: FunctionRecord, codeDir: string, taskRoot: string, ctx: LaunchContext): Launch {
  const { mode: network, allowed } = networkOf(fn);
  const { cmd, extraEnv, paths: runtimePaths, langDir } = command(fn, codeDir, taskRoot, ctx);
  const layers = layerEnv(fn.runtime, ctx.opt?.root, ctx.interpreter);
  // Without the host's network, a forwarder inside the sandbox carries custom runtimes' Runtime
  // API calls and, for an allow-list, the allowed outbound connections.
  const forwards: { listen: string; socket: string; preamble?: string }[] = [];
  if (network !== 'on' && isCustomRuntime(fn.runtime)) forwards.push({ listen: '127.0.0.1:9001', socket: RUNTIME_SOCKET });
  const plan = network === 'allow-list' ? egressPlan(allowed) : undefined;
  if (plan) forwards.push(...plan.forwards);
  // Its configuration travels on its command line, never in an environment a function sets.
  const runtimeRoot = ctx.runtimeRoot ?? RUNTIMES_DIR;
  const seenAtHostPath = runtimeRoot === RUNTIMES_DIR;
  const forwarder = forwards.length > 0 ? [process.execPath, path.join(runtimeRoot, 'sandbox-forwarder.mjs'), JSON.stringify(forwards)] : undefined;
  const paths = forwarder ? [...runtimePaths, ...(seenAtHostPath ? [RUNTIMES_DIR] : []), path.dirname(path.dirname(process.execPath))] : runtimePaths;
  const env: Record<string, string> = {
    ...fn.environment,
    ...extraEnv,
    PATH: ['/usr/local/bin', '/usr/bin', '/bin', ...layers.path].join(':'),
    ...(layers.libraryPath.length > 0 ? { LD_LIBRARY_PATH: [...layers.libraryPath, `${taskRoot}/lib`].join(':') } : {}),
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: runtimeRoot,
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    ...lambdaSetEnvironment(fn, ctx),
  };
  const runtimeChannel = !isCustomRuntime(fn.runtime);
  return { cmd, env, codeDir, readOnlyPaths: [...new Set(paths)], optDir: ctx.opt?.hostDir, runtimeDir: seenAtHostPath ? undefined : RUNTIMES_DIR, langDir, network, allowed, hostsFile: plan?.hostsFile, forwarder, runtimeChannel };
}

/**
 * The variables Lambda sets itself, last so that the function's own environment cannot override
 * them: the function's identity, logging, region, its own credentials and Gust's endpoint.
 */
export function lambdaSetEnvironment(fn: FunctionRecord, ctx: Pick<LaunchContext, 'region' | 'credentials' | 'endpoint'>): Record<string, string> {
  return {
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupOf(fn),
    ...loggingEnvironment(fn),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_REGION: ctx.region,
    AWS_DEFAULT_REGION: ctx.region,
    AWS_ACCESS_KEY_ID: ctx.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ctx.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: ctx.endpoint,
  };
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
