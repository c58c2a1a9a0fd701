// Multipart uploads on the wire: Create, UploadPart, UploadPartCopy, Complete (InvalidPart,
// InvalidPartOrder, EntityTooSmall), Abort, ListParts, ListMultipartUploads. Completion writes no
// bytes: the object is the parts' blobs, in order.
import { createHash, randomBytes } from 'node:crypto';
import { parseCopyRange } from '../../control/objects/conditions.js';
import { checkKey, MAX_PART_NUMBER, MAX_SINGLE_PUT, MIN_PART_SIZE } from '../../control/objects/object-rules.js';
import { multipartEtag, noSuchUpload, type Objects } from '../../control/objects/objects.js';
import { GustError } from '../../errors.js';
import type { UploadRecord } from '../../storage/object-records.js';
import type { OperationContext } from '../service.js';
import { compositeChecksum, type ChecksumAlgorithm } from './checksums.js';
import { writeBody } from './s3-body.js';
import { changeContext, type S3ObjectRoutes } from './s3-object-routes.js';
import { checksumHeaders, settingsFromRequest } from './s3-object-headers.js';
import { doc, el, isoDate, parseXml, readSmallPayload, sendEmpty, sendXml } from './s3-xml.js';

const OWNER = el('Owner', el('ID', 'gust'), el('DisplayName', 'gust'));

export class S3MultipartRoutes {
  constructor(private readonly objects: Objects, private readonly objectRoutes: S3ObjectRoutes) {}

  private async upload(ctx: OperationContext): Promise<UploadRecord> {
    const id = ctx.query.get('uploadId') ?? '';
    const upload = await this.objects.deps.store.upload(id);
    if (!upload || upload.bucket !== ctx.params.Bucket || upload.key !== ctx.params.Key) {
      await this.objects.bucket(ctx.params.Bucket);
      throw noSuchUpload(id);
    }
    return upload;
  }

  private partNumber(ctx: OperationContext): number {
    const raw = ctx.query.get('partNumber') ?? '';
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(n >= 1 && n <= MAX_PART_NUMBER)) throw new GustError('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, { ArgumentName: 'partNumber', ArgumentValue: raw });
    return n;
  }

  async create(ctx: OperationContext): Promise<void> {
    const { Bucket: bucket, Key: key } = ctx.params;
    checkKey(key);
    const settings = settingsFromRequest(ctx.req.headers);
    const algorithm = ctx.req.headers['x-amz-checksum-algorithm'];
    const uploadId = randomBytes(24).toString('base64url');
    const created = await this.objects.deps.store.createUpload({ uploadId, bucket, key, initiated: Date.now(), settings: { ...settings, ...(typeof algorithm === 'string' ? { checksumAlgorithm: algorithm.toUpperCase() } : {}) } });
    if (!created) await this.objects.bucket(bucket);
    sendXml(ctx.res, ctx.requestId, doc('InitiateMultipartUploadResult', el('Bucket', bucket), el('Key', key), el('UploadId', uploadId)), 200, typeof algorithm === 'string' ? { 'x-amz-checksum-algorithm': algorithm.toUpperCase() } : {});
  }

  async uploadPart(ctx: OperationContext): Promise<void> {
    const partNumber = this.partNumber(ctx);
    const upload = await this.upload(ctx);
    const body = await writeBody(this.objects, ctx, MAX_SINGLE_PUT, 'Your proposed upload exceeds the maximum allowed size');
    const etag = `"${body.md5Hex}"`;
    const stored = await this.objects.deps.store.putPart({ uploadId: upload.uploadId, partNumber, blobId: body.blob.id, size: body.blob.size, etag, checksums: body.checksums, lastModified: Date.now() });
    if (!stored) {
      await this.objects.free([body.blob.id]);
      throw noSuchUpload(upload.uploadId);
    }
    await this.objects.free(stored.freed);
    sendEmpty(ctx.res, ctx.requestId, 200, { ETag: etag, ...checksumHeaders(body.checksums) });
  }

  async uploadPartCopy(ctx: OperationContext): Promise<void> {
    const partNumber = this.partNumber(ctx);
    const upload = await this.upload(ctx);
    const source = await this.objectRoutes.copySource(ctx);
    const rangeHeader = ctx.req.headers['x-amz-copy-source-range'];
    const range = typeof rangeHeader === 'string' ? parseCopyRange(rangeHeader, source.object.size) : { start: 0, end: source.object.size };
    const { stream } = await this.objects.open(source.object, range.start, range.end);
    const md5 = createHash('md5');
    const blob = await this.objects.writeBlob(stream, (chunk) => md5.update(chunk), () => {});
    const etag = `"${md5.digest('hex')}"`;
    const now = Date.now();
    const stored = await this.objects.deps.store.putPart({ uploadId: upload.uploadId, partNumber, blobId: blob.id, size: blob.size, etag, checksums: {}, lastModified: now });
    if (!stored) {
      await this.objects.free([blob.id]);
      throw noSuchUpload(upload.uploadId);
    }
    await this.objects.free(stored.freed);
    sendXml(ctx.res, ctx.requestId, doc('CopyPartResult', el('ETag', etag), el('LastModified', isoDate(now))));
  }

  async complete(ctx: OperationContext): Promise<void> {
    const upload = await this.upload(ctx);
    const body = parseXml(await readSmallPayload(ctx, 4 * 1024 * 1024), 'CompleteMultipartUpload');
    const asked = ((body.Part as Record<string, unknown>[] | undefined) ?? []).map((p) => ({ number: Number(p.PartNumber), etag: String(p.ETag ?? '').replace(/^"?/, '"').replace(/"?$/, '"') }));
    if (asked.length === 0) throw new GustError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    for (let i = 1; i < asked.length; i++) {
      if (!(asked[i].number > asked[i - 1].number)) throw new GustError('InvalidPartOrder', 'The list of parts was not in ascending order. Parts must be ordered by part number.', { UploadId: upload.uploadId });
    }
    const stored = new Map((await this.objects.deps.store.parts(upload.uploadId)).map((p) => [p.partNumber, p]));
    const parts = asked.map((a) => {
      const part = stored.get(a.number);
      if (!part || part.etag !== a.etag) {
        throw new GustError('InvalidPart', 'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.', { UploadId: upload.uploadId, PartNumber: a.number, ETag: a.etag });
      }
      return part;
    });
    parts.forEach((p, i) => {
      if (i < parts.length - 1 && p.size < MIN_PART_SIZE) {
        throw new GustError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.', { ProposedSize: p.size, MinSizeAllowed: MIN_PART_SIZE, PartNumber: p.partNumber, ETag: p.etag });
      }
    });
    const etag = multipartEtag(parts.map((p) => p.etag));
    const algorithm = upload.settings.checksumAlgorithm as ChecksumAlgorithm | undefined;
    const checksums: Record<string, string> = {};
    if (algorithm && parts.every((p) => p.checksums[algorithm] !== undefined)) checksums[algorithm] = compositeChecksum(parts.map((p) => p.checksums[algorithm]), algorithm);
    const { checksumAlgorithm: _alg, ...settings } = upload.settings;
    const object = { bucket: upload.bucket, key: upload.key, size: parts.reduce((n, p) => n + p.size, 0), etag, lastModified: Date.now(), ...settings, checksums, blobs: parts.map((p) => ({ id: p.blobId, size: p.size })) };
    await this.objects.commit(object, 'ObjectCreated:CompleteMultipartUpload', changeContext(ctx), { uploadId: upload.uploadId, parts: parts.map((p) => p.partNumber) });
    const location = `http://${ctx.req.headers.host ?? 'localhost'}/${upload.bucket}/${upload.key}`;
    sendXml(ctx.res, ctx.requestId, doc('CompleteMultipartUploadResult', el('Location', location), el('Bucket', upload.bucket), el('Key', upload.key), el('ETag', etag), Object.entries(checksums).map(([a, v]) => el(`Checksum${a}`, v))));
  }

  async abort(ctx: OperationContext): Promise<void> {
    const upload = await this.upload(ctx);
    const done = await this.objects.deps.store.abortUpload(upload.uploadId);
    if (!done) throw noSuchUpload(upload.uploadId);
    await this.objects.free(done.freed);
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async listParts(ctx: OperationContext): Promise<void> {
    const upload = await this.upload(ctx);
    const marker = Number(ctx.query.get('part-number-marker') ?? 0) || 0;
    const max = Math.min(Number(ctx.query.get('max-parts') ?? 1000) || 1000, 1000);
    const parts = await this.objects.deps.store.parts(upload.uploadId, marker, max + 1);
    const truncated = parts.length > max;
    const shown = parts.slice(0, max);
    sendXml(
      ctx.res,
      ctx.requestId,
      doc(
        'ListPartsResult',
        el('Bucket', upload.bucket),
        el('Key', upload.key),
        el('UploadId', upload.uploadId),
        el('PartNumberMarker', marker),
        el('NextPartNumberMarker', shown.at(-1)?.partNumber ?? 0),
        el('MaxParts', max),
        el('IsTruncated', truncated),
        shown.map((p) => el('Part', el('PartNumber', p.partNumber), el('LastModified', isoDate(p.lastModified)), el('ETag', p.etag), el('Size', p.size), Object.entries(p.checksums).map(([a, v]) => el(`Checksum${a}`, v)))),
        OWNER,
        el('Initiator', el('ID', 'gust'), el('DisplayName', 'gust')),
        el('StorageClass', 'STANDARD'),
      ),
    );
  }

  async listUploads(ctx: OperationContext): Promise<void> {
    const bucket = ctx.params.Bucket;
    await this.objects.bucket(bucket);
    const q = ctx.query;
    const max = Math.min(Number(q.get('max-uploads') ?? 1000) || 1000, 1000);
    const prefix = q.get('prefix') ?? '';
    const keyMarker = q.get('key-marker') ?? '';
    const uploadMarker = q.get('upload-id-marker') ?? '';
    const uploads = await this.objects.deps.store.uploads(bucket, { prefix, afterKey: keyMarker, afterUploadId: uploadMarker === '' ? '\u{10FFFF}' : uploadMarker, limit: max + 1 });
    const truncated = uploads.length > max;
    const shown = uploads.slice(0, max);
    sendXml(
      ctx.res,
      ctx.requestId,
      doc(
        'ListMultipartUploadsResult',
        el('Bucket', bucket),
        el('KeyMarker', keyMarker),
        el('UploadIdMarker', uploadMarker),
        el('NextKeyMarker', shown.at(-1)?.key ?? ''),
        el('NextUploadIdMarker', shown.at(-1)?.uploadId ?? ''),
        el('MaxUploads', max),
        prefix === '' ? undefined : el('Prefix', prefix),
        el('IsTruncated', truncated),
        shown.map((u) => el('Upload', el('Key', u.key), el('UploadId', u.uploadId), el('Initiator', el('ID', 'gust'), el('DisplayName', 'gust')), OWNER, el('StorageClass', 'STANDARD'), el('Initiated', isoDate(u.initiated)))),
      ),
    );
  }
}
