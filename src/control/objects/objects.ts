// The object store's rules: a body becomes a durable blob before its record commits (so an object
// appears whole or not at all), the record and its notification events commit together, and the
// blobs a change no longer needs are freed after the commit (a crash in between leaves orphans the
// start-up sweep removes). The S3 wire format lives in api/s3/.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { GustError } from '../../errors.js';
import type { BlobRef, BlobStore } from '../../storage/blob-store.js';
import type { BucketRecord, ObjectRecord, ObjectSettings, Outbox, Tag } from '../../storage/object-records.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { BucketNotificationRules, ObjectEventName } from './object-change.js';
import { checkBucketName } from './object-rules.js';

/** Who made a change, for its event record. */
export interface ChangeContext {
  requestId: string;
  sourceIp: string;
  principalId: string;
}

export interface ObjectsDeps {
  store: ObjectStore;
  blobs: BlobStore;
  rules: BucketNotificationRules;
  region: string;
  /** An event was queued: wake the async worker. */
  onEventQueued(): void;
  log(line: string): void;
}

export const noSuchBucket = (bucket: string) => new GustError('NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string) => new GustError('NoSuchKey', 'The specified key does not exist.', { Key: key });
export const noSuchUpload = (uploadId: string) => new GustError('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });

export class Objects {
  constructor(readonly deps: ObjectsDeps) {}

  /** Start-up: deletes blobs that no record refers to (a crash mid-upload or before a free). */
  async sweep(): Promise<number> {
    const keep = await this.deps.store.blobIds();
    return this.deps.blobs.sweep((id) => keep.has(id));
  }

  async createBucket(name: string, location: string | undefined, now = Date.now()): Promise<void> {
    checkBucketName(name);
    if (location !== undefined && location !== '' && location !== this.deps.region) {
      throw new GustError('InvalidLocationConstraint', 'The specified location-constraint is not valid', { LocationConstraint: location });
    }
    if (!(await this.deps.store.createBucket({ name, region: this.deps.region, createdAt: now }))) {
      throw new GustError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
    }
  }

  async bucket(name: string): Promise<BucketRecord> {
    const bucket = await this.deps.store.bucket(name);
    if (!bucket) throw noSuchBucket(name);
    return bucket;
  }

  async deleteBucket(name: string): Promise<void> {
    const result = await this.deps.store.deleteBucket(name);
    if (result === 'missing') throw noSuchBucket(name);
    if (result === 'not-empty') throw new GustError('BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: name });
  }

  async object(bucket: string, key: string): Promise<ObjectRecord> {
    const object = await this.deps.store.object(bucket, key);
    if (object) return object;
    await this.bucket(bucket);
    throw noSuchKey(key);
  }

  /** Streams [start, end) of an object; re-reads the record once if an overwrite freed its blobs meanwhile. */
  async open(object: ObjectRecord, start: number, end: number): Promise<{ object: ObjectRecord; stream: Readable }> {
    try {
      return { object, stream: await this.deps.blobs.read(object.blobs, start, end) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const again = await this.object(object.bucket, object.key);
      if (again.etag !== object.etag) throw new GustError('PreconditionFailed', 'The object changed while it was being read; retry.');
      return { object: again, stream: await this.deps.blobs.read(again.blobs, start, end) };
    }
  }

  /** Writes a body to a new blob; `check` runs once it has ended, before it is made durable. */
  async writeBlob(body: AsyncIterable<Buffer>, onChunk: (chunk: Buffer) => void, check: (size: number) => void): Promise<BlobRef> {
    return this.deps.blobs.write(body, { onChunk, beforeCommit: check });
  }

  /** Commits a whole object made of written blobs (PUT, copy, completed upload), with its events. */
  async commit(object: ObjectRecord, eventName: ObjectEventName, ctx: ChangeContext, complete?: { uploadId: string; parts: number[] }): Promise<void> {
    const outbox = this.outbox(object.bucket, object.key, eventName, ctx, object);
    const done = complete ? await this.deps.store.completeUpload(complete.uploadId, object, complete.parts, outbox) : await this.deps.store.putObject(object, outbox);
    if (!done) {
      if (!complete) await this.free(object.blobs.map((b) => b.id));
      throw complete ? noSuchUpload(complete.uploadId) : noSuchBucket(object.bucket);
    }
    await this.afterCommit(done.freed);
  }

  /** Deletes keys (absent ones are no error); says which existed. */
  async delete(bucket: string, keys: string[], ctx: ChangeContext): Promise<boolean[]> {
    const done = await this.deps.store.deleteObjects(bucket, keys, (key) => this.outbox(bucket, key, 'ObjectRemoved:Delete', ctx));
    if (!done) throw noSuchBucket(bucket);
    await this.afterCommit(done.freed);
    return done.existed;
  }

  async setTags(bucket: string, key: string, tags: Tag[]): Promise<void> {
    if (!(await this.deps.store.setObjectTags(bucket, key, tags))) await this.object(bucket, key);
  }

  async setBucketTags(bucket: string, tags: Tag[] | undefined): Promise<void> {
    if (!(await this.deps.store.setBucketTags(bucket, tags))) throw noSuchBucket(bucket);
  }

  async setNotification(bucket: string, xml: string): Promise<void> {
    await this.bucket(bucket);
    const config = this.deps.rules.parse(xml);
    await this.deps.rules.validate(bucket, config);
    const empty = config.LambdaFunctionConfigurations.length === 0;
    if (!(await this.deps.store.setBucketNotification(bucket, empty ? undefined : config))) throw noSuchBucket(bucket);
  }

  async notificationXml(bucket: string): Promise<string> {
    const b = await this.bucket(bucket);
    return b.notification ? this.deps.rules.toXml(b.notification) : '<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>';
  }

  /** Blobs nothing refers to any more; a failure here only leaves an orphan for the next sweep. */
  async free(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.deps.blobs.delete(ids).catch((err) => this.deps.log(`object store: freeing blobs: ${(err as Error)?.message ?? err}`));
  }

  private async afterCommit(freed: string[]): Promise<void> {
    this.deps.onEventQueued();
    await this.free(freed);
  }

  private outbox(bucket: string, key: string, eventName: ObjectEventName, ctx: ChangeContext, object?: ObjectRecord): Outbox {
    return (sequencer, notification) =>
      this.deps.rules.eventsFor(notification, {
        bucket,
        key,
        eventName,
        ...(object ? { size: object.size, eTag: object.etag.replace(/"/g, '') } : {}),
        sequencer,
        time: object?.lastModified ?? Date.now(),
        ...ctx,
      });
  }
}

/** The quoted ETag of a multipart object: MD5 of the concatenated binary part MD5s, then -N. */
export function multipartEtag(partEtags: string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag.replace(/"/g, ''), 'hex'));
  return `"${md5.digest('hex')}-${partEtags.length}"`;
}

export type { ObjectSettings };
