// Runs first in a sandbox without a network of its own. It listens on loopback addresses inside
// the sandbox's network namespace and forwards each connection to a unix socket that Gust
// bound in: the Runtime API for custom runtimes (127.0.0.1:9001), and, for a function with a
// network allow-list, one listener per allowed host:port (the host mapped to 127.0.0.N in the
// sandbox's /etc/hosts) whose connections Gust carries on to the real destination. Runs inside
// the sandbox; imports nothing from the host.
//
// It starts as root (so that it can bind ports below 1024) with a fixed environment and only
// the capabilities to bind and to change user; nothing of the function reaches it. Once bound,
// it drops to nobody (losing every capability; no_new_privs was set by bubblewrap), and only
// then starts the function's process: `env -i NAME=VALUE… cmd args…`, whose words it reads,
// NUL-separated, from file descriptor 3, so that no secret shows on its own command line.
//   argv[2]: JSON [{ "listen": "127.0.0.2:443", "socket": "/var/runtime/egress.sock", "preamble": "example.com:443" }]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const NOBODY = 65534;
const FUNCTION_ARGV_FD = 3;

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

function dropPrivileges() {
  if (process.getuid() !== 0) return;
  process.setgroups([]);
  process.setgid(NOBODY);
  // Every uid becomes non-zero: the kernel clears the permitted, effective and ambient capabilities.
  process.setuid(NOBODY);
  if (process.getuid() !== NOBODY || process.geteuid() !== NOBODY) throw new Error('could not drop privileges');
}

/** The function's `env -i` words, from the descriptor Gust filled; closed once read. */
function functionArgv() {
  const words = fs.readFileSync(FUNCTION_ARGV_FD).toString('utf8').split('\0');
  fs.closeSync(FUNCTION_ARGV_FD);
  if (words.at(-1) === '') words.pop();
  return words;
}

try {
  await Promise.all(JSON.parse(process.argv[2] ?? '[]').map(listen));
  dropPrivileges();
} catch (err) {
  console.error(`Gust forwarder: ${err.message}`);
  process.exit(1);
}
const child = spawn('/usr/bin/env', ['-i', '--', ...functionArgv()], { stdio: 'inherit', env: {} });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
child.on('error', (err) => {
  console.error(`Gust forwarder: cannot start the function: ${err.message}`);
  process.exit(1);
});
