// `gust subscribe QUEUE FUNCTION [--batch-size N]` and `gust subscriptions ls|rm`: a queue's
// messages handed to a function in batches, through Lambda's event-source mapping API.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

async function queueArn(client: GustClient, name: string): Promise<string> {
  const sqs = async (operation: string, params: Record<string, unknown>) =>
    (await client.request('POST', '/', { body: JSON.stringify(params), service: 'sqs', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${operation}` } })).json<any>();
  const { QueueUrl } = await sqs('GetQueueUrl', { QueueName: name });
  return (await sqs('GetQueueAttributes', { QueueUrl, AttributeNames: ['QueueArn'] })).Attributes.QueueArn;
}

export const queueName = (arn: string) => arn.slice(arn.lastIndexOf(':') + 1);
const functionName = (arn: string) => arn.split(':').slice(6).join(':');

export async function subscribe(client: GustClient, queue: string, fn: string, o: { batchSize?: string; window?: string } & OutputOptions): Promise<void> {
  const body: Record<string, unknown> = { EventSourceArn: await queueArn(client, queue), FunctionName: fn };
  if (o.batchSize !== undefined) body.BatchSize = Number(o.batchSize);
  if (o.window !== undefined) body.MaximumBatchingWindowInSeconds = Number(o.window);
  const m = (await client.request('POST', '/2015-03-31/event-source-mappings', { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } })).json<any>();
  if (o.json) return printJson(m);
  process.stdout.write(`Subscribed ${functionName(m.FunctionArn)} to ${queue} (batches of up to ${m.BatchSize}); subscription ${m.UUID}\n`);
}

/** Every event-source mapping, or those of one function (ListEventSourceMappings, all pages). */
export async function readSubscriptions(client: GustClient, fn: string | undefined): Promise<any[]> {
  const all: any[] = [];
  for (let marker: string | undefined; ; ) {
    const query = new URLSearchParams({ ...(fn ? { FunctionName: fn } : {}), ...(marker ? { Marker: marker } : {}) }).toString();
    const page = (await client.request('GET', `/2015-03-31/event-source-mappings${query ? `?${query}` : ''}`)).json<any>();
    all.push(...page.EventSourceMappings);
    if (!(marker = page.NextMarker)) break;
  }
  return all;
}

export async function listSubscriptions(client: GustClient, fn: string | undefined, opts: OutputOptions): Promise<void> {
  const all = await readSubscriptions(client, fn);
  if (opts.json) return printJson(all);
  if (all.length === 0) return void process.stdout.write('No subscriptions.\n');
  printTable(
    all.map((m) => ({ id: m.UUID, queue: queueName(m.EventSourceArn), function: functionName(m.FunctionArn), batch: m.BatchSize, state: m.State, last: m.LastProcessingResult })),
    ['id', 'queue', 'function', 'batch', 'state', 'last'],
  );
}

export async function removeSubscription(client: GustClient, id: string, opts: OutputOptions): Promise<void> {
  await client.request('DELETE', `/2015-03-31/event-source-mappings/${encodeURIComponent(id)}`);
  if (opts.json) return printJson({ deleted: id });
  process.stdout.write(`Removed subscription ${id}\n`);
}
