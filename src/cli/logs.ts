// `gust logs NAME [--since 10m] [--follow]`: prints a function's log lines from its log group,
// through the same CloudWatch Logs API the aws CLI uses, and keeps polling with --follow.
// A function's output may carry terminal escape sequences: they are removed unless --raw.
import type { GustClient } from './client.js';
import { parseDuration, type OutputOptions } from './output.js';
import { stripTerminalEscapes, terminalSafeJson } from './terminal-safe.js';

export interface LogsOptions extends OutputOptions {
  since?: string;
  follow?: boolean;
  filter?: string;
  /** Print messages byte for byte, escape sequences included (text output only). */
  raw?: boolean;
}

interface FilteredEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  eventId: string;
}

export async function logs(client: GustClient, name: string, opts: LogsOptions): Promise<void> {
  let startTime = opts.since ? Date.now() - parseDuration(opts.since) : 0;
  const group = `/aws/lambda/${name}`;
  let nextToken: string | undefined;
  let lastId = '';
  for (;;) {
    const page = await client.logs<{ events: FilteredEvent[]; nextToken?: string }>('FilterLogEvents', {
      logGroupName: group,
      startTime,
      ...(opts.filter ? { filterPattern: opts.filter } : {}),
      ...(nextToken ? { nextToken } : {}),
    }).catch((err) => {
      // A function that never ran has no log group yet; following it waits for one.
      if (opts.follow && /ResourceNotFoundException/.test(err.message)) return { events: [], nextToken: undefined };
      throw err;
    });
    for (const e of page.events) {
      if (e.eventId <= lastId) continue;
      lastId = e.eventId;
      startTime = e.timestamp;
      if (opts.json) process.stdout.write(terminalSafeJson(e) + '\n');
      else {
        const message = opts.raw ? e.message : stripTerminalEscapes(e.message);
        process.stdout.write(`${new Date(e.timestamp).toISOString()} ${message.endsWith('\n') ? message : message + '\n'}`);
      }
    }
    if (page.nextToken) {
      nextToken = page.nextToken;
      continue;
    }
    if (!opts.follow) return;
    // At the end of the group the token is gone: ask again from the last event's time on.
    nextToken = undefined;
    await new Promise((r) => setTimeout(r, 500));
  }
}
