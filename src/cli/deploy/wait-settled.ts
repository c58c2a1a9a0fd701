// What the aws CLI's function-active-v2 / function-updated-v2 waiters do: poll the function's
// configuration until its last change has settled (State not Pending, LastUpdateStatus not InProgress).
import type { GustClient } from '../client.js';

export async function waitUntilSettled(client: GustClient, name: string): Promise<Record<string, unknown>> {
  const path = `/2015-03-31/functions/${encodeURIComponent(name)}/configuration`;
  for (let i = 0; ; i++) {
    const c = (await client.request('GET', path)).json() as Record<string, unknown>;
    if ((c.State !== 'Pending' && c.LastUpdateStatus !== 'InProgress') || i >= 300) return c;
    await new Promise((r) => setTimeout(r, 100));
  }
}
