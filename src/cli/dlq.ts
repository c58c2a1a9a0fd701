// `gust dlq ls [FUNCTION]` and `gust dlq redrive ID|all`: the built-in dead-letter store.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export async function listDeadLetters(client: GustClient, fn: string | undefined, opts: OutputOptions): Promise<void> {
  const query = fn ? `?function=${encodeURIComponent(fn)}` : '';
  const { deadLetters } = (await client.request('GET', `/gust/dead-letters${query}`)).json();
  if (opts.json) return printJson(deadLetters);
  if (deadLetters.length === 0) return void process.stdout.write('No dead letters.\n');
  printTable(
    deadLetters.map((d: { id: number; functionName: string; condition: string; requestId: string; createdAt: number; payload: string }) => ({
      id: d.id,
      function: d.functionName,
      condition: d.condition,
      request: d.requestId,
      failed: new Date(d.createdAt).toISOString(),
      payload: d.payload.length > 60 ? d.payload.slice(0, 57) + '...' : d.payload,
    })),
    ['id', 'function', 'condition', 'request', 'failed', 'payload'],
  );
}

export async function redriveDeadLetters(client: GustClient, id: string, fn: string | undefined, opts: OutputOptions): Promise<void> {
  const query = fn ? `?function=${encodeURIComponent(fn)}` : '';
  const { redriven } = (await client.request('POST', `/gust/dead-letters/${encodeURIComponent(id)}/redrive${query}`)).json();
  if (opts.json) return printJson({ redriven });
  process.stdout.write(`Re-queued ${redriven.length} event${redriven.length === 1 ? '' : 's'}\n`);
}
