// For bench/density.ts: waits until the bench releases every call at once (so that all N
// instances are busy together however long the ramp took), then holds its instance event.ms.
// A bare TCP socket, not fetch: loading undici would add its own megabytes to what is measured.
const net = require('node:net');

exports.handler = async (event) => {
  if (event.releasePort) {
    await new Promise((resolve, reject) => {
      const socket = net.connect(event.releasePort, '127.0.0.1');
      socket.on('data', () => {}).on('close', resolve).on('error', reject);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, event.ms ?? 30_000));
  return { slept: event.ms ?? 30_000 };
};
