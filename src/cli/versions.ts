// `gust publish NAME`, `gust versions NAME`, `gust alias set NAME ALIAS VERSION [--weight V=0.1]`,
// `gust alias ls NAME`, `gust alias rm NAME ALIAS`.
import { CliError, EXIT, type GustClient } from './client.js';
import type { AliasConfig } from './function-facts.js';
import { aliasPath, functionPath as fnPath } from './lambda-paths.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export async function publish(client: GustClient, name: string, opts: OutputOptions & { description?: string }): Promise<void> {
  const body = opts.description ? { Description: opts.description } : {};
  const v = (await client.request('POST', `${fnPath(name)}/versions`, { body: JSON.stringify(body) })).json();
  if (opts.json) return printJson(v);
  process.stdout.write(`Published ${name} version ${v.Version} (${v.FunctionArn})\n`);
}

export async function listVersions(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  const { Versions } = (await client.request('GET', `${fnPath(name)}/versions?MaxItems=10000`)).json();
  const { Aliases } = (await client.request('GET', `${fnPath(name)}/aliases`)).json();
  if (opts.json) return printJson({ versions: Versions, aliases: Aliases });
  printTable(
    Versions.map((v: { Version: string; CodeSha256: string; LastModified: string; Description: string }) => ({
      version: v.Version,
      aliases: Aliases.filter((a: { FunctionVersion: string }) => a.FunctionVersion === v.Version).map((a: { Name: string }) => a.Name).join(','),
      code: v.CodeSha256.slice(0, 12),
      modified: v.LastModified,
      description: v.Description,
    })),
    ['version', 'aliases', 'code', 'modified', 'description'],
  );
}

export async function setAlias(client: GustClient, name: string, alias: string, version: string, opts: OutputOptions & { weight?: string }): Promise<void> {
  let weights: Record<string, number> = {};
  if (opts.weight) {
    const m = /^(\d+)=([0-9.]+)$/.exec(opts.weight);
    if (!m) throw new CliError(`--weight expects VERSION=WEIGHT, e.g. 2=0.1; got '${opts.weight}'`, EXIT.usage);
    weights = { [m[1]]: Number(m[2]) };
  }
  const body = { FunctionVersion: version, RoutingConfig: { AdditionalVersionWeights: weights } };
  const exists = await client.request('GET', aliasPath(name, alias)).then(
    () => true,
    (err: CliError) => {
      if (/ResourceNotFoundException/.test(err.message)) return false;
      throw err;
    },
  );
  const result = exists
    ? (await client.request('PUT', aliasPath(name, alias), { body: JSON.stringify(body) })).json()
    : (await client.request('POST', `${fnPath(name)}/aliases`, { body: JSON.stringify({ Name: alias, ...body }) })).json();
  if (opts.json) return printJson(result);
  const split = Object.entries(weights).map(([v, w]) => `, ${Math.round(w * 100)} % to version ${v}`).join('');
  process.stdout.write(`Alias ${alias} → version ${version}${split}\n`);
}

/** "2" or "2 (90 %), 3 (10 %)" for a weighted alias. */
export function aliasTarget(a: AliasConfig): string {
  const weights = Object.entries(a.RoutingConfig?.AdditionalVersionWeights ?? {});
  if (weights.length === 0) return a.FunctionVersion;
  const rest = 1 - weights.reduce((sum, [, w]) => sum + w, 0);
  const pct = (w: number) => `${Math.round(w * 1000) / 10} %`;
  return [`${a.FunctionVersion} (${pct(rest)})`, ...weights.map(([v, w]) => `${v} (${pct(w)})`)].join(', ');
}

export async function listAliases(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  const { Aliases } = (await client.request('GET', `${fnPath(name)}/aliases`)).json<{ Aliases: AliasConfig[] }>();
  if (opts.json) return printJson(Aliases);
  if (Aliases.length === 0) return void process.stdout.write(`No aliases for ${name}. Publish a version with \`gust publish ${name}\`, then \`gust alias set ${name} live 1\`.\n`);
  printTable(
    Aliases.map((a) => ({ alias: a.Name, version: aliasTarget(a), description: a.Description ?? '' })),
    ['alias', 'version', 'description'],
  );
}

export async function removeAlias(client: GustClient, name: string, alias: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', aliasPath(name, alias));
  if (opts.json) return printJson({ deleted: alias });
  process.stdout.write(`Deleted alias ${alias} of ${name}\n`);
}
