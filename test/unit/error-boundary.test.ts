// The error boundary of the request handler: whatever a handler throws is rendered in the wire
// format of the protocol recognised, and an unexpected exception is ServiceException (InternalError
// in XML) with its request id, logged in Gust's own log under that id. Real handler, real HTTP
// server on port 0, with services whose handlers throw.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { noAuth } from '../../src/api/authenticator.js';
import { createRequestHandler } from '../../src/api/http-server.js';
import type { RestService, TargetService, XmlService } from '../../src/api/service.js';
import { GustError } from '../../src/errors.js';
import type { HttpGateway } from '../../src/triggers/http/gateway.js';

const limit = { bytes: 1024, message: 'too large' };
const unknownOperation = (what: string) => new GustError('UnknownOperationException', `no ${what}`);
const broken = () => Promise.reject(new TypeError('a bug in a handler'));

const rest: RestService = {
  name: 'broken-rest', protocol: 'rest-json', signingServices: ['lambda'], pathPrefixes: ['/2015-03-31/'], defaultBodyLimit: limit,
  unknownOperation, badEncoding: () => new GustError('InvalidParameterValueException', 'bad'),
  operations: [
    { name: 'Explode', method: 'GET', path: '/2015-03-31/explode', handle: broken },
    { name: 'Refuse', method: 'GET', path: '/2015-03-31/refuse', handle: () => Promise.reject(new GustError('ResourceNotFoundException', 'nothing here')) },
  ],
};
const xml: XmlService = {
  name: 'broken-xml', protocol: 'rest-xml', signingServices: ['s3'], defaultBodyLimit: limit,
  unknownOperation: (what) => new GustError('NotImplemented', `no ${what}`),
  badEncoding: () => new GustError('InvalidArgument', 'bad'),
  resolve: () => 'GetObject',
  operations: [{ name: 'GetObject' }],
};
const json: TargetService = {
  name: 'broken-json', protocol: 'aws-json-1.1', signingServices: ['logs'], targetPrefix: 'Broken_1', defaultBodyLimit: limit,
  unknownOperation, operations: [{ name: 'Explode', handle: broken }],
};
const gateway = { claims: async () => false, handle: async (_req: http.IncomingMessage, res: http.ServerResponse) => void res.writeHead(404).end('{"message":"Not Found"}') } as unknown as HttpGateway;

const logged: string[] = [];
let server: http.Server;
let base: string;

before(async () => {
  server = http.createServer(createRequestHandler({ services: [rest, json, xml], gateway, auth: noAuth, grants: { authorizeInvoke() {} }, log: (line) => logged.push(line) }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('an unexpected exception in a REST-JSON handler is ServiceException with its request id, logged under that id', async () => {
  const res = await fetch(`${base}/2015-03-31/explode`);
  assert.equal(res.status, 500);
  assert.equal(res.headers.get('x-amzn-errortype'), 'ServiceException');
  const requestId = res.headers.get('x-amzn-requestid')!;
  assert.match(requestId, /^[0-9a-f-]{36}$/);
  assert.equal(((await res.json()) as { Type: string }).Type, 'Service');
  const line = logged.find((l) => l.includes(requestId));
  assert.ok(line, 'the log names the request id');
  assert.match(line, /internal error .*TypeError: a bug in a handler/s);
});

test('an unexpected exception in an awsJson handler is {"__type": "ServiceException"}', async () => {
  const res = await fetch(`${base}/`, { method: 'POST', headers: { 'x-amz-target': 'Broken_1.Explode' }, body: '{}' });
  assert.equal(res.status, 500);
  assert.equal(((await res.json()) as { __type: string }).__type, 'ServiceException');
  assert.ok(logged.some((l) => l.includes(res.headers.get('x-amzn-requestid')!)));
});

test('a GustError keeps its own type and status in the protocol’s shape', async () => {
  const res = await fetch(`${base}/2015-03-31/refuse`);
  assert.equal(res.status, 404);
  assert.equal(res.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
  const unknown = await fetch(`${base}/`, { method: 'POST', headers: { 'x-amz-target': 'Broken_1.Nope' }, body: '{}' });
  assert.deepEqual(await unknown.json(), { __type: 'UnknownOperationException', message: 'no Nope' });
});

test('S3 and Query requests get XML errors', async () => {
  // fetch keeps its own Host header: node:http sends the one a virtual-host S3 client would.
  const text = await rawGet('/k', 'bucket.localhost');
  assert.match(text, /<Error><Code>NotImplemented<\/Code><Message>[^<]+<\/Message><RequestId>[0-9a-f-]{36}<\/RequestId><\/Error>/);
  const query = await fetch(`${base}/?Action=ListQueues`, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0' } });
  assert.equal(query.status, 400);
  assert.match(await query.text(), /<ErrorResponse><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
});

function rawGet(path: string, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(`${base}${path}`, { headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}
