// `gust ls` and `gust rm NAME`: list and delete functions.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export async function list(client: GustClient, opts: OutputOptions): Promise<void> {
  const functions: any[] = [];
  let marker: string | undefined;
  do {
    const page = (await client.request('GET', `/2015-03-31/functions?MaxItems=50${marker ? `&Marker=${encodeURIComponent(marker)}` : ''}`)).json();
    functions.push(...page.Functions);
    marker = page.NextMarker;
  } while (marker);
  if (opts.json) return printJson(functions);
  if (functions.length === 0) return void process.stdout.write('No functions yet. Deploy one with `gust deploy DIR`.\n');
  printTable(
    functions.map((f) => ({ name: f.FunctionName, runtime: f.Runtime, handler: f.Handler, memory: `${f.MemorySize} MB`, timeout: `${f.Timeout} s`, modified: f.LastModified })),
    ['name', 'runtime', 'handler', 'memory', 'timeout', 'modified'],
  );
}

export async function remove(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/2015-03-31/functions/${encodeURIComponent(name)}`);
  if (opts.json) printJson({ deleted: name });
  else process.stdout.write(`Deleted ${name}\n`);
}
