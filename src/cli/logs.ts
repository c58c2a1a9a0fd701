// `gust logs NAME [--since 10m] [--follow]`: prints a function's log lines from its log group,
// through the same CloudWatch Logs API the aws CLI uses, and keeps polling with --follow.
import type { GustClient } from './client.js';
import { parseDuration, printJson, type OutputOptions } from './output.js';

export interface LogsOptions extends OutputOptions {
  since?: string;
  follow?: boolean;
  filter?: string;
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
      if (opts.json) printJson(e);
      else process.stdout.write(`${new Date(e.timestamp).toISOString()} ${e.message.endsWith('\n') ? e.message : e.message + '\n'}`);
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
