// The S3 object store's metadata: buckets, objects (each an ordered list of blobs on the blob
// store), multipart uploads with their parts, and the counter that S3 event sequencers grow from.
// Keys are compared as their UTF-8 bytes (SQLite's BINARY collation; PostgreSQL needs COLLATE "C").
import type { Kysely } from 'kysely';
import type { Migration } from '../migration.js';

async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('buckets')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // JSON: [{Key, Value}] or null (no tag set), and the NotificationConfiguration or null
    .addColumn('tags', 'text')
    .addColumn('notification', 'text')
    .execute();
  await db.schema.createTable('objects')
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    // JSON: content headers ({Content-Type: ...}), user metadata ({name: value}), checksums
    // ({CRC32: base64}), tags ([{Key, Value}]) and the blobs ([{id, size}]) in order
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('checksums', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('blobs', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('objects_pk', ['bucket', 'key'])
    .execute();
  await db.schema.createTable('multipart_uploads')
    .addColumn('upload_id', 'text', (c) => c.primaryKey())
    .addColumn('bucket', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('initiated', 'bigint', (c) => c.notNull())
    // JSON: what CreateMultipartUpload said the object will carry (headers, metadata, tags, checksum algorithm)
    .addColumn('settings', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('multipart_uploads_by_key').on('multipart_uploads').columns(['bucket', 'key', 'initiated']).execute();
  await db.schema.createTable('multipart_parts')
    .addColumn('upload_id', 'text', (c) => c.notNull())
    .addColumn('part_number', 'integer', (c) => c.notNull())
    .addColumn('blob_id', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('checksums', 'text', (c) => c.notNull())
    .addColumn('last_modified', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('multipart_parts_pk', ['upload_id', 'part_number'])
    .execute();
  await db.schema.createTable('object_sequence')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('object_sequence').values({ id: 1, value: 0 }).execute();
}

export const objectStore: Migration = { version: 4, name: '0004_object_store', up };
