// ListObjectsV2 and ListObjects (v1) on the wire: prefix, delimiter with CommonPrefixes, max-keys,
// continuation tokens (v2) and markers (v1), start-after, encoding-type=url, fetch-owner.
import { listPage } from '../../control/objects/listing.js';
import type { Objects } from '../../control/objects/objects.js';
import { GustError } from '../../errors.js';
import type { ObjectRecord } from '../../storage/object-records.js';
import type { OperationContext } from '../service.js';
import { doc, el, isoDate, sendXml } from './s3-xml.js';

/** encoding-type=url: keys as S3 encodes them (spaces as +, / kept). */
export const urlEncodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+').replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function maxKeysOf(query: URLSearchParams): number {
  const raw = query.get('max-keys');
  if (raw === null) return 1000;
  if (!/^\d+$/.test(raw)) throw new GustError('InvalidArgument', 'Provided max-keys not an integer or within integer range', { ArgumentName: 'max-keys', ArgumentValue: raw });
  return Math.min(Number(raw), 1000);
}

export class S3ListRoutes {
  constructor(private readonly objects: Objects) {}

  async listV2(ctx: OperationContext): Promise<void> {
    const { query } = ctx;
    const bucket = ctx.params.Bucket;
    await this.objects.bucket(bucket);
    const encoding = query.get('encoding-type');
    if (encoding !== null && encoding !== 'url') throw new GustError('InvalidArgument', 'Invalid Encoding Method specified in Request', { ArgumentName: 'encoding-type', ArgumentValue: encoding });
    const enc = (s: string) => (encoding === 'url' ? urlEncodeKey(s) : s);
    const token = query.get('continuation-token');
    let after = query.get('start-after') ?? '';
    if (token !== null) {
      const decoded = Buffer.from(token, 'base64url').toString('utf8');
      if (!decoded.startsWith('k:')) throw new GustError('InvalidArgument', 'The continuation token provided is incorrect', { ArgumentName: 'continuation-token' });
      after = decoded.slice(2);
    }
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const maxKeys = maxKeysOf(query);
    const page = await listPage(this.objects.deps.store, bucket, { prefix, delimiter, after, maxKeys });
    const fetchOwner = query.get('fetch-owner') === 'true';
    sendXml(
      ctx.res,
      ctx.requestId,
      doc(
        'ListBucketResult',
        el('Name', bucket),
        el('Prefix', enc(prefix)),
        delimiter === '' ? undefined : el('Delimiter', enc(delimiter)),
        el('MaxKeys', maxKeys),
        encoding === null ? undefined : el('EncodingType', encoding),
        el('KeyCount', page.contents.length + page.commonPrefixes.length),
        token === null ? undefined : el('ContinuationToken', token),
        page.truncated && page.last !== undefined ? el('NextContinuationToken', Buffer.from(`k:${page.last}`).toString('base64url')) : undefined,
        query.has('start-after') ? el('StartAfter', enc(query.get('start-after')!)) : undefined,
        el('IsTruncated', page.truncated),
        page.contents.map((o) => contentsXml(o, enc, fetchOwner)),
        page.commonPrefixes.map((p) => el('CommonPrefixes', el('Prefix', enc(p)))),
      ),
    );
  }

  async listV1(ctx: OperationContext): Promise<void> {
    const { query } = ctx;
    const bucket = ctx.params.Bucket;
    await this.objects.bucket(bucket);
    const encoding = query.get('encoding-type');
    const enc = (s: string) => (encoding === 'url' ? urlEncodeKey(s) : s);
    const prefix = query.get('prefix') ?? '';
    const delimiter = query.get('delimiter') ?? '';
    const marker = query.get('marker') ?? '';
    const maxKeys = maxKeysOf(query);
    const page = await listPage(this.objects.deps.store, bucket, { prefix, delimiter, after: marker, maxKeys });
    sendXml(
      ctx.res,
      ctx.requestId,
      doc(
        'ListBucketResult',
        el('Name', bucket),
        el('Prefix', enc(prefix)),
        el('Marker', enc(marker)),
        // NextMarker only with a delimiter, as S3 sends it (without one, the last key is the marker).
        page.truncated && delimiter !== '' && page.last !== undefined ? el('NextMarker', enc(page.last)) : undefined,
        el('MaxKeys', maxKeys),
        delimiter === '' ? undefined : el('Delimiter', enc(delimiter)),
        encoding === null ? undefined : el('EncodingType', encoding),
        el('IsTruncated', page.truncated),
        page.contents.map((o) => contentsXml(o, enc, true)),
        page.commonPrefixes.map((p) => el('CommonPrefixes', el('Prefix', enc(p)))),
      ),
    );
  }
}

function contentsXml(o: ObjectRecord, enc: (s: string) => string, owner: boolean) {
  const algorithms = Object.keys(o.checksums);
  return el(
    'Contents',
    el('Key', enc(o.key)),
    el('LastModified', isoDate(o.lastModified)),
    el('ETag', o.etag),
    algorithms.map((a) => el('ChecksumAlgorithm', a)),
    el('Size', o.size),
    owner ? el('Owner', el('ID', 'gust'), el('DisplayName', 'gust')) : undefined,
    el('StorageClass', 'STANDARD'),
  );
}
