// Runs first in a sandbox without a network of its own. It listens on loopback addresses inside
// the sandbox's network namespace and forwards each connection to a unix socket that Gust
// bound in: the Runtime API for custom runtimes (127.0.0.1:9001), and, for a function with a
// network allow-list, one listener per allowed host:port (the host mapped to 127.0.0.N in the
// sandbox's /etc/hosts) whose connections Gust carries on to the real destination. Then it runs
// the function's command and ends with it. Runs inside the sandbox; imports nothing from the host.
//   GUST_FORWARDS: JSON [{ "listen": "127.0.0.2:443", "socket": "/var/runtime/egress.sock", "preamble": "example.com:443" }]
//   GUST_DROP_PRIVILEGES: when set and running as root, the command runs through setpriv as
//   nobody, and the forwarder then drops to nobody itself (it binds first, so ports < 1024 work).
import { spawn } from 'node:child_process';
import net from 'node:net';

const forwards = JSON.parse(process.env.GUST_FORWARDS ?? '[]');
const dropPrivileges = process.env.GUST_DROP_PRIVILEGES === '1' && process.getuid() === 0;
delete process.env.GUST_FORWARDS;
delete process.env.GUST_DROP_PRIVILEGES;
const NOBODY = 65534;

function listen({ listen: address, socket: socketPath, preamble }) {
  const [host, port] = address.split(':');
  const server = net.createServer((client) => {
    const upstream = net.connect(socketPath, () => {
      if (preamble) upstream.write(`${preamble}\n`);
      client.pipe(upstream).pipe(client);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(port), host, resolve);
  });
}

await Promise.all(forwards.map(listen));
const [cmd, ...args] = process.argv.slice(2);
const command = dropPrivileges
  ? ['/usr/bin/setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--no-new-privs', '--bounding-set=-all', '--inh-caps=-all', '--', cmd, ...args]
  : [cmd, ...args];
const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
if (dropPrivileges) {
  process.setgroups([]);
  process.setgid(NOBODY);
  process.setuid(NOBODY);
}
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
child.on('error', (err) => {
  console.error(`Cannot start ${cmd}: ${err.message}`);
  process.exit(1);
});
