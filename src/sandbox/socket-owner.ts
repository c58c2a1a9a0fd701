// Which process is on the other end of a loopback TCP connection: the Runtime API uses this to
// serve only the processes of its own instance, so that a function cannot connect to another
// instance's Runtime API and take its events or answer for it.
import fs from 'node:fs';

/** The inode of the client socket of a connection from `clientPort` to `serverPort`. */
function clientSocketInode(clientPort: number, serverPort: number): string | null {
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const localPort = parseInt(fields[1].split(':')[1], 16);
      const remotePort = parseInt(fields[2].split(':')[1], 16);
      if (localPort === clientPort && remotePort === serverPort) return fields[9];
    }
  }
  return null;
}

/** True when one of `pids` holds the client socket of the connection clientPort → serverPort. */
export function connectionFromProcesses(clientPort: number, serverPort: number, pids: number[]): boolean {
  const inode = clientSocketInode(clientPort, serverPort);
  if (!inode) return false;
  const target = `socket:[${inode}]`;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === target) return true;
      } catch {
        /* closed meanwhile */
      }
    }
  }
  return false;
}
