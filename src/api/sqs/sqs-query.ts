// SQS's Query protocol (Action=…&Version=2012-11-05, form-encoded): flattened parameters become
// the JSON protocol's input shapes, and the JSON output becomes the XML answer, so that one
// implementation (sqs-api.ts) serves both. The names are botocore's query serialisation.

type Params = Record<string, any>;

/** Flattened list members (`AttributeName.1`) and the JSON member they fill. */
const LISTS: Record<string, string> = {
  AttributeName: 'AttributeNames',
  MessageAttributeName: 'MessageAttributeNames',
  MessageSystemAttributeName: 'MessageSystemAttributeNames',
  TagKey: 'TagKeys',
  SendMessageBatchRequestEntry: 'Entries',
  DeleteMessageBatchRequestEntry: 'Entries',
  ChangeMessageVisibilityBatchRequestEntry: 'Entries',
};

/** Flattened map members (`Attribute.1.Name` / `Attribute.1.Value`): JSON member, key and value names. */
const MAPS: Record<string, [string, string, string]> = {
  Attribute: ['Attributes', 'Name', 'Value'],
  Tag: ['Tags', 'Key', 'Value'],
  MessageAttribute: ['MessageAttributes', 'Name', 'Value'],
  MessageSystemAttribute: ['MessageSystemAttributes', 'Name', 'Value'],
};

/** `a.1.b=x` pairs as a tree: { a: { 1: { b: 'x' } } }. */
function tree(form: URLSearchParams): Params {
  // Objects without a prototype: a key such as `__proto__.x` is then only a key.
  const root: Params = Object.create(null);
  for (const [key, value] of form) {
    if (key.length > 300) continue;
    const path = key.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      if (!Object.hasOwn(node, part) || typeof node[part] !== 'object') node[part] = Object.create(null);
      node = node[part];
    }
    const last = path[path.length - 1];
    if (!Object.hasOwn(node, last) || typeof node[last] !== 'object') node[last] = value;
  }
  return root;
}

const numbered = (node: unknown): Params[] =>
  typeof node === 'object' && node !== null
    ? Object.entries(node as Params)
        .filter(([k]) => /^\d+$/.test(k))
        .sort(([a], [b]) => Number(a) - Number(b))
        .map(([, v]) => v)
    : [];

function shape(node: Params, operation: string): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(node)) {
    if (key in LISTS) out[LISTS[key]] = numbered(value).map((v) => (typeof v === 'object' ? shape(v, operation) : v));
    else if (key in MAPS) {
      const [member, k, v] = MAPS[key];
      // CreateQueue's tags are spelled lower-case in the JSON shape.
      const name = key === 'Tag' && operation === 'CreateQueue' ? 'tags' : member;
      out[name] = Object.fromEntries(numbered(value).filter((e) => typeof e === 'object' && typeof e[k] === 'string').map((e) => [e[k], typeof e[v] === 'object' ? { ...e[v] } : e[v]]));
    } else if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/** The operation's input in the JSON protocol's shape, from the form (body and query string). */
export function queryInput(form: URLSearchParams, operation: string): Params {
  const params = shape(tree(form), operation);
  delete params.Action;
  delete params.Version;
  return params;
}

const escape = (text: string) => text.replace(/[<>&'"\r]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;', '\r': '&#xD;' })[c]!);

/** List members and the element each item is written as. */
const LIST_ELEMENTS: Record<string, string> = {
  QueueUrls: 'QueueUrl',
  queueUrls: 'QueueUrl',
  Messages: 'Message',
  Failed: 'BatchResultErrorEntry',
  Results: 'ListMessageMoveTasksResultEntry',
};
const SUCCESS_ELEMENTS: Record<string, string> = {
  SendMessageBatch: 'SendMessageBatchResultEntry',
  DeleteMessageBatch: 'DeleteMessageBatchResultEntry',
  ChangeMessageVisibilityBatch: 'ChangeMessageVisibilityBatchResultEntry',
};
const MAP_ELEMENTS: Record<string, [string, string, string]> = {
  Attributes: ['Attribute', 'Name', 'Value'],
  Tags: ['Tag', 'Key', 'Value'],
  MessageAttributes: ['MessageAttribute', 'Name', 'Value'],
};

function xmlOf(value: unknown): string {
  if (typeof value === 'object' && value !== null) return members(value as Params, '');
  return escape(String(value));
}

function members(node: Params, operation: string): string {
  let xml = '';
  for (const [key, value] of Object.entries(node)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      const element = key === 'Successful' ? SUCCESS_ELEMENTS[operation] : (LIST_ELEMENTS[key] ?? key);
      for (const item of value) xml += `<${element}>${xmlOf(item)}</${element}>`;
    } else if (key in MAP_ELEMENTS && typeof value === 'object') {
      const [element, k, v] = MAP_ELEMENTS[key];
      for (const [name, inner] of Object.entries(value)) xml += `<${element}><${k}>${escape(name)}</${k}><${v}>${xmlOf(inner)}</${v}></${element}>`;
    } else xml += `<${key}>${xmlOf(value)}</${key}>`;
  }
  return xml;
}

/** The operations whose answer has no result element (no output shape in the model). */
const NO_RESULT = new Set(['AddPermission', 'ChangeMessageVisibility', 'DeleteMessage', 'DeleteQueue', 'PurgeQueue', 'RemovePermission', 'SetQueueAttributes', 'TagQueue', 'UntagQueue']);

/** The Query answer: `<OpResponse><OpResult>…</OpResult><ResponseMetadata>…`; the result element even when empty. */
export function queryOutput(operation: string, output: Params, requestId: string): string {
  const result = NO_RESULT.has(operation) ? '' : `<${operation}Result>${members(output, operation)}</${operation}Result>`;
  return `<?xml version="1.0"?><${operation}Response xmlns="http://queue.amazonaws.com/doc/2012-11-05/">${result}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${operation}Response>`;
}
