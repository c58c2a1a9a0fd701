// The Lambda Runtime API over one keep-alive HTTP connection: next, response, error, init error.
import http from 'node:http';

const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API ?? '127.0.0.1:9001').split(':');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = '/2018-06-01/runtime';

function request(method, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: BASE + path, agent, headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } : headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export const nextInvocation = () => request('GET', '/invocation/next');

export const postResponse = (id, body) => request('POST', `/invocation/${encodeURIComponent(id)}/response`, body);

export const postError = (id, error) =>
  request('POST', `/invocation/${encodeURIComponent(id)}/error`, JSON.stringify(error), { 'Lambda-Runtime-Function-Error-Type': error.errorType });

export const postInitError = (error) => request('POST', '/init/error', JSON.stringify(error), { 'Lambda-Runtime-Function-Error-Type': error.errorType });
