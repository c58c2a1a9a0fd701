// The S3 service: REST-XML, signed for `s3`, addressed path-style or virtual-host-style (the
// dispatcher finds the bucket and key). resolve() names the operation from the method, whether a
// bucket and key are given, the query's subresources and x-amz-copy-source, as S3 does.
import { GustError } from '../../errors.js';
import type { XmlAddress, XmlOperation, XmlService } from '../service.js';
import type { S3BucketRoutes } from './s3-bucket-routes.js';
import type { S3ListRoutes } from './s3-list-routes.js';
import type { S3MultipartRoutes } from './s3-multipart-routes.js';
import type { S3ObjectRoutes } from './s3-object-routes.js';

export interface S3Api {
  buckets: S3BucketRoutes;
  objects: S3ObjectRoutes;
  lists: S3ListRoutes;
  multipart: S3MultipartRoutes;
}

/** Subresources Gust does not serve: named, so that they answer NotImplemented instead of acting as a plain GET/PUT. */
const UNSUPPORTED = ['acl', 'policy', 'cors', 'lifecycle', 'versioning', 'versions', 'website', 'logging', 'replication', 'encryption', 'object-lock', 'retention', 'legal-hold', 'accelerate', 'requestPayment', 'analytics', 'metrics', 'inventory', 'intelligent-tiering', 'ownershipControls', 'publicAccessBlock', 'policyStatus', 'restore', 'select', 'torrent', 'attributes', 'notification-configuration'];

export function resolveS3(a: XmlAddress): string | undefined {
  const has = (name: string) => a.query.has(name);
  const unsupported = UNSUPPORTED.find(has);
  if (unsupported) return `(${unsupported})`;
  if (a.bucket === undefined) return a.method === 'GET' ? 'ListBuckets' : undefined;
  if (a.key === undefined) {
    switch (a.method) {
      case 'PUT':
        return has('tagging') ? 'PutBucketTagging' : has('notification') ? 'PutBucketNotificationConfiguration' : 'CreateBucket';
      case 'DELETE':
        return has('tagging') ? 'DeleteBucketTagging' : 'DeleteBucket';
      case 'HEAD':
        return 'HeadBucket';
      case 'POST':
        return has('delete') ? 'DeleteObjects' : undefined;
      case 'GET':
        if (has('tagging')) return 'GetBucketTagging';
        if (has('notification')) return 'GetBucketNotificationConfiguration';
        if (has('location')) return 'GetBucketLocation';
        if (has('uploads')) return 'ListMultipartUploads';
        return a.query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    }
    return undefined;
  }
  switch (a.method) {
    case 'PUT':
      if (has('tagging')) return 'PutObjectTagging';
      if (has('partNumber') && has('uploadId')) return a.headers['x-amz-copy-source'] !== undefined ? 'UploadPartCopy' : 'UploadPart';
      return a.headers['x-amz-copy-source'] !== undefined ? 'CopyObject' : 'PutObject';
    case 'GET':
      if (has('tagging')) return 'GetObjectTagging';
      if (has('uploadId')) return 'ListParts';
      return 'GetObject';
    case 'HEAD':
      return 'HeadObject';
    case 'DELETE':
      if (has('tagging')) return 'DeleteObjectTagging';
      if (has('uploadId')) return 'AbortMultipartUpload';
      return 'DeleteObject';
    case 'POST':
      if (has('uploads')) return 'CreateMultipartUpload';
      if (has('uploadId')) return 'CompleteMultipartUpload';
      return undefined;
  }
  return undefined;
}

export function s3Service(api: S3Api): XmlService {
  const { buckets, objects, lists, multipart } = api;
  const op = (name: string, handle: XmlOperation['handle'], streamsBody = false): XmlOperation => ({ name, handle, streamsBody });
  return {
    name: 's3',
    protocol: 'rest-xml',
    signingServices: ['s3'],
    defaultBodyLimit: { bytes: 1024 * 1024, message: 'Your request was too big.' },
    unknownOperation: (what) =>
      /^[A-Z(]/.test(what) && !what.includes(' ')
        ? new GustError('NotImplemented', `A header or query you provided implies functionality that is not implemented: ${what.slice(0, 100)}.`)
        : new GustError('MethodNotAllowed', `The specified method is not allowed against this resource: ${what.slice(0, 100)}.`, { Method: what.split(' ')[0], ResourceType: what.endsWith('the service') ? 'SERVICE' : what.endsWith('a bucket') ? 'BUCKET' : 'OBJECT' }),
    badEncoding: (path) => new GustError('InvalidArgument', `The request path is not valid percent-encoding: ${path.slice(0, 200)}`),
    resolve: resolveS3,
    operations: [
      op('ListBuckets', (ctx) => buckets.list(ctx)),
      op('CreateBucket', (ctx) => buckets.create(ctx)),
      op('DeleteBucket', (ctx) => buckets.delete(ctx)),
      op('HeadBucket', (ctx) => buckets.head(ctx)),
      op('GetBucketLocation', (ctx) => buckets.location(ctx)),
      op('GetBucketTagging', (ctx) => buckets.getTagging(ctx)),
      op('PutBucketTagging', (ctx) => buckets.putTagging(ctx)),
      op('DeleteBucketTagging', (ctx) => buckets.deleteTagging(ctx)),
      op('GetBucketNotificationConfiguration', (ctx) => buckets.getNotification(ctx)),
      op('PutBucketNotificationConfiguration', (ctx) => buckets.putNotification(ctx)),
      op('ListObjects', (ctx) => lists.listV1(ctx)),
      op('ListObjectsV2', (ctx) => lists.listV2(ctx)),
      op('PutObject', (ctx) => objects.put(ctx), true),
      op('GetObject', (ctx) => objects.get(ctx)),
      op('HeadObject', (ctx) => objects.get(ctx, true)),
      op('DeleteObject', (ctx) => objects.delete(ctx)),
      op('DeleteObjects', (ctx) => objects.deleteMany(ctx)),
      op('CopyObject', (ctx) => objects.copy(ctx)),
      op('GetObjectTagging', (ctx) => buckets.getObjectTagging(ctx)),
      op('PutObjectTagging', (ctx) => buckets.putObjectTagging(ctx)),
      op('DeleteObjectTagging', (ctx) => buckets.deleteObjectTagging(ctx)),
      op('CreateMultipartUpload', (ctx) => multipart.create(ctx)),
      op('UploadPart', (ctx) => multipart.uploadPart(ctx), true),
      op('UploadPartCopy', (ctx) => multipart.uploadPartCopy(ctx)),
      op('CompleteMultipartUpload', (ctx) => multipart.complete(ctx)),
      op('AbortMultipartUpload', (ctx) => multipart.abort(ctx)),
      op('ListParts', (ctx) => multipart.listParts(ctx)),
      op('ListMultipartUploads', (ctx) => multipart.listUploads(ctx)),
    ],
  };
}
