// The S3 object store's metadata over Kysely (portable SQL): buckets, objects, multipart uploads.
// Every change that fires notifications commits its async events in the same transaction (the
// outbox), and answers with the blobs it no longer needs, which the caller deletes after the commit.
import { SqlAsyncEventStore } from './async-event-store.js';
import type { MetadataDb, MetadataTables } from './metadata-tables.js';
import type { BucketRecord, ObjectRecord, Outbox, PartRecord, Tag, UploadRecord } from './object-records.js';
import { withinTransaction } from './within-transaction.js';
import type { NotificationConfiguration } from '../control/objects/object-change.js';

export interface Freed {
  /** Blob ids to delete once the change is committed. */
  freed: string[];
}

export interface ObjectStore {
  createBucket(bucket: BucketRecord): Promise<boolean>;
  bucket(name: string): Promise<BucketRecord | undefined>;
  buckets(): Promise<BucketRecord[]>;
  /** 'not-empty' while it holds objects; its unfinished multipart uploads go with it. */
  deleteBucket(name: string): Promise<'deleted' | 'not-empty' | 'missing'> ;
  setBucketTags(name: string, tags: Tag[] | undefined): Promise<boolean>;
  setBucketNotification(name: string, config: NotificationConfiguration | undefined): Promise<boolean>;
  object(bucket: string, key: string): Promise<ObjectRecord | undefined>;
  /** Creates or replaces; undefined when the bucket is gone. */
  putObject(object: ObjectRecord, outbox: Outbox): Promise<Freed | undefined>;
  /** Deletes each key (absent ones too); `existed` per key; undefined when the bucket is gone. */
  deleteObjects(bucket: string, keys: readonly string[], outbox: (key: string) => Outbox): Promise<(Freed & { existed: boolean[] }) | undefined>;
  setObjectTags(bucket: string, key: string, tags: Tag[]): Promise<boolean>;
  /** Objects with `prefix` whose key sorts (by UTF-8 bytes) after `after`, in key order. */
  listObjects(bucket: string, opts: { prefix: string; after: string; limit: number }): Promise<ObjectRecord[]>;
  createUpload(upload: UploadRecord): Promise<boolean>;
  upload(uploadId: string): Promise<UploadRecord | undefined>;
  uploads(bucket: string, opts: { prefix: string; afterKey: string; afterUploadId: string; limit: number }): Promise<UploadRecord[]>;
  /** Adds or replaces a part; undefined when the upload is gone (the caller frees the blob). */
  putPart(part: PartRecord): Promise<Freed | undefined>;
  parts(uploadId: string, afterPart?: number, limit?: number): Promise<PartRecord[]>;
  /** The object made of the given parts' blobs; the other parts are freed. Undefined when the upload is gone. */
  completeUpload(uploadId: string, object: ObjectRecord, partNumbers: readonly number[], outbox: Outbox): Promise<Freed | undefined>;
  abortUpload(uploadId: string): Promise<Freed | undefined>;
  /** Every blob a record refers to: what the start-up sweep keeps. */
  blobIds(): Promise<Set<string>>;
}

type ObjectRow = MetadataTables['objects'];
type PartRow = MetadataTables['multipart_parts'];

const toObject = (r: ObjectRow): ObjectRecord => ({
  bucket: r.bucket,
  key: r.key,
  size: Number(r.size),
  etag: r.etag,
  lastModified: Number(r.last_modified),
  headers: JSON.parse(r.headers),
  metadata: JSON.parse(r.metadata),
  checksums: JSON.parse(r.checksums),
  tags: JSON.parse(r.tags),
  blobs: JSON.parse(r.blobs),
});
const toPart = (r: PartRow): PartRecord => ({ uploadId: r.upload_id, partNumber: r.part_number, blobId: r.blob_id, size: Number(r.size), etag: r.etag, checksums: JSON.parse(r.checksums), lastModified: Number(r.last_modified) });
const toUpload = (r: MetadataTables['multipart_uploads']): UploadRecord => ({ uploadId: r.upload_id, bucket: r.bucket, key: r.key, initiated: Number(r.initiated), settings: JSON.parse(r.settings) });
const objectRow = (o: ObjectRecord): ObjectRow => ({
  bucket: o.bucket,
  key: o.key,
  size: o.size,
  etag: o.etag,
  last_modified: o.lastModified,
  headers: JSON.stringify(o.headers),
  metadata: JSON.stringify(o.metadata),
  checksums: JSON.stringify(o.checksums),
  tags: JSON.stringify(o.tags),
  blobs: JSON.stringify(o.blobs),
});

export class SqlObjectStore implements ObjectStore {
  constructor(private readonly db: MetadataDb) {}

  async createBucket(b: BucketRecord) {
    const result = await this.db
      .insertInto('buckets')
      .values({ name: b.name, region: b.region, created_at: b.createdAt, tags: b.tags ? JSON.stringify(b.tags) : null, notification: b.notification ? JSON.stringify(b.notification) : null })
      .onConflict((oc) => oc.column('name').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async bucket(name: string) {
    const row = await this.db.selectFrom('buckets').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toBucket(row);
  }

  async buckets() {
    return (await this.db.selectFrom('buckets').selectAll().orderBy('name').execute()).map(toBucket);
  }

  deleteBucket(name: string) {
    return withinTransaction(this.db, async (tx) => {
      if (!(await tx.selectFrom('buckets').select('name').where('name', '=', name).executeTakeFirst())) return 'missing' as const;
      if (await tx.selectFrom('objects').select('key').where('bucket', '=', name).limit(1).executeTakeFirst()) return 'not-empty' as const;
      const uploads = await tx.selectFrom('multipart_uploads').select('upload_id').where('bucket', '=', name).execute();
      // Unfinished multipart uploads hold blobs too: they must be aborted first.
      if (uploads.length > 0) return 'not-empty' as const;
      await tx.deleteFrom('buckets').where('name', '=', name).execute();
      return 'deleted' as const;
    });
  }

  async setBucketTags(name: string, tags: Tag[] | undefined) {
    const r = await this.db.updateTable('buckets').set({ tags: tags ? JSON.stringify(tags) : null }).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setBucketNotification(name: string, config: NotificationConfiguration | undefined) {
    const r = await this.db.updateTable('buckets').set({ notification: config ? JSON.stringify(config) : null }).where('name', '=', name).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async object(bucket: string, key: string) {
    const row = await this.db.selectFrom('objects').selectAll().where('bucket', '=', bucket).where('key', '=', key).executeTakeFirst();
    return row && toObject(row);
  }

  putObject(object: ObjectRecord, outbox: Outbox) {
    return withinTransaction(this.db, async (tx) => {
      const bucket = await tx.selectFrom('buckets').select('notification').where('name', '=', object.bucket).executeTakeFirst();
      if (!bucket) return undefined;
      const old = await tx.selectFrom('objects').select('blobs').where('bucket', '=', object.bucket).where('key', '=', object.key).executeTakeFirst();
      const row = objectRow(object);
      await tx.insertInto('objects').values(row).onConflict((oc) => oc.columns(['bucket', 'key']).doUpdateSet(row)).execute();
      await queue(tx, outbox, bucket.notification);
      const kept = new Set(object.blobs.map((b) => b.id));
      return { freed: old ? blobIdsOf(old.blobs).filter((id) => !kept.has(id)) : [] };
    });
  }

  deleteObjects(bucket: string, keys: readonly string[], outbox: (key: string) => Outbox) {
    return withinTransaction(this.db, async (tx) => {
      const b = await tx.selectFrom('buckets').select('notification').where('name', '=', bucket).executeTakeFirst();
      if (!b) return undefined;
      const freed: string[] = [];
      const existed: boolean[] = [];
      for (const key of keys) {
        const old = await tx.deleteFrom('objects').where('bucket', '=', bucket).where('key', '=', key).returning('blobs').executeTakeFirst();
        existed.push(old !== undefined);
        if (!old) continue;
        freed.push(...blobIdsOf(old.blobs));
        await queue(tx, outbox(key), b.notification);
      }
      return { freed, existed };
    });
  }

  async setObjectTags(bucket: string, key: string, tags: Tag[]) {
    const r = await this.db.updateTable('objects').set({ tags: JSON.stringify(tags) }).where('bucket', '=', bucket).where('key', '=', key).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listObjects(bucket: string, opts: { prefix: string; after: string; limit: number }) {
    const from = opts.prefix > opts.after ? opts.prefix : opts.after;
    let q = this.db.selectFrom('objects').selectAll().where('bucket', '=', bucket).orderBy('key').limit(opts.limit);
    q = from === opts.after ? q.where('key', '>', from) : q.where('key', '>=', from);
    const rows = await q.execute();
    // Keys with the prefix are one run in byte order: the first key without it ends the run.
    const end = rows.findIndex((r) => !r.key.startsWith(opts.prefix));
    return (end === -1 ? rows : rows.slice(0, end)).map(toObject);
  }

  async createUpload(u: UploadRecord) {
    return withinTransaction(this.db, async (tx) => {
      if (!(await tx.selectFrom('buckets').select('name').where('name', '=', u.bucket).executeTakeFirst())) return false;
      await tx.insertInto('multipart_uploads').values({ upload_id: u.uploadId, bucket: u.bucket, key: u.key, initiated: u.initiated, settings: JSON.stringify(u.settings) }).execute();
      return true;
    });
  }

  async upload(uploadId: string) {
    const row = await this.db.selectFrom('multipart_uploads').selectAll().where('upload_id', '=', uploadId).executeTakeFirst();
    return row && toUpload(row);
  }

  async uploads(bucket: string, opts: { prefix: string; afterKey: string; afterUploadId: string; limit: number }) {
    const rows = await this.db
      .selectFrom('multipart_uploads')
      .selectAll()
      .where('bucket', '=', bucket)
      .where((eb) => eb.or([eb('key', '>', opts.afterKey), eb.and([eb('key', '=', opts.afterKey), eb('upload_id', '>', opts.afterUploadId)])]))
      .orderBy('key')
      .orderBy('initiated')
      .orderBy('upload_id')
      .execute();
    return rows.filter((r) => r.key.startsWith(opts.prefix)).slice(0, opts.limit).map(toUpload);
  }

  putPart(p: PartRecord) {
    return withinTransaction(this.db, async (tx) => {
      if (!(await tx.selectFrom('multipart_uploads').select('upload_id').where('upload_id', '=', p.uploadId).executeTakeFirst())) return undefined;
      const old = await tx.selectFrom('multipart_parts').select('blob_id').where('upload_id', '=', p.uploadId).where('part_number', '=', p.partNumber).executeTakeFirst();
      const row: PartRow = { upload_id: p.uploadId, part_number: p.partNumber, blob_id: p.blobId, size: p.size, etag: p.etag, checksums: JSON.stringify(p.checksums), last_modified: p.lastModified };
      await tx.insertInto('multipart_parts').values(row).onConflict((oc) => oc.columns(['upload_id', 'part_number']).doUpdateSet(row)).execute();
      return { freed: old ? [old.blob_id] : [] };
    });
  }

  async parts(uploadId: string, afterPart = 0, limit = 10_000) {
    const rows = await this.db.selectFrom('multipart_parts').selectAll().where('upload_id', '=', uploadId).where('part_number', '>', afterPart).orderBy('part_number').limit(limit).execute();
    return rows.map(toPart);
  }

  completeUpload(uploadId: string, object: ObjectRecord, partNumbers: readonly number[], outbox: Outbox) {
    return withinTransaction(this.db, async (tx) => {
      const upload = await tx.selectFrom('multipart_uploads').select('upload_id').where('upload_id', '=', uploadId).executeTakeFirst();
      if (!upload) return undefined;
      const store = new SqlObjectStore(tx);
      const used = new Set(partNumbers);
      const unused = (await store.parts(uploadId)).filter((p) => !used.has(p.partNumber)).map((p) => p.blobId);
      await tx.deleteFrom('multipart_parts').where('upload_id', '=', uploadId).execute();
      await tx.deleteFrom('multipart_uploads').where('upload_id', '=', uploadId).execute();
      const put = await store.putObject(object, outbox);
      if (!put) return undefined;
      return { freed: [...unused, ...put.freed] };
    });
  }

  abortUpload(uploadId: string) {
    return withinTransaction(this.db, async (tx) => {
      const upload = await tx.deleteFrom('multipart_uploads').where('upload_id', '=', uploadId).returning('upload_id').executeTakeFirst();
      if (!upload) return undefined;
      const parts = await tx.deleteFrom('multipart_parts').where('upload_id', '=', uploadId).returning('blob_id').execute();
      return { freed: parts.map((p) => p.blob_id) };
    });
  }

  async blobIds() {
    const ids = new Set<string>();
    for (const row of await this.db.selectFrom('objects').select('blobs').execute()) for (const id of blobIdsOf(row.blobs)) ids.add(id);
    for (const row of await this.db.selectFrom('multipart_parts').select('blob_id').execute()) ids.add(row.blob_id);
    return ids;
  }
}

function toBucket(r: MetadataTables['buckets']): BucketRecord {
  return {
    name: r.name,
    region: r.region,
    createdAt: Number(r.created_at),
    ...(r.tags !== null ? { tags: JSON.parse(r.tags) } : {}),
    ...(r.notification !== null ? { notification: JSON.parse(r.notification) } : {}),
  };
}

const blobIdsOf = (json: string): string[] => (JSON.parse(json) as { id: string }[]).map((b) => b.id);

/** The next sequencer (hex, growing with every change) and the events it fires, in the change's transaction. */
async function queue(tx: MetadataDb, outbox: Outbox, notification: string | null): Promise<void> {
  const next = await tx.updateTable('object_sequence').set((eb) => ({ value: eb('value', '+', 1) })).where('id', '=', 1).returning('value').executeTakeFirstOrThrow();
  const events = outbox(Number(next.value).toString(16).toUpperCase().padStart(16, '0'), notification === null ? undefined : JSON.parse(notification));
  const queueStore = new SqlAsyncEventStore(tx);
  for (const e of events) await queueStore.enqueue(e);
}
