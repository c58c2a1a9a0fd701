// Conditional requests and byte ranges, with S3's precedence: If-Match before
// If-Unmodified-Since, If-None-Match before If-Modified-Since; ranges as RFC 9110 reads them.
import { GustError } from '../../errors.js';

export interface Conditions {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

const etagMatches = (list: string, etag: string) => list.split(',').some((t) => { const v = t.trim(); return v === '*' || v === etag || `"${v}"` === etag; });
const seconds = (ms: number) => Math.floor(ms / 1000);

/**
 * Throws PreconditionFailed or NotModified as S3 does. `copy` (x-amz-copy-source-if-*) turns
 * every failure into PreconditionFailed.
 */
export function checkConditions(c: Conditions, etag: string, lastModified: number, copy = false): void {
  const fail = (header: string) => new GustError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: header });
  const notModified = (header: string) => (copy ? fail(header) : new GustError('NotModified', 'Not Modified'));
  const since = (value: string | undefined) => (value === undefined ? undefined : Date.parse(value));
  const modSince = since(c.ifModifiedSince);
  const unmodSince = since(c.ifUnmodifiedSince);
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, etag)) throw fail(copy ? 'x-amz-copy-source-If-Match' : 'If-Match');
  } else if (unmodSince !== undefined && !Number.isNaN(unmodSince) && seconds(lastModified) > seconds(unmodSince)) {
    throw fail(copy ? 'x-amz-copy-source-If-Unmodified-Since' : 'If-Unmodified-Since');
  }
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, etag)) throw notModified(copy ? 'x-amz-copy-source-If-None-Match' : 'If-None-Match');
  } else if (modSince !== undefined && !Number.isNaN(modSince) && seconds(lastModified) <= seconds(modSince)) {
    throw notModified(copy ? 'x-amz-copy-source-If-Modified-Since' : 'If-Modified-Since');
  }
}

/**
 * A `bytes=` Range against an object of `size` bytes: [start, end) or undefined for the whole
 * object (no header, or one S3 ignores). Unsatisfiable: InvalidRange (416).
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // S3 ignores a range it cannot read
  const invalid = () => new GustError('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: size });
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) throw invalid();
    return { start: Math.max(size - suffix, 0), end: size };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) throw invalid();
  return { start, end: last + 1 };
}

/** x-amz-copy-source-range: `bytes=first-last`, both present, within the source. */
export function parseCopyRange(header: string, size: number): { start: number; end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[2]) < Number(m[1])) throw new GustError('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy', { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: header });
  if (Number(m[2]) >= size) throw new GustError('InvalidRange', 'The requested range is not satisfiable', { RangeRequested: header, ActualObjectSize: size });
  return { start: Number(m[1]), end: Number(m[2]) + 1 };
}
