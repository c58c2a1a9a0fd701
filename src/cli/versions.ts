// `gust publish NAME`, `gust versions NAME`, `gust alias set NAME ALIAS VERSION [--weight V=0.1]`.
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

const fnPath = (name: string) => `/2015-03-31/functions/${encodeURIComponent(name)}`;

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
  const exists = await client.request('GET', `${fnPath(name)}/aliases/${encodeURIComponent(alias)}`).then(
    () => true,
    (err: CliError) => {
      if (/ResourceNotFoundException/.test(err.message)) return false;
      throw err;
    },
  );
  const result = exists
    ? (await client.request('PUT', `${fnPath(name)}/aliases/${encodeURIComponent(alias)}`, { body: JSON.stringify(body) })).json()
    : (await client.request('POST', `${fnPath(name)}/aliases`, { body: JSON.stringify({ Name: alias, ...body }) })).json();
  if (opts.json) return printJson(result);
  const split = Object.entries(weights).map(([v, w]) => `, ${Math.round(w * 100)} % to version ${v}`).join('');
  process.stdout.write(`Alias ${alias} → version ${version}${split}\n`);
}
