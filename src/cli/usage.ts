// `gust usage [NAME] [--since 1d]`: requests, errors, GB-seconds and cost per function.
import type { GustClient } from './client.js';
import { parseDuration, printJson, printTable, type OutputOptions } from './output.js';

export interface UsageOptions extends OutputOptions {
  since?: string;
}

export async function usage(client: GustClient, name: string | undefined, opts: UsageOptions): Promise<void> {
  const params = new URLSearchParams();
  if (name) params.set('function', name);
  if (opts.since) params.set('start', String(Date.now() - parseDuration(opts.since)));
  const report = (await client.request('GET', `/gust/usage?${params}`)).json();
  if (opts.json) return printJson(report);
  if (report.functions.length === 0) return void process.stdout.write('No invocations in this period.\n');
  printTable(
    report.functions.map((f: any) => ({
      function: f.functionName,
      requests: f.requests,
      errors: f.errors,
      'cold starts': f.coldStarts,
      'gb-seconds': f.gbSeconds.toFixed(4),
      cost: `$${f.cost.toFixed(8)}`,
    })),
    ['function', 'requests', 'errors', 'cold starts', 'gb-seconds', 'cost'],
  );
  const t = report.total;
  process.stdout.write(`TOTAL  ${t.requests} requests, ${t.errors} errors, ${t.gbSeconds.toFixed(4)} GB-s, $${t.cost.toFixed(8)}\n`);
}
