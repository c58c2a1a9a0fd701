// The records the object store keeps: buckets, objects (an ordered list of blobs), multipart
// uploads and their parts, as the S3 operations see them.
import type { NotificationConfiguration } from '../control/objects/object-change.js';
import type { NewAsyncEvent } from './async-event-store.js';
import type { BlobRef } from './blob-store.js';

export interface Tag {
  Key: string;
  Value: string;
}

export interface BucketRecord {
  name: string;
  region: string;
  createdAt: number;
  tags?: Tag[];
  notification?: NotificationConfiguration;
}

/** What an object carries besides its bytes: stored at PUT (or multipart creation), returned on GET. */
export interface ObjectSettings {
  /** Content-Type, Content-Encoding, Content-Disposition, Content-Language, Cache-Control, Expires. */
  headers: Record<string, string>;
  /** x-amz-meta-* without the prefix, names lower-case. */
  metadata: Record<string, string>;
  tags: Tag[];
}

export interface ObjectRecord extends ObjectSettings {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as the ETag header carries it. */
  etag: string;
  lastModified: number;
  /** Base64 (composite ones end in -N), by algorithm: CRC32, CRC32C, SHA1, SHA256, CRC64NVME. */
  checksums: Record<string, string>;
  blobs: BlobRef[];
}

export interface UploadRecord {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  settings: ObjectSettings & { checksumAlgorithm?: string };
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  blobId: string;
  size: number;
  etag: string;
  checksums: Record<string, string>;
  lastModified: number;
}

/**
 * The events a committed change fires, made inside its transaction (the outbox): given the
 * change's sequencer and the bucket's notification configuration.
 */
export type Outbox = (sequencer: string, notification: NotificationConfiguration | undefined) => NewAsyncEvent[];
