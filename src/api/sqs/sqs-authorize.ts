// What a function's own key may do on SQS: the message data plane, as an execution role with
// queue access would (send, receive, delete, change visibility, find and read queues). Queue
// administration (create, delete, purge, attributes, tags, redrive tasks) stays with admin keys.

/** The operations a function's key may call, as authorize() names them (`sqs:Action`). */
export const SQS_FUNCTION_OPERATIONS: ReadonlySet<string> = new Set(
  ['SendMessage', 'SendMessageBatch', 'ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'GetQueueUrl', 'GetQueueAttributes', 'ListQueues'].map((op) => `sqs:${op}`),
);
