// The SQS service module: the JSON protocol (awsJson 1.0, X-Amz-Target: AmazonSQS.<Operation>)
// and the Query protocol (Action=<Operation>, XML answers) over the same operations (sqs-api.ts).
// Registered in api/services.ts.
import type { ServerResponse } from 'node:http';
import { GustError } from '../../errors.js';
import type { Queues } from '../../queues/queues.js';
import { SIGNING_SERVICES } from '../authenticator.js';
import { parseJsonObject, sendJson } from '../http-io.js';
import type { OperationContext, TargetOperation, TargetService } from '../service.js';
import { sqsOperations, type SqsOperation } from './sqs-api.js';
import { queryInput, queryOutput } from './sqs-query.js';

/** A batch of 256 KB with JSON escaping and base64 binary attributes fits easily. */
const MAX_SQS_BODY = 2 * 1024 * 1024;

const UNIMPLEMENTED = ['AddPermission', 'RemovePermission'];

/** Aborted when the client goes away before its answer: a long poll then claims nothing. */
function goneSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}

export function sqsService(queues: Queues): TargetService {
  const operations = sqsOperations(queues);
  const unknown = (what: string) => new GustError('UnknownOperationException', `Gust does not implement the SQS operation ${what}.`);
  const implemented: TargetOperation[] = Object.entries(operations).map(([name, run]) => ({
    name,
    handle: async (ctx: OperationContext) => {
      const output = await run(parseJsonObject(ctx.body), goneSignal(ctx.res));
      sendJson(ctx.res, 200, output, { 'x-amzn-RequestId': ctx.requestId, 'Content-Type': 'application/x-amz-json-1.0' });
    },
  }));
  return {
    name: 'sqs',
    protocol: 'aws-json-1.0',
    signingServices: SIGNING_SERVICES.sqs,
    targetPrefix: 'AmazonSQS',
    defaultBodyLimit: { bytes: MAX_SQS_BODY, message: 'Request body must be smaller than 2 MB' },
    unknownOperation: unknown,
    operations: [...implemented, ...UNIMPLEMENTED.map((name) => ({ name }))],
    query: {
      async handle(action, form, ctx) {
        const run: SqsOperation | undefined = Object.hasOwn(operations, action) ? operations[action] : undefined;
        if (!run) throw new GustError('InvalidAction', `The action ${action.slice(0, 100) || '(none)'} is not valid for this endpoint.`);
        // The queue URL may be the address posted to, rather than a parameter.
        if (!form.has('QueueUrl') && /^\/[^/]+\/[^/]+$/.test(ctx.path)) form.set('QueueUrl', ctx.path);
        const output = await run(queryInput(form, action), goneSignal(ctx.res));
        const xml = queryOutput(action, output, ctx.requestId);
        ctx.res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amzn-RequestId': ctx.requestId });
        ctx.res.end(xml);
      },
    },
  };
}
