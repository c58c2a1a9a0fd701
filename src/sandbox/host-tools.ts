// The host's launch tools (setpriv, bash, env) inside a sandbox whose root is a container image.
// The image may have none of them, or other versions, so the host's /usr is bound read-only at
// HOST_TOOLS_ROOT and each tool is started through the host's own dynamic loader with the host's
// library directories: nothing of the image runs before privileges are dropped, and the
// function's command (the image's entry point) then runs with the image's own loader.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where the host's system directories appear inside an image sandbox. */
export const HOST_TOOLS_ROOT = '/.gust-host';

export interface HostTools {
  /** Host directories to bind read-only under HOST_TOOLS_ROOT. */
  binds: string[];
  /** Prefix that runs a host executable (given by its path inside the sandbox). */
  run(hostPath: string): string[];
}

const inSandbox = (hostPath: string) => `${HOST_TOOLS_ROOT}${hostPath}`;

/** The loader and library directories of the host's launch tools, read once from ldd. */
function probe(tools: string[]): { loader: string; libDirs: string[] } | undefined {
  const libDirs = new Set<string>();
  let loader: string | undefined;
  for (const tool of tools) {
    let out: string;
    try {
      out = execFileSync('/usr/bin/ldd', [tool], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    } catch {
      return undefined;
    }
    for (const line of out.split('\n')) {
      const lib = /=>\s+(\/\S+)/.exec(line)?.[1];
      if (lib) libDirs.add(path.dirname(fs.realpathSync(lib)));
      const interp = /^\s*(\/\S*ld-linux\S*)\s/.exec(line)?.[1];
      if (interp) loader = fs.realpathSync(interp);
    }
  }
  return loader ? { loader, libDirs: [...libDirs] } : undefined;
}

let cached: HostTools | null | undefined;

/** Null when the host's tools cannot be found (then image functions cannot start). */
export function hostTools(tools: string[]): HostTools | null {
  if (cached !== undefined) return cached;
  const found = probe(tools.map((t) => fs.realpathSync(t)));
  if (!found) return (cached = null);
  const dirs = [found.loader, ...found.libDirs, ...tools.map((t) => fs.realpathSync(t))].map((p) => p.split('/').slice(0, 2).join('/'));
  const binds = [...new Set(dirs)];
  const libraryPath = found.libDirs.map(inSandbox).join(':');
  cached = { binds, run: (hostPath) => [inSandbox(found.loader), '--library-path', libraryPath, inSandbox(fs.realpathSync(hostPath))] };
  return cached;
}

export const hostPathInSandbox = inSandbox;
