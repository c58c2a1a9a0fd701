// The URL a client on this machine uses to reach a server listening on HOST:PORT. A server bound
// to every interface (0.0.0.0, ::) is reached on the loopback address, which is always among them.

export function clientEndpoint(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' || host === '[::]' ? '::1' : host;
  return `http://${reachable.includes(':') ? `[${reachable.replace(/^\[|\]$/g, '')}]` : reachable}:${port}`;
}
