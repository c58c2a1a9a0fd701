// `gust queue ls|create|rm|send|receive`: the SQS-compatible queues, over SQS's JSON protocol.
import type { GustClient } from './client.js';
import { printJson, printTable, type OutputOptions } from './output.js';

const urlOf = async (client: GustClient, name: string): Promise<string> => (await client.sqs('GetQueueUrl', { QueueName: name })).QueueUrl;

export async function listQueues(client: GustClient, opts: OutputOptions): Promise<void> {
  const urls: string[] = [];
  for (let token: string | undefined; ; ) {
    const page = await client.sqs('ListQueues', { MaxResults: 1000, ...(token ? { NextToken: token } : {}) });
    urls.push(...(page.QueueUrls ?? []));
    if (!(token = page.NextToken)) break;
  }
  const rows = [];
  for (const url of urls) {
    const { Attributes: a } = await client.sqs('GetQueueAttributes', { QueueUrl: url, AttributeNames: ['All'] });
    rows.push({ name: url.slice(url.lastIndexOf('/') + 1), messages: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible), delayed: Number(a.ApproximateNumberOfMessagesDelayed), url });
  }
  if (opts.json) return printJson(rows);
  if (rows.length === 0) return void process.stdout.write('No queues.\n');
  printTable(rows.map((r) => ({ ...r, 'in-flight': r.inFlight })), ['name', 'messages', 'in-flight', 'delayed', 'url']);
}

export async function createQueue(client: GustClient, name: string, o: { fifo?: boolean; visibilityTimeout?: string } & OutputOptions): Promise<void> {
  const attributes: Record<string, string> = {};
  if (o.fifo) attributes.FifoQueue = 'true';
  if (o.visibilityTimeout !== undefined) attributes.VisibilityTimeout = o.visibilityTimeout;
  const queueName = o.fifo && !name.endsWith('.fifo') ? `${name}.fifo` : name;
  const { QueueUrl } = await client.sqs('CreateQueue', { QueueName: queueName, Attributes: attributes });
  if (o.json) return printJson({ QueueUrl });
  process.stdout.write(`${QueueUrl}\n`);
}

export async function removeQueue(client: GustClient, name: string, opts: OutputOptions): Promise<void> {
  await client.sqs('DeleteQueue', { QueueUrl: await urlOf(client, name) });
  if (opts.json) return printJson({ deleted: name });
  process.stdout.write(`Deleted queue ${name}\n`);
}

export async function sendMessage(client: GustClient, name: string, body: string, o: { group?: string; dedupId?: string; delay?: string } & OutputOptions): Promise<void> {
  const sent = await client.sqs('SendMessage', {
    QueueUrl: await urlOf(client, name),
    MessageBody: body,
    ...(o.group ? { MessageGroupId: o.group } : {}),
    ...(o.dedupId ? { MessageDeduplicationId: o.dedupId } : {}),
    ...(o.delay ? { DelaySeconds: Number(o.delay) } : {}),
  });
  if (o.json) return printJson(sent);
  process.stdout.write(`${sent.MessageId}\n`);
}

export async function receiveMessages(client: GustClient, name: string, o: { max?: string; wait?: string; delete?: boolean } & OutputOptions): Promise<void> {
  const url = await urlOf(client, name);
  const { Messages = [] } = await client.sqs('ReceiveMessage', {
    QueueUrl: url,
    MaxNumberOfMessages: Number(o.max ?? 1),
    WaitTimeSeconds: Number(o.wait ?? 0),
    MessageSystemAttributeNames: ['All'],
    MessageAttributeNames: ['All'],
  });
  if (o.delete && Messages.length > 0) {
    await client.sqs('DeleteMessageBatch', { QueueUrl: url, Entries: Messages.map((m: { ReceiptHandle: string }, i: number) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) });
  }
  if (o.json) return printJson(Messages);
  if (Messages.length === 0) return void process.stdout.write('No messages.\n');
  for (const m of Messages) process.stdout.write(`${m.Body}\n`);
}
