// `gust logs NAME [--since 10m] [--follow]`: prints a function's log lines from its log group,
// through the same CloudWatch Logs API the aws CLI uses, and keeps polling with --follow.
// A function's output may carry terminal escape sequences: they are removed unless --raw.
import { CliError, type GustClient } from './client.js';
import { functionPath } from './lambda-paths.js';
import { parseDuration, type OutputOptions } from './output.js';
import { stripTerminalEscapes, terminalSafeJson } from './terminal-safe.js';

export interface LogsOptions extends OutputOptions {
  since?: string;
  follow?: boolean;
  filter?: string;
  /** Print messages byte for byte, escape sequences included (text output only). */
  raw?: boolean;
}

export interface LogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  eventId: string;
}

/**
 * How far back each follow poll looks again, behind the newest event seen. In a cluster, nodes
 * write their lines in batches that commit in any order, so a line may become visible after a
 * newer one from another node (a smaller event id, an earlier timestamp): looking back this far,
 * and remembering the ids already printed, shows it late rather than never.
 */
export const FOLLOW_LOOK_BACK_MS = 2000;

/**
 * Reads a log group's events from `startTime` on and hands each to `onEvent` once; with
 * `follow`, keeps polling (every 500 ms) until `signal` aborts. `gust logs` and `gust dev` use it.
 * A function that never ran has no log group yet: that reads as no events, and the result says
 * whether the group was found.
 */
export async function pollLogEvents(
  client: GustClient,
  group: string,
  opts: { startTime: number; follow?: boolean; filter?: string; signal?: AbortSignal },
  onEvent: (e: LogEvent) => void,
): Promise<{ groupFound: boolean }> {
  let groupFound = false;
  let startTime = opts.startTime;
  let nextToken: string | undefined;
  let newest = opts.startTime;
  /** Event ids handed on, with their timestamps: those within the look-back are skipped when read again. */
  const seen = new Map<string, number>();
  while (!opts.signal?.aborted) {
    const page = await client.logs<{ events: LogEvent[]; nextToken?: string }>('FilterLogEvents', {
      logGroupName: group,
      startTime,
      ...(opts.filter ? { filterPattern: opts.filter } : {}),
      ...(nextToken ? { nextToken } : {}),
    }).then(
      (page) => ((groupFound = true), page),
      (err) => {
        // Following a group that does not exist yet waits for it to appear.
        if (/ResourceNotFoundException/.test(err.message)) return { events: [], nextToken: undefined };
        throw err;
      },
    );
    for (const e of page.events) {
      if (seen.has(e.eventId)) continue;
      seen.set(e.eventId, e.timestamp);
      newest = Math.max(newest, e.timestamp);
      onEvent(e);
    }
    if (page.nextToken) {
      nextToken = page.nextToken;
      continue;
    }
    if (!opts.follow) return { groupFound };
    // At the end of the group the token is gone: ask again from a little before the newest event.
    nextToken = undefined;
    startTime = Math.max(opts.startTime, newest - FOLLOW_LOOK_BACK_MS);
    for (const [id, timestamp] of seen) if (timestamp < startTime) seen.delete(id);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500);
      opts.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
  return { groupFound };
}

export async function logs(client: GustClient, name: string, opts: LogsOptions): Promise<void> {
  const startTime = opts.since ? Date.now() - parseDuration(opts.since) : 0;
  const { groupFound } = await pollLogEvents(client, `/aws/lambda/${name}`, { startTime, follow: opts.follow, filter: opts.filter }, (e) => {
    if (opts.json) process.stdout.write(terminalSafeJson(e) + '\n');
    else {
      const message = opts.raw ? e.message : stripTerminalEscapes(e.message);
      process.stdout.write(`${new Date(e.timestamp).toISOString()} ${message.endsWith('\n') ? message : message + '\n'}`);
    }
  });
  if (groupFound) return;
  // No log group: nothing has run yet, which is fine for a function that exists, and a typo otherwise.
  await client.request('GET', `${functionPath(name)}/configuration`).catch((err: CliError) => {
    if (/ResourceNotFoundException/.test(err.message)) throw new CliError(`${err.message}\nNo function ${name} and no logs of one: see \`gust ls\`.`, err.exitCode);
    throw err;
  });
  if (!opts.json && process.stderr.isTTY) process.stderr.write(`No logs yet: ${name} has not run. Try \`gust invoke ${name}\`.\n`);
}
