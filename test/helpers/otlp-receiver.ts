// A stand-in OpenTelemetry collector for tests: a node:http server that accepts OTLP/HTTP JSON
// posts on /v1/traces, keeps every span, and lets a test wait for the spans it expects.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, unknown>;
  status: { code: number; message?: string };
  resource: Record<string, unknown>;
}

const valueOf = (v: Record<string, unknown>) => v.stringValue ?? v.boolValue ?? (v.intValue !== undefined ? Number(v.intValue) : v.doubleValue);
const flatten = (attrs: Array<{ key: string; value: Record<string, unknown> }> = []) => Object.fromEntries(attrs.map((a) => [a.key, valueOf(a.value)]));

export async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  let refuse = false;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (refuse || req.url !== '/v1/traces' || req.method !== 'POST' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(refuse ? 503 : 400).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const resource = flatten(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans ?? []) spans.push({ ...s, attributes: flatten(s.attributes), resource });
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      for (const w of waiters) w();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    /** Makes the receiver answer 503 (a collector that is down), or accept again. */
    setRefusing(on: boolean) {
      refuse = on;
    },
    /** Resolves with the spans `pick` finds once they have all arrived. */
    waitFor<T>(what: string, pick: (all: ReceivedSpan[]) => T | undefined, ms = 30_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const found = pick(spans);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${what} arrived; got ${JSON.stringify(spans.map((s) => [s.name, s.traceId, s.parentSpanId]))}`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
