// `gust env`: the shell exports that point the aws CLI, boto3, the SDKs, curl and gust itself at
// this Gust, read from its data directory: `eval "$(gust env)"`.
import fs from 'node:fs';
import { CliError, EXIT, type GustClient } from './client.js';
import { printJson, type OutputOptions } from './output.js';

/** Quotes a value for a POSIX shell: inside single quotes only the single quote itself needs care. */
const shellQuote = (value: string) => (/^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`);

export function gustEnv(client: GustClient): Record<string, string> {
  if (!fs.existsSync(client.credentialsFile)) {
    throw new CliError(`No credentials in ${client.dataDir}: start Gust there first (\`gust up\`), or point --data-dir (GUST_DATA_DIR) at the data directory it was started with.`, EXIT.usage);
  }
  return {
    AWS_SHARED_CREDENTIALS_FILE: client.credentialsFile,
    AWS_CONFIG_FILE: client.configFile,
    AWS_PROFILE: 'gust',
    AWS_ENDPOINT_URL: client.endpoint,
    GUST_ENDPOINT: client.endpoint,
    GUST_DATA_DIR: client.dataDir,
  };
}

export function printEnv(client: GustClient, opts: OutputOptions): void {
  const vars = gustEnv(client);
  if (opts.json) return printJson(vars);
  for (const [name, value] of Object.entries(vars)) process.stdout.write(`export ${name}=${shellQuote(value)}\n`);
}
