// A small closed-loop HTTP load generator: N workers each send requests back to back over
// keep-alive connections, recording every latency.
import http from 'node:http';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

export interface RequestSpec {
  url: URL;
  method: string;
  headers: () => Record<string, string>;
  body: Buffer;
}

function once(agent: http.Agent, spec: RequestSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(spec.url, { method: spec.method, agent, headers: { ...spec.headers(), 'content-length': spec.body.length } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(spec.body);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** Runs `concurrency` workers for `requests` requests in all (after `warmup` unmeasured ones). */
export async function load(spec: RequestSpec, concurrency: number, requests: number, warmup = 200): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  for (let i = 0; i < warmup; i++) await once(agent, spec);
  const latencies: number[] = [];
  let remaining = requests;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (remaining-- > 0) {
        const t = performance.now();
        await once(agent, spec);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests, seconds, rps: requests / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
