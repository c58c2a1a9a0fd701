// S3's rules on names and sizes: bucket names, key lengths, user metadata, tags, part sizes.
import { GustError } from '../../errors.js';
import type { Tag } from '../../storage/object-records.js';

export const MAX_SINGLE_PUT = 5 * 1024 ** 3;
export const MIN_PART_SIZE = 5 * 1024 ** 2;
export const MAX_PART_NUMBER = 10_000;

/** S3's general-purpose bucket naming rules. */
export function checkBucketName(name: string): void {
  const ok =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(name);
  if (!ok) throw new GustError('InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
}

export function checkKey(key: string): void {
  if (key.length === 0) throw new GustError('InvalidArgument', 'An object key must not be empty.');
  const bytes = Buffer.byteLength(key);
  if (bytes > 1024) throw new GustError('KeyTooLongError', 'Your key is too long', { MaxSizeAllowed: 1024, Size: bytes });
}

/** User metadata: names and values together at most 2 KB, as S3 counts them. */
export function checkMetadata(metadata: Record<string, string>): void {
  let size = 0;
  for (const [k, v] of Object.entries(metadata)) size += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (size > 2048) throw new GustError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', { Size: size, MaxSizeAllowed: 2048 });
}

/** Object tags: at most 10, keys up to 128 and values up to 256 characters, keys unique. */
export function checkTags(tags: Tag[], max = 10): void {
  if (tags.length > max) throw new GustError('InvalidTag', `Object tags cannot be greater than ${max}`);
  const seen = new Set<string>();
  for (const { Key, Value } of tags) {
    if (Key.length === 0 || Key.length > 128) throw new GustError('InvalidTag', 'The TagKey you have provided is invalid');
    if (Value.length > 256) throw new GustError('InvalidTag', 'The TagValue you have provided is invalid');
    if (seen.has(Key)) throw new GustError('InvalidTag', 'Cannot provide multiple Tags with the same key');
    seen.add(Key);
  }
}

/** x-amz-tagging: a URL-encoded query string. */
export function parseTaggingHeader(value: string): Tag[] {
  const tags = [...new URLSearchParams(value)].map(([Key, Value]) => ({ Key, Value }));
  checkTags(tags);
  return tags;
}
