// S3's object operations on the wire: PutObject, GetObject, HeadObject, DeleteObject, CopyObject,
// DeleteObjects. The rules (durability, conditions, ranges, events) are in control/objects/.
import { createHash } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { checkConditions, parseRange, type Conditions } from '../../control/objects/conditions.js';
import { checkKey, MAX_SINGLE_PUT } from '../../control/objects/object-rules.js';
import { noSuchKey, type ChangeContext, type Objects } from '../../control/objects/objects.js';
import { GustError } from '../../errors.js';
import type { ObjectRecord } from '../../storage/object-records.js';
import type { OperationContext } from '../service.js';
import { writeBody } from './s3-body.js';
import { checksumHeaders, objectHeaders, settingsFromRequest } from './s3-object-headers.js';
import { doc, el, isoDate, parseXml, readSmallPayload, sendEmpty, sendXml } from './s3-xml.js';

const header = (ctx: OperationContext, name: string) => {
  const v = ctx.req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

export function changeContext(ctx: OperationContext): ChangeContext {
  return { requestId: ctx.requestId, sourceIp: ctx.req.socket.remoteAddress ?? '127.0.0.1', principalId: ctx.caller };
}

export class S3ObjectRoutes {
  constructor(private readonly objects: Objects) {}

  async put(ctx: OperationContext): Promise<void> {
    const { Bucket: bucket, Key: key } = ctx.params;
    checkKey(key);
    const settings = settingsFromRequest(ctx.req.headers);
    await this.objects.bucket(bucket);
    const body = await writeBody(this.objects, ctx, MAX_SINGLE_PUT, 'Your proposed upload exceeds the maximum allowed size');
    const object: ObjectRecord = { bucket, key, size: body.blob.size, etag: `"${body.md5Hex}"`, lastModified: Date.now(), ...settings, checksums: body.checksums, blobs: [body.blob] };
    await this.objects.commit(object, 'ObjectCreated:Put', changeContext(ctx));
    sendEmpty(ctx.res, ctx.requestId, 200, { ETag: object.etag, ...checksumHeaders(object.checksums) });
  }

  async get(ctx: OperationContext, head = false): Promise<void> {
    const { Bucket: bucket, Key: key } = ctx.params;
    const object = await this.objects.object(bucket, key);
    const conditions: Conditions = { ifMatch: header(ctx, 'if-match'), ifNoneMatch: header(ctx, 'if-none-match'), ifModifiedSince: header(ctx, 'if-modified-since'), ifUnmodifiedSince: header(ctx, 'if-unmodified-since') };
    try {
      checkConditions(conditions, object.etag, object.lastModified);
    } catch (err) {
      if (err instanceof GustError && err.code === 'NotModified') {
        ctx.res.writeHead(304, { ETag: object.etag, 'Last-Modified': new Date(object.lastModified).toUTCString(), 'x-amz-request-id': ctx.requestId });
        ctx.res.end();
        return;
      }
      throw err;
    }
    const range = parseRange(header(ctx, 'range'), object.size);
    const headers = objectHeaders(object, ctx.query, header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && range === undefined);
    const start = range?.start ?? 0;
    const end = range?.end ?? object.size;
    headers['Content-Length'] = end - start;
    headers['x-amz-request-id'] = ctx.requestId;
    if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${object.size}`;
    if (head) {
      ctx.res.writeHead(range ? 206 : 200, headers);
      ctx.res.end();
      return;
    }
    const opened = await this.objects.open(object, start, end);
    ctx.res.writeHead(range ? 206 : 200, headers);
    await pipeline(opened.stream, ctx.res).catch(() => ctx.res.destroy());
  }

  async delete(ctx: OperationContext): Promise<void> {
    await this.objects.delete(ctx.params.Bucket, [ctx.params.Key], changeContext(ctx));
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async deleteMany(ctx: OperationContext): Promise<void> {
    const body = parseXml(await readSmallPayload(ctx), 'Delete');
    const entries = (body.Object as Record<string, unknown>[] | undefined) ?? [];
    if (entries.length === 0 || entries.length > 1000) throw new GustError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const quiet = String(body.Quiet ?? 'false').toLowerCase() === 'true';
    const keys = entries.map((e) => String(e.Key ?? ''));
    const valid = keys.map((k) => k !== '' && Buffer.byteLength(k) <= 1024);
    const toDelete = keys.filter((_, i) => valid[i]);
    await this.objects.delete(ctx.params.Bucket, toDelete, changeContext(ctx));
    const results = keys.map((key, i) =>
      valid[i] ? (quiet ? undefined : el('Deleted', el('Key', key))) : el('Error', el('Key', key), el('Code', key === '' ? 'InvalidArgument' : 'KeyTooLongError'), el('Message', key === '' ? 'Invalid key' : 'Your key is too long')),
    );
    sendXml(ctx.res, ctx.requestId, doc('DeleteResult', results));
  }

  async copy(ctx: OperationContext): Promise<void> {
    const { Bucket: bucket, Key: key } = ctx.params;
    checkKey(key);
    const source = await this.copySource(ctx);
    const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') throw new GustError('InvalidArgument', 'Unknown metadata directive.', { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: directive });
    if (source.bucket === bucket && source.key === key && directive === 'COPY') {
      throw new GustError('InvalidRequest', "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
    }
    const settings = directive === 'REPLACE' ? settingsFromRequest(ctx.req.headers) : { headers: source.object.headers, metadata: source.object.metadata, tags: source.object.tags };
    if (header(ctx, 'x-amz-tagging-directive')?.toUpperCase() === 'REPLACE') settings.tags = settingsFromRequest(ctx.req.headers).tags;
    await this.objects.bucket(bucket);
    const { stream } = await this.objects.open(source.object, 0, source.object.size);
    const md5 = createHash('md5');
    const blob = await this.objects.writeBlob(stream, (chunk) => md5.update(chunk), () => {});
    const now = Date.now();
    // A copy is one part: a multipart source's ETag becomes the MD5 of its bytes.
    const etag = `"${md5.digest('hex')}"`;
    const object: ObjectRecord = { bucket, key, size: blob.size, etag, lastModified: now, ...settings, checksums: source.object.etag.includes('-') ? {} : source.object.checksums, blobs: [blob] };
    await this.objects.commit(object, 'ObjectCreated:Copy', changeContext(ctx));
    sendXml(ctx.res, ctx.requestId, doc('CopyObjectResult', el('ETag', etag), el('LastModified', isoDate(now))));
  }

  /** x-amz-copy-source (`bucket/key`, URL-encoded, a leading slash optional) and its conditions. */
  async copySource(ctx: OperationContext): Promise<{ bucket: string; key: string; object: ObjectRecord }> {
    const raw = header(ctx, 'x-amz-copy-source') ?? '';
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw.split('?')[0]).replace(/^\//, '');
    } catch {
      throw new GustError('InvalidArgument', 'Invalid copy source encoding', { ArgumentName: 'x-amz-copy-source' });
    }
    const slash = decoded.indexOf('/');
    if (slash <= 0 || slash === decoded.length - 1) throw new GustError('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', { ArgumentName: 'x-amz-copy-source', ArgumentValue: raw });
    const bucket = decoded.slice(0, slash);
    const key = decoded.slice(slash + 1);
    const object = await this.objects.object(bucket, key).catch((err) => {
      throw err instanceof GustError && err.code === 'NoSuchKey' ? noSuchKey(key) : err;
    });
    checkConditions(
      {
        ifMatch: header(ctx, 'x-amz-copy-source-if-match'),
        ifNoneMatch: header(ctx, 'x-amz-copy-source-if-none-match'),
        ifModifiedSince: header(ctx, 'x-amz-copy-source-if-modified-since'),
        ifUnmodifiedSince: header(ctx, 'x-amz-copy-source-if-unmodified-since'),
      },
      object.etag,
      object.lastModified,
      true,
    );
    return { bucket, key, object };
  }
}

