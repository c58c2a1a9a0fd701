// The checksums SQS returns and SDKs verify: MD5 of the body, and of message (or system)
// attributes in SQS's own encoding: per attribute, sorted by name, the length-prefixed name,
// data type and value, with a transport byte (1 string, 2 binary) before the value.
import { createHash } from 'node:crypto';

export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  /** Base64, as the JSON protocol carries it. */
  BinaryValue?: string;
}

export const md5Hex = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** MD5OfMessageAttributes (or MD5OfMessageSystemAttributes); undefined when there are none. */
export function md5OfAttributes(attributes: Record<string, AttributeValue> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const a = attributes![name];
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(a.DataType, 'utf8')));
    if (a.BinaryValue !== undefined && a.DataType.startsWith('Binary')) {
      hash.update(Buffer.from([2]));
      hash.update(lengthPrefixed(Buffer.from(a.BinaryValue, 'base64')));
    } else {
      hash.update(Buffer.from([1]));
      hash.update(lengthPrefixed(Buffer.from(a.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

/** The bytes an attribute counts toward the message size limit: name, type and value. */
export function attributeSize(name: string, a: AttributeValue): number {
  const value = a.BinaryValue !== undefined ? Buffer.from(a.BinaryValue, 'base64').length : Buffer.byteLength(a.StringValue ?? '');
  return Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + value;
}
