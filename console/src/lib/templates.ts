// Test events: templates of the event shapes Lambda's triggers hand a function (API Gateway
// REST v1 and HTTP v2, S3 put, SQS batch, EventBridge schedule), and the user's saved events in
// localStorage, per function.
const now = () => new Date().toISOString();

export const TEMPLATES: Record<string, () => unknown> = {
  'Empty object': () => ({}),
  'API Gateway HTTP API (v2)': () => ({
    version: '2.0',
    routeKey: 'GET /hello',
    rawPath: '/hello',
    rawQueryString: 'name=gust',
    headers: { accept: 'application/json', host: 'localhost', 'user-agent': 'gust-console' },
    queryStringParameters: { name: 'gust' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      http: { method: 'GET', path: '/hello', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'gust-console' },
      requestId: crypto.randomUUID(),
      routeKey: 'GET /hello',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  }),
  'API Gateway REST API (v1)': () => ({
    resource: '/hello',
    path: '/hello',
    httpMethod: 'GET',
    headers: { Accept: 'application/json', Host: 'localhost' },
    multiValueHeaders: { Accept: ['application/json'], Host: ['localhost'] },
    queryStringParameters: { name: 'gust' },
    multiValueQueryStringParameters: { name: ['gust'] },
    pathParameters: null,
    stageVariables: null,
    requestContext: { accountId: '000000000000', apiId: 'local', httpMethod: 'GET', path: '/hello', stage: '$default', requestId: crypto.randomUUID(), resourcePath: '/hello', identity: { sourceIp: '127.0.0.1' } },
    body: null,
    isBase64Encoded: false,
  }),
  'S3 object created (put)': () => ({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: now(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'gust' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'EXAMPLE', 'x-amz-id-2': 'EXAMPLE' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'console-test',
          bucket: { name: 'my-bucket', ownerIdentity: { principalId: 'gust' }, arn: 'arn:aws:s3:::my-bucket' },
          object: { key: 'uploads/photo.jpg', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0000000000000001' },
        },
      },
    ],
  }),
  'SQS message batch': () => ({
    Records: [1, 2].map((n) => ({
      messageId: crypto.randomUUID(),
      receiptHandle: `handle-${n}`,
      body: JSON.stringify({ order: n }),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: '000000000000', ApproximateFirstReceiveTimestamp: String(Date.now()) },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:my-queue',
      awsRegion: 'us-east-1',
    })),
  }),
  'EventBridge schedule': () => ({
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: '000000000000',
    time: now(),
    region: 'us-east-1',
    resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/every-minute'],
    detail: '{}',
  }),
};

export interface SavedEvent {
  name: string;
  body: string;
}

const key = (fn: string) => `gust.console.events.${fn}`;

export function savedEvents(fn: string): SavedEvent[] {
  try {
    return JSON.parse(localStorage.getItem(key(fn)) ?? '[]') as SavedEvent[];
  } catch {
    return [];
  }
}

export function saveEvent(fn: string, event: SavedEvent): SavedEvent[] {
  const list = [...savedEvents(fn).filter((e) => e.name !== event.name), event].sort((a, b) => a.name.localeCompare(b.name));
  localStorage.setItem(key(fn), JSON.stringify(list));
  return list;
}

export function deleteEvent(fn: string, name: string): SavedEvent[] {
  const list = savedEvents(fn).filter((e) => e.name !== name);
  localStorage.setItem(key(fn), JSON.stringify(list));
  return list;
}
