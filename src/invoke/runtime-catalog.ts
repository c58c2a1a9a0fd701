// Which interpreter runs each runtime name: python3.X the machine's Python 3.X (pyenv's
// installations, or python3.X on PATH), nodejs20.x the Node.js Gust itself runs on when that is
// 20, and any nodejsN.x one installed by `gust runtime add` into <dataDir>/runtimes/. A name whose
// interpreter is missing is refused, never run by another version.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GustError } from '../errors.js';
import { isCustomRuntime, SUPPORTED_RUNTIMES } from './runtime-launch.js';

export interface Interpreter {
  /** The executable to start (resolved: never a pyenv shim). */
  executable: string;
  /** Its full version, e.g. 3.12.1 or 22.23.5. */
  version: string;
  /** Host paths a sandbox must be able to read for it to run. */
  paths: string[];
  /** Python: its installation (sys.base_prefix), which a sandbox shows at /var/lang as Lambda does. */
  prefix?: string;
  /** Python: its site-packages directory (boto3, when installed there). */
  sitePackages?: string;
  /** Python without boto3 of its own: a directory holding the AWS SDK for Python, last on sys.path. */
  sdkDir?: string;
}

/**
 * Lambda's Python runtimes all carry boto3. It is pure Python (with its dependencies), so a Python
 * without it borrows the one another interpreter on the machine has: these packages, linked into
 * one directory so that nothing else of that interpreter's site-packages comes along.
 */
const PYTHON_SDK_PACKAGES = ['boto3', 'botocore', 's3transfer', 'jmespath', 'dateutil', 'six.py', 'urllib3'];

const PYTHON_PROBE = 'import sys, sysconfig; print(sys.executable); print(sysconfig.get_paths()["purelib"]); print(sys.base_prefix); print("%d.%d.%d" % sys.version_info[:3])';

export const RUNTIMES_DOC = 'docs/runtimes.md';

export class RuntimeCatalog {
  private readonly pythons = new Map<string, Interpreter | null>();

  constructor(private readonly dataDir: string) {}

  /** Where `gust runtime add` puts Node.js versions: <dataDir>/runtimes/nodejs22.x/bin/node. */
  nodeDir(runtime: string): string {
    return path.join(this.dataDir, 'runtimes', runtime);
  }

  /** The interpreter of a runtime, or undefined when this machine has none (custom runtimes have none). */
  interpreter(runtime: string): Interpreter | undefined {
    if (runtime.startsWith('python')) return this.python(runtime.slice('python'.length));
    if (runtime.startsWith('nodejs')) return this.node(runtime);
    return undefined;
  }

  /** Every supported runtime name this machine can run now. */
  available(): string[] {
    return SUPPORTED_RUNTIMES.filter((r) => isCustomRuntime(r) || this.interpreter(r) !== undefined);
  }

  /** Throws InvalidParameterValueException for a runtime name this machine cannot run. */
  check(runtime: string): void {
    if (isCustomRuntime(runtime) || this.interpreter(runtime)) return;
    const install = runtime.startsWith('nodejs') ? ` Install it with: gust runtime add ${runtime}.` : ` Install Python ${runtime.slice(6)} on this machine (for example with pyenv) to use it.`;
    throw new GustError(
      'InvalidParameterValueException',
      `The runtime parameter of ${runtime} is not available on this Gust: the machine has no interpreter for it.${install} Available runtimes: ${this.available().join(', ')} (see ${RUNTIMES_DOC}).`,
    );
  }

  private node(runtime: string): Interpreter | undefined {
    const major = /^nodejs(\d+)\.x$/.exec(runtime)?.[1];
    if (!major) return undefined;
    const installed = path.join(this.nodeDir(runtime), 'bin', 'node');
    if (fs.existsSync(installed)) {
      let version = '';
      try {
        version = (JSON.parse(fs.readFileSync(path.join(this.nodeDir(runtime), 'package.json'), 'utf8')) as { version?: string }).version ?? '';
      } catch {
        /* the version is informational */
      }
      return { executable: installed, version, paths: [this.nodeDir(runtime)] };
    }
    if (process.versions.node.split('.')[0] === major) {
      return { executable: process.execPath, version: process.versions.node, paths: [path.dirname(path.dirname(process.execPath))] };
    }
    return undefined;
  }

  private python(minor: string): Interpreter | undefined {
    if (!/^3\.\d+$/.test(minor)) return undefined;
    if (!this.pythons.has(minor)) {
      const found = findPython(minor);
      if (found && !hasBoto3(found.sitePackages)) {
        const sdk = this.pythonSdk();
        if (sdk && importsBoto3(found.executable, sdk.dir)) Object.assign(found, { sdkDir: sdk.dir, paths: [...found.paths, sdk.dir, sdk.donor] });
      }
      this.pythons.set(minor, found ?? null);
    }
    return this.pythons.get(minor) ?? undefined;
  }

  private sdk: { dir: string; donor: string } | null | undefined;

  /** <dataDir>/runtimes/python-sdk: links to the boto3 of a Python that has it (once per start). */
  private pythonSdk(): { dir: string; donor: string } | undefined {
    if (this.sdk === undefined) {
      this.sdk = null;
      for (const minor of ['3.11', '3.12', '3.13', '3.10', '3.9']) {
        const donor = this.pythons.get(minor) ?? findPython(minor);
        if (!donor?.sitePackages || !hasBoto3(donor.sitePackages)) continue;
        const dir = path.join(this.dataDir, 'runtimes', 'python-sdk');
        const staging = `${dir}.${process.pid}`;
        fs.rmSync(staging, { recursive: true, force: true });
        fs.mkdirSync(staging, { recursive: true });
        for (const name of PYTHON_SDK_PACKAGES) {
          if (fs.existsSync(path.join(donor.sitePackages, name))) fs.symlinkSync(path.join(donor.sitePackages, name), path.join(staging, name));
        }
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(staging, dir);
        this.sdk = { dir, donor: donor.sitePackages };
        break;
      }
    }
    return this.sdk ?? undefined;
  }
}

/** Whether the borrowed SDK works on this interpreter (a newer urllib3 needs Python 3.10, say). */
function importsBoto3(executable: string, sdkDir: string): boolean {
  try {
    execFileSync(executable, ['-S', '-c', 'import boto3'], { env: { PYTHONPATH: sdkDir }, stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

const hasBoto3 = (sitePackages: string | undefined) => sitePackages !== undefined && fs.existsSync(path.join(sitePackages, 'boto3', '__init__.py'));

function pyenvRoot(): string {
  return process.env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv');
}

/** pyenv's 3.X.* installations (newest first), then python3.X and python3 on PATH. */
function findPython(minor: string): Interpreter | undefined {
  const candidates: string[] = [];
  const versions = path.join(pyenvRoot(), 'versions');
  try {
    const dirs = fs.readdirSync(versions).filter((d) => d === minor || d.startsWith(`${minor}.`));
    dirs.sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
    for (const d of dirs) candidates.push(path.join(versions, d, 'bin', `python${minor}`));
  } catch {
    /* no pyenv */
  }
  candidates.push(`python${minor}`, 'python3');
  for (const candidate of candidates) {
    if (candidate.includes('/') && !fs.existsSync(candidate)) continue;
    try {
      const out = execFileSync(candidate, ['-c', PYTHON_PROBE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
      const [executable, sitePackages, prefix, version] = out.trim().split('\n');
      if (!version?.startsWith(`${minor}.`)) continue;
      return { executable, version, prefix, sitePackages, paths: [prefix, sitePackages] };
    } catch {
      continue;
    }
  }
  return undefined;
}
