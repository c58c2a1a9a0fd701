// /gust/health with its details (instances, queues), which only a signed request gets.
import { signRequest } from '../../src/api/sigv4.js';
import type { GustProcess } from './gust-process.js';

export interface HealthDetails {
  instances: Record<string, number>;
  queuedAsyncEvents: number;
  possibleDuplicateAsyncEvents: number;
  concurrentExecutions: number;
}

export async function health(g: GustProcess): Promise<HealthDetails> {
  const url = `${g.url}/gust/health`;
  const res = await fetch(url, { headers: signRequest({ method: 'GET', url, ...g.credentials, region: g.region, service: 'lambda' }) });
  return (await res.json()) as HealthDetails;
}
