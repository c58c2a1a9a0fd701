// `gust dev [path]`: deploys a project (serverless.yml, SAM template.yaml, or one function's
// directory), then watches its files and redeploys on each save (the project's plan updates only
// the functions whose package changed), while it tails every function's logs and prints one line
// per invocation (function, request, duration, status). Ctrl-C stops it.
import fs from 'node:fs';
import path from 'node:path';
import { CliError, EXIT, type GustClient } from './client.js';
import { deploy } from './deploy.js';
import { deployProject, findProjectFile, loadProject } from './deploy/project-deploy.js';
import { pollLogEvents, type LogEvent } from './logs.js';
import { stripTerminalEscapes } from './terminal-safe.js';

/** Paths whose changes never need a redeploy: dependencies, VCS, and build output. */
const IGNORED = new Set(['node_modules', '.git', '.aws-sam', '.serverless', '.gust', 'dist', 'build', '__pycache__', '.esbuild']);
const DEBOUNCE_MS = 100;

export interface DevOptions {
  stage?: string;
  region?: string;
  stackName?: string;
  parameterOverrides?: string[];
}

const ignored = (rel: string) => rel.split(path.sep).some((part) => IGNORED.has(part)) || /(^|\/)\.#|~$|\.swp$/.test(rel);

/** One line per finished invocation, from the REPORT line Gust writes for it. */
export function invocationLine(fn: string, message: string): string | undefined {
  const m = /^REPORT RequestId: (\S+)\tDuration: ([\d.]+) ms/.exec(message);
  if (!m) return undefined;
  const status = /Status: (\w+)/.exec(message)?.[1] ?? 'ok';
  return `${fn}  ${m[1]}  ${m[2]} ms  ${status}`;
}

function printEvent(fn: string, e: LogEvent) {
  const message = stripTerminalEscapes(e.message).replace(/\n$/, '');
  if (/^(START|END|INIT_START) /.test(message)) return;
  const line = invocationLine(fn, message);
  process.stdout.write(line ? `${line}\n` : `${fn} | ${message}\n`);
}

export async function dev(client: GustClient, target: string | undefined, opts: DevOptions): Promise<void> {
  const dir = path.resolve(target ?? '.');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CliError(`${dir} is not a directory`, EXIT.usage);
  const tty = Boolean(process.stdout.isTTY);
  const progress = (line: string) => tty && process.stdout.write(`${line}\n`);
  const projectFile = findProjectFile(dir);
  const projectOpts = { ...opts, json: false };

  const deployNow = async (): Promise<string[]> => {
    if (projectFile) {
      await deployProject(client, projectFile, projectOpts);
      return (await loadProject(client, projectFile, projectOpts)).functions.map((f) => f.name);
    }
    const name = path.basename(dir).replace(/[^a-zA-Z0-9_-]/g, '-');
    await deploy(client, dir, { name });
    return [name];
  };

  const stop = new AbortController();
  const tails = new Map<string, Promise<unknown>>();
  const since = Date.now();
  const follow = (names: string[]) => {
    for (const fn of names) {
      if (tails.has(fn)) continue;
      tails.set(
        fn,
        pollLogEvents(client, `/aws/lambda/${fn}`, { startTime: since, follow: true, signal: stop.signal }, (e) => printEvent(fn, e)).catch((err) => {
          if (!stop.signal.aborted) process.stderr.write(`gust dev: log tail of ${fn} stopped: ${(err as Error).message}\n`);
        }),
      );
    }
  };

  follow(await deployNow());
  progress(`Watching ${dir} for changes (Ctrl-C to stop)…`);

  // Saves come in bursts (editors write, rename, chmod): one redeploy per burst, never two at once.
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const changed = new Set<string>();
  const redeploy = async () => {
    if (running) {
      again = true;
      return;
    }
    const files = [...changed];
    changed.clear();
    progress(`Changed: ${files.slice(0, 5).join(', ')}${files.length > 5 ? ', …' : ''}; redeploying`);
    running = deployNow()
      .then(follow)
      .catch((err) => {
        process.stderr.write(`gust dev: deploy failed: ${(err as Error).message}\n`);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void redeploy();
        }
      });
  };
  const watcher = fs.watch(dir, { recursive: true }, (_event, filename) => {
    if (!filename || ignored(filename.toString())) return;
    changed.add(filename.toString());
    clearTimeout(timer);
    timer = setTimeout(() => void redeploy(), DEBOUNCE_MS);
  });

  await new Promise<void>((resolve) => {
    const end = () => {
      process.off('SIGINT', end);
      process.off('SIGTERM', end);
      resolve();
    };
    process.on('SIGINT', end);
    process.on('SIGTERM', end);
  });
  progress('Stopping…');
  watcher.close();
  clearTimeout(timer);
  stop.abort();
  await Promise.allSettled([running, ...tails.values()]);
}
