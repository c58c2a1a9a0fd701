// `gust keys create|list|revoke`: manage the access keys of the Gust server.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export async function createKey(client: GustClient, opts: OutputOptions): Promise<void> {
  const key = (await client.request('POST', '/gust/keys')).json();
  if (opts.json) return printJson(key);
  process.stdout.write(`Created ${key.accessKeyId}\nSecret (shown only now): ${key.secretAccessKey}\n`);
  process.stdout.write(`Use it as a profile:\n[my-profile]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`);
}

export async function listKeys(client: GustClient, opts: OutputOptions): Promise<void> {
  const { keys } = (await client.request('GET', '/gust/keys')).json();
  if (opts.json) return printJson(keys);
  printTable(
    keys.map((k: { accessKeyId: string; scope: string; createdAt: number; revoked: boolean }) => ({
      'access key': k.accessKeyId,
      scope: k.scope,
      created: new Date(k.createdAt).toISOString(),
      state: k.revoked ? 'revoked' : 'active',
    })),
    ['access key', 'scope', 'created', 'state'],
  );
}

export async function revokeKey(client: GustClient, accessKeyId: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/gust/keys/${encodeURIComponent(accessKeyId)}`);
  if (opts.json) printJson({ revoked: accessKeyId });
  else process.stdout.write(`Revoked ${accessKeyId}\n`);
}
