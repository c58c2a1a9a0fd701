// For a custom runtime without network: listens on 127.0.0.1:9001 inside the instance's own
// network namespace, forwards every connection to the Runtime API's unix socket, and runs the
// function's bootstrap, ending with it. Runs inside the sandbox; imports nothing from the host.
import { spawn } from 'node:child_process';
import net from 'node:net';

const socketPath = process.env.GUST_RUNTIME_API_SOCKET;
const [host, port] = process.env.AWS_LAMBDA_RUNTIME_API.split(':');

const server = net.createServer((client) => {
  const upstream = net.connect(socketPath);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});

server.listen(Number(port), host, () => {
  const [cmd, ...args] = process.argv.slice(2);
  const child = spawn(cmd, args, { stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
  child.on('error', (err) => {
    console.error(`Cannot start ${cmd}: ${err.message}`);
    process.exit(1);
  });
});
