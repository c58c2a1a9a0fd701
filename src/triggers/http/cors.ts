// CORS for function URLs, as Lambda applies a URL's Cors configuration: preflight answers and
// the Access-Control-* headers on every response to an allowed origin.
import type { Cors } from '../../storage/function-url-store.js';

function allowedOrigin(cors: Cors, origin: string | undefined): string | null {
  if (!origin || !cors.AllowOrigins?.length) return null;
  if (cors.AllowOrigins.includes('*')) return cors.AllowCredentials ? origin : '*';
  return cors.AllowOrigins.includes(origin) ? origin : null;
}

export function corsHeaders(cors: Cors, origin: string | undefined): [string, string][] {
  const allowed = allowedOrigin(cors, origin);
  if (!allowed) return [];
  const headers: [string, string][] = [['access-control-allow-origin', allowed]];
  if (allowed !== '*') headers.push(['vary', 'Origin']);
  if (cors.AllowCredentials) headers.push(['access-control-allow-credentials', 'true']);
  if (cors.ExposeHeaders?.length) headers.push(['access-control-expose-headers', cors.ExposeHeaders.join(',')]);
  return headers;
}

export function preflightHeaders(cors: Cors, origin: string | undefined): [string, string][] {
  const headers = corsHeaders(cors, origin);
  if (headers.length === 0) return [];
  if (cors.AllowMethods?.length) headers.push(['access-control-allow-methods', cors.AllowMethods.join(',')]);
  if (cors.AllowHeaders?.length) headers.push(['access-control-allow-headers', cors.AllowHeaders.join(',')]);
  if (cors.MaxAge !== undefined) headers.push(['access-control-max-age', String(cors.MaxAge)]);
  return headers;
}
