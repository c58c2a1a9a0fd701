// Bounds what strangers can hold open: connections in total and per client address, connections
// that never start a request, request bodies that trickle, and bodies drained after an early
// answer. Applies to every HTTP path alike (the APIs, HTTP routes and function URLs share one server).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Connections open at once, in total. */
  maxConnections: number;
  /** Connections open at once from one client address (one IPv6 /64). */
  maxConnectionsPerClient: number;
  /** A request body must arrive at least this fast, measured over each `rateWindowMs`. */
  minBodyBytesPerSecond: number;
  rateWindowMs: number;
  /** A connection that has not sent a complete request head within this time is closed. */
  headersTimeoutMs: number;
  /** Bytes of a body still read and discarded after its request was answered (refused early). */
  maxDrainBytes: number;
}

export interface ConnectionStats {
  open: number;
  refused: number;
  evicted: number;
  timedOut: number;
}

interface Tracked {
  socket: Socket;
  client: string;
  openedAt: number;
  req?: IncomingMessage;
  res?: ServerResponse;
  /** A response is being produced: the connection does useful work and is never evicted. */
  responding: boolean;
  windowStart: number;
  windowBytes: number;
  /** socket.bytesRead when the answer was sent while the body was still arriving. */
  drainFrom?: number;
}

/** Groups addresses by who controls them: an IPv4 address, or an IPv6 /64 (one host's usual allocation). */
export function clientKeyOf(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail = ''] = address.split('%')[0].toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/**
 * Attaches the limits to `server`. When a limit is reached, the oldest connection that is not
 * producing a response (one still waiting for headers, idle between requests, or draining a
 * refused body) makes room; only when every connection is busy is the new one refused.
 * Under a slow-connection attack a legitimate client therefore still gets in.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, now: () => number = Date.now) {
  const connections = new Map<Socket, Tracked>(); // insertion order: oldest first
  const perClient = new Map<string, number>();
  const stats: ConnectionStats = { open: 0, refused: 0, evicted: 0, timedOut: 0 };

  const forget = (t: Tracked) => {
    if (!connections.delete(t.socket)) return;
    const n = (perClient.get(t.client) ?? 1) - 1;
    if (n === 0) perClient.delete(t.client);
    else perClient.set(t.client, n);
    stats.open = connections.size;
  };
  const close = (t: Tracked) => {
    forget(t);
    t.socket.destroy();
  };
  const oldestIdle = (client?: string) => {
    for (const t of connections.values()) if (!t.responding && (client === undefined || t.client === client)) return t;
    return undefined;
  };

  server.on('connection', (socket: Socket) => {
    const client = clientKeyOf(socket.remoteAddress);
    for (const [full, victimOf] of [
      [(perClient.get(client) ?? 0) >= limits.maxConnectionsPerClient, () => oldestIdle(client)],
      [connections.size >= limits.maxConnections, () => oldestIdle()],
    ] as const) {
      if (!full) continue;
      const victim = victimOf();
      if (!victim) {
        stats.refused++;
        socket.destroy();
        return;
      }
      stats.evicted++;
      close(victim);
    }
    const t: Tracked = { socket, client, openedAt: now(), responding: false, windowStart: 0, windowBytes: 0 };
    connections.set(socket, t);
    perClient.set(client, (perClient.get(client) ?? 0) + 1);
    stats.open = connections.size;
    socket.once('close', () => forget(t));
  });

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const t = connections.get(req.socket);
    if (!t) return;
    Object.assign(t, { req, res, responding: true, windowStart: now(), windowBytes: req.socket.bytesRead, drainFrom: undefined });
    const answered = () => {
      if (t.res !== res) return;
      t.responding = false;
      if (!req.complete) t.drainFrom ??= req.socket.bytesRead;
    };
    res.once('finish', answered);
    res.once('close', answered);
  });

  const tooSlow = (t: Tracked) => {
    stats.timedOut++;
    const res = t.res;
    if (res && !res.headersSent && !res.writableEnded) {
      const body = JSON.stringify({ message: `Request Timeout: the request body arrived slower than ${limits.minBodyBytesPerSecond} bytes per second.` });
      res.writeHead(408, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
      res.end(body, () => close(t));
      forget(t);
    } else close(t);
  };

  const check = () => {
    const at = now();
    for (const t of [...connections.values()]) {
      const { socket, req } = t;
      if (!req) {
        // Node times out a request head once it has started, not a connection that sends nothing.
        if (at - t.openedAt >= limits.headersTimeoutMs) {
          stats.timedOut++;
          close(t);
        }
        continue;
      }
      if (req.complete) continue;
      if (t.drainFrom !== undefined && socket.bytesRead - t.drainFrom > limits.maxDrainBytes) {
        close(t);
        continue;
      }
      if (at - t.windowStart < limits.rateWindowMs) continue;
      if (socket.bytesRead - t.windowBytes < (limits.minBodyBytesPerSecond * (at - t.windowStart)) / 1000) tooSlow(t);
      else Object.assign(t, { windowStart: at, windowBytes: socket.bytesRead });
    }
  };
  const timer = setInterval(check, Math.min(1000, limits.rateWindowMs, limits.headersTimeoutMs)).unref();
  server.once('close', () => clearInterval(timer));
  return { stats: () => ({ ...stats }), check };
}
