// Graceful shutdown of an HTTP server, as a process supervisor expects on SIGTERM: stop accepting
// connections, let the requests in flight finish (and close their connections instead of keeping
// them alive), within a bound.
import type http from 'node:http';
import type { ServerResponse } from 'node:http';

export interface HttpDrain {
  /** Requests whose response has not finished yet. */
  readonly inFlight: number;
  /** Stops accepting; resolves once every connection has ended (see `cutOff` for the bound). */
  drain(): Promise<void>;
  /** Ends every connection still open, finished or not. */
  cutOff(): void;
}

export function trackRequests(server: http.Server): HttpDrain {
  const live = new Set<ServerResponse>();
  let closing = false;
  // A kept-alive connection would otherwise hold the server open after its last response.
  const closeWhenFinished = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
  };
  server.on('request', (_req, res: ServerResponse) => {
    live.add(res);
    if (closing) closeWhenFinished(res);
    res.once('close', () => {
      live.delete(res);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    get inFlight() {
      return live.size;
    },
    drain() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      live.forEach(closeWhenFinished);
      server.closeIdleConnections();
      return closed;
    },
    cutOff() {
      server.closeAllConnections();
    },
  };
}
