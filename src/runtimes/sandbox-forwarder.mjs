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
// then starts the function: the command after its `--`, which reads the function's words from
// file descriptor 3 (handed on, never read here) and becomes `env -i NAME=VALUE… cmd args…`.
//   node sandbox-forwarder.mjs '[{ "listen": "127.0.0.2:443", "socket": "/var/runtime/egress.sock", "preamble": "example.com:443" }]' -- exec-step…
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

const NOBODY = 65534;
const FUNCTION_ARGV_FD = 3;
/** The runtime channel, when Gust made one (sandbox/driver.ts); the exec step decides whether it stays open. */
const RUNTIME_CHANNEL_FD = 5;

function isOpen(fd) {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

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

const [config, separator, ...execStep] = process.argv.slice(2);
try {
  if (separator !== '--' || execStep.length === 0) throw new Error('usage: sandbox-forwarder.mjs FORWARDS -- COMMAND…');
  await Promise.all(JSON.parse(config).map(listen));
  dropPrivileges();
} catch (err) {
  console.error(`Gust forwarder: ${err.message}`);
  process.exit(1);
}
const passed = isOpen(RUNTIME_CHANNEL_FD) ? ['ignore', RUNTIME_CHANNEL_FD] : [];
const child = spawn(execStep[0], execStep.slice(1), { stdio: ['inherit', 'inherit', 'inherit', FUNCTION_ARGV_FD, ...passed], env: process.env });
fs.closeSync(FUNCTION_ARGV_FD);
if (passed.length > 0) fs.closeSync(RUNTIME_CHANNEL_FD);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
child.on('error', (err) => {
  console.error(`Gust forwarder: cannot start the function: ${err.message}`);
  process.exit(1);
});
