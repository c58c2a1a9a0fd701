// ListObjects (v1 and v2) over the store: a page of keys after a marker, keys sharing a prefix up
// to the delimiter rolled into one CommonPrefix (skipped past in one step, not read key by key).
import type { ObjectRecord } from '../../storage/object-records.js';
import type { ObjectStore } from '../../storage/object-store.js';

export interface ListPage {
  contents: ObjectRecord[];
  commonPrefixes: string[];
  truncated: boolean;
  /** The last key or common prefix listed: where the next page starts after. */
  last?: string;
}

/** Sorts after every key that starts with `prefix` (U+10FFFF is the highest code point: F4 8F BF BF). */
const pastPrefix = (prefix: string) => `${prefix}\u{10FFFF}`;

export async function listPage(store: ObjectStore, bucket: string, opts: { prefix: string; delimiter: string; after: string; maxKeys: number }): Promise<ListPage> {
  const page: ListPage = { contents: [], commonPrefixes: [], truncated: false };
  let after = opts.after;
  if (opts.maxKeys === 0) return page;
  for (;;) {
    const batch = await store.listObjects(bucket, { prefix: opts.prefix, after, limit: 1000 });
    if (batch.length === 0) return page;
    for (const object of batch) {
      if (object.key <= after) continue;
      if (page.contents.length + page.commonPrefixes.length === opts.maxKeys) {
        page.truncated = true;
        return page;
      }
      const cut = opts.delimiter === '' ? -1 : object.key.indexOf(opts.delimiter, opts.prefix.length);
      if (cut !== -1) {
        const common = object.key.slice(0, cut + opts.delimiter.length);
        page.commonPrefixes.push(common);
        page.last = common;
        after = pastPrefix(common);
        break; // read on from past the common prefix
      }
      page.contents.push(object);
      page.last = object.key;
      after = object.key;
    }
  }
}
