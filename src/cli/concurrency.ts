// `gust concurrency set|rm FUNCTION`: reserved concurrency (Put/DeleteFunctionConcurrency: a share
// of the account's limit kept for the function, and its cap), or with --provisioned, instances
// kept warm for a version or alias (Put/DeleteProvisionedConcurrencyConfig).
import { CliError, EXIT, type GustClient } from './client.js';
import { provisionedConcurrencyPath, reservedConcurrencyPath, splitQualifier } from './lambda-paths.js';
import { printJson, type OutputOptions } from './output.js';

export interface ConcurrencyOptions extends OutputOptions {
  provisioned?: boolean;
  qualifier?: string;
}

function count(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new CliError(`The concurrency must be a whole number; got '${text}'`, EXIT.usage);
  return n;
}

/** Provisioned concurrency needs a version or alias, as on Lambda ($LATEST cannot have it). */
function provisionedTarget(fn: string, o: ConcurrencyOptions): { name: string; qualifier: string } {
  const { name, qualifier } = splitQualifier(fn, o.qualifier);
  if (!qualifier) throw new CliError(`Provisioned concurrency is set on a version or alias: give --qualifier (e.g. --qualifier live) or ${fn}:live.`, EXIT.usage);
  return { name, qualifier };
}

export async function setConcurrency(client: GustClient, fn: string, n: string, o: ConcurrencyOptions): Promise<void> {
  const wanted = count(n);
  if (o.provisioned) {
    const { name, qualifier } = provisionedTarget(fn, o);
    const config = (await client.request('PUT', provisionedConcurrencyPath(name, qualifier), { body: JSON.stringify({ ProvisionedConcurrentExecutions: wanted }) })).json();
    if (o.json) return printJson(config);
    process.stdout.write(`Provisioned concurrency of ${name}:${qualifier}: ${wanted} instance${wanted === 1 ? '' : 's'} (${config.Status}; \`gust describe ${name}\` shows when they are ready)\n`);
    return;
  }
  if (o.qualifier) throw new CliError('Reserved concurrency applies to the whole function; --qualifier goes with --provisioned.', EXIT.usage);
  const config = (await client.request('PUT', reservedConcurrencyPath(fn), { body: JSON.stringify({ ReservedConcurrentExecutions: wanted }) })).json();
  if (o.json) return printJson(config);
  process.stdout.write(wanted === 0 ? `Reserved concurrency of ${fn}: 0 (every invocation is throttled)\n` : `Reserved concurrency of ${fn}: ${wanted}\n`);
}

export async function removeConcurrency(client: GustClient, fn: string, o: ConcurrencyOptions): Promise<void> {
  if (o.provisioned) {
    const { name, qualifier } = provisionedTarget(fn, o);
    await client.request('DELETE', provisionedConcurrencyPath(name, qualifier));
    if (o.json) return printJson({ deleted: `${name}:${qualifier}`, kind: 'provisioned' });
    return void process.stdout.write(`Removed the provisioned concurrency of ${name}:${qualifier}\n`);
  }
  await client.request('DELETE', reservedConcurrencyPath(fn));
  if (o.json) return printJson({ deleted: fn, kind: 'reserved' });
  process.stdout.write(`Removed the reserved concurrency of ${fn} (it shares the unreserved pool again)\n`);
}
