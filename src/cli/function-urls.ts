// `gust url add|rm|ls FUNCTION`: function URLs (Create/Update/Delete/ListFunctionUrlConfigs), served
// on Gust's own port under /lambda-url/ID/, public (AuthType NONE) or for signed callers (AWS_IAM).
import { CliError, EXIT, type GustClient } from './client.js';
import type { FunctionUrlConfig } from './function-facts.js';
import { qualifierOfArn } from './function-facts.js';
import { functionUrlPath, functionUrlsPath, notFoundAsUndefined, splitQualifier } from './lambda-paths.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export interface UrlAddOptions extends OutputOptions {
  qualifier?: string;
  auth?: string;
  allowOrigin?: string[];
  allowMethod?: string[];
  allowHeader?: string[];
  maxAge?: string;
  stream?: boolean;
}

function corsOf(o: UrlAddOptions): Record<string, unknown> | undefined {
  if (!o.allowOrigin && !o.allowMethod && !o.allowHeader && o.maxAge === undefined) return undefined;
  const maxAge = o.maxAge === undefined ? undefined : Number(o.maxAge);
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0 && maxAge <= 86400)) throw new CliError(`--max-age must be 0 to 86400 seconds; got '${o.maxAge}'`, EXIT.usage);
  return {
    AllowOrigins: o.allowOrigin ?? ['*'],
    ...(o.allowMethod ? { AllowMethods: o.allowMethod.map((m) => m.toUpperCase()) } : {}),
    ...(o.allowHeader ? { AllowHeaders: o.allowHeader } : {}),
    ...(maxAge !== undefined ? { MaxAge: maxAge } : {}),
  };
}

/** Creates the URL, or updates the one the function (or qualifier) has already. */
export async function addUrl(client: GustClient, fn: string, o: UrlAddOptions): Promise<void> {
  const { name, qualifier } = splitQualifier(fn, o.qualifier);
  const auth = (o.auth ?? 'NONE').toUpperCase();
  if (auth !== 'NONE' && auth !== 'AWS_IAM') throw new CliError(`--auth must be NONE (public) or AWS_IAM (signed requests); got '${o.auth}'`, EXIT.usage);
  const cors = corsOf(o);
  const body = JSON.stringify({ AuthType: auth, ...(cors ? { Cors: cors } : {}), ...(o.stream ? { InvokeMode: 'RESPONSE_STREAM' } : {}) });
  const path = functionUrlPath(name, qualifier);
  const existing = await client.request('GET', path).then((r) => r.json(), notFoundAsUndefined);
  const url = (await client.request(existing ? 'PUT' : 'POST', path, { body })).json<FunctionUrlConfig>();
  if (o.json) return printJson(url);
  process.stdout.write(`${existing ? 'Updated' : 'Created'} URL of ${fn} (auth ${url.AuthType}): ${url.FunctionUrl}\n`);
  if (url.AuthType === 'NONE') process.stdout.write(`Try: curl -i ${url.FunctionUrl}\n`);
  else process.stdout.write('Callers sign requests with SigV4 for service lambda, e.g. `curl --aws-sigv4 aws:amz:REGION:lambda --user KEY:SECRET URL`.\n');
}

export async function removeUrl(client: GustClient, fn: string, o: OutputOptions & { qualifier?: string }): Promise<void> {
  const { name, qualifier } = splitQualifier(fn, o.qualifier);
  await client.request('DELETE', functionUrlPath(name, qualifier));
  if (o.json) return printJson({ deleted: fn });
  process.stdout.write(`Deleted the URL of ${qualifier ? `${name}:${qualifier}` : name}\n`);
}

export async function listUrls(client: GustClient, fn: string, o: OutputOptions): Promise<void> {
  const { FunctionUrlConfigs } = (await client.request('GET', functionUrlsPath(fn))).json<{ FunctionUrlConfigs: FunctionUrlConfig[] }>();
  if (o.json) return printJson(FunctionUrlConfigs);
  if (FunctionUrlConfigs.length === 0) return void process.stdout.write(`No URL for ${fn}. Add one with \`gust url add ${fn}\`.\n`);
  printTable(
    FunctionUrlConfigs.map((u) => ({ qualifier: qualifierOfArn(u.FunctionArn), auth: u.AuthType, url: u.FunctionUrl, cors: u.Cors ? corsSummary(u.Cors) : '' })),
    ['qualifier', 'auth', 'url', 'cors'],
  );
}

/** "origins https://a.example; methods GET,POST" for a table cell. */
export function corsSummary(cors: Record<string, unknown>): string {
  const list = (key: string) => (Array.isArray(cors[key]) ? (cors[key] as string[]).join(',') : '');
  return [
    list('AllowOrigins') && `origins ${list('AllowOrigins')}`,
    list('AllowMethods') && `methods ${list('AllowMethods')}`,
    list('AllowHeaders') && `headers ${list('AllowHeaders')}`,
    cors.MaxAge !== undefined ? `max-age ${cors.MaxAge}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}
