// `gust route add METHOD PATH FUNCTION`, `gust route ls`, `gust route rm ID`: HTTP routes.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

export async function addRoute(client: GustClient, method: string, path: string, fn: string, opts: OutputOptions & { payloadFormat?: string }): Promise<void> {
  const body = JSON.stringify({ method, path, function: fn, payloadFormat: opts.payloadFormat ?? '2.0' });
  const route = (await client.request('POST', '/gust/routes', { body })).json();
  if (opts.json) return printJson(route);
  process.stdout.write(`Added route ${route.id}: ${route.method} ${route.path} → ${route.functionName} (payload ${route.payloadFormat})\n`);
  process.stdout.write(`Try: curl -i ${client.endpoint}${route.path === '$default' ? '/' : route.path.replace(/\{[^}]+\}/g, 'x')}\n`);
}

export async function listRoutes(client: GustClient, opts: OutputOptions): Promise<void> {
  const { routes } = (await client.request('GET', '/gust/routes')).json();
  if (opts.json) return printJson(routes);
  if (routes.length === 0) return void process.stdout.write('No routes yet. Add one with `gust route add GET /path FUNCTION`.\n');
  printTable(
    routes.map((r: { id: string; method: string; path: string; functionName: string; payloadFormat: string }) => ({ id: r.id, method: r.method, path: r.path, function: r.functionName, payload: r.payloadFormat })),
    ['id', 'method', 'path', 'function', 'payload'],
  );
}

export async function removeRoute(client: GustClient, id: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/gust/routes/${encodeURIComponent(id)}`);
  if (opts.json) printJson({ removed: id });
  else process.stdout.write(`Removed route ${id}\n`);
}

export async function setRoutesCors(client: GustClient, opts: OutputOptions & { allowOrigin?: string[]; allowMethod?: string[]; allowHeader?: string[]; maxAge?: string; off?: boolean }): Promise<void> {
  const cors = opts.off
    ? (await client.request('DELETE', '/gust/routes/cors')).json()
    : (
        await client.request('PUT', '/gust/routes/cors', {
          body: JSON.stringify({
            AllowOrigins: opts.allowOrigin ?? ['*'],
            ...(opts.allowMethod ? { AllowMethods: opts.allowMethod } : {}),
            ...(opts.allowHeader ? { AllowHeaders: opts.allowHeader } : {}),
            ...(opts.maxAge ? { MaxAge: Number(opts.maxAge) } : {}),
          }),
        })
      ).json();
  if (opts.json) return printJson(cors);
  process.stdout.write(cors.Cors ? `CORS for routes: ${JSON.stringify(cors.Cors)}\n` : 'CORS for routes: off\n');
}
