// The host side of a network allow-list: a unix socket bound into one instance's sandbox. Each
// connection names its destination on its first line ("host:port"); an allowed one is connected
// to the real destination and piped, anything else is closed. The sandbox has no other way out.
import fs from 'node:fs';
import net from 'node:net';
import type { Destination } from './runtime-launch.js';

const MAX_PREAMBLE = 300;

export interface EgressConnector {
  close(): void;
}

export function startEgressConnector(socketPath: string, allowed: Destination[], log: (message: string) => void): Promise<EgressConnector> {
  const permitted = new Set(allowed.map((d) => `${d.host}:${d.port}`));
  const server = net.createServer((client) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline === -1) {
        if (head.length > MAX_PREAMBLE) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const destination = head.subarray(0, newline).toString('latin1');
      const rest = head.subarray(newline + 1);
      if (!permitted.has(destination)) {
        log(`egress refused: ${destination.slice(0, 100)} is not on the allow-list`);
        return client.destroy();
      }
      const colon = destination.lastIndexOf(':');
      const upstream = net.connect(Number(destination.slice(colon + 1)), destination.slice(0, colon), () => {
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      upstream.on('error', close);
      client.on('error', close);
      client.on('close', close);
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      fs.chmodSync(socketPath, 0o666);
      resolve({
        close: () => {
          server.close();
          fs.rmSync(socketPath, { force: true });
        },
      });
    });
  });
}
