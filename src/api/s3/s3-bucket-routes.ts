// S3's bucket operations on the wire: Create/Delete/Head bucket, ListBuckets, GetBucketLocation,
// bucket tagging and notification configuration; and object tagging, which shares the Tagging XML.
import type { Objects } from '../../control/objects/objects.js';
import { checkTags } from '../../control/objects/object-rules.js';
import { GustError } from '../../errors.js';
import type { Tag } from '../../storage/object-records.js';
import type { OperationContext } from '../service.js';
import { doc, el, isoDate, parseXml, readSmallPayload, sendEmpty, sendXml } from './s3-xml.js';

const OWNER = el('Owner', el('ID', 'gust'), el('DisplayName', 'gust'));

export class S3BucketRoutes {
  constructor(private readonly objects: Objects, private readonly region: string) {}

  async create(ctx: OperationContext): Promise<void> {
    const body = await readSmallPayload(ctx);
    const location = body.length === 0 ? undefined : String(parseXml(body, 'CreateBucketConfiguration').LocationConstraint ?? '');
    await this.objects.createBucket(ctx.params.Bucket, location);
    sendEmpty(ctx.res, ctx.requestId, 200, { Location: `/${ctx.params.Bucket}` });
  }

  async delete(ctx: OperationContext): Promise<void> {
    await this.objects.deleteBucket(ctx.params.Bucket);
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async head(ctx: OperationContext): Promise<void> {
    await this.objects.bucket(ctx.params.Bucket);
    sendEmpty(ctx.res, ctx.requestId, 200, { 'x-amz-bucket-region': this.region });
  }

  async list(ctx: OperationContext): Promise<void> {
    const buckets = await this.objects.deps.store.buckets();
    sendXml(ctx.res, ctx.requestId, doc('ListAllMyBucketsResult', el('Buckets', buckets.map((b) => el('Bucket', el('Name', b.name), el('CreationDate', isoDate(b.createdAt))))), OWNER));
  }

  async location(ctx: OperationContext): Promise<void> {
    const bucket = await this.objects.bucket(ctx.params.Bucket);
    // us-east-1 answers an empty LocationConstraint, as S3 does.
    sendXml(ctx.res, ctx.requestId, doc('LocationConstraint', bucket.region === 'us-east-1' ? '' : bucket.region));
  }

  async getTagging(ctx: OperationContext): Promise<void> {
    const bucket = await this.objects.bucket(ctx.params.Bucket);
    if (!bucket.tags) throw new GustError('NoSuchTagSet', 'The TagSet does not exist', { BucketName: bucket.name });
    sendXml(ctx.res, ctx.requestId, taggingXml(bucket.tags));
  }

  async putTagging(ctx: OperationContext): Promise<void> {
    const tags = parseTagging(await readSmallPayload(ctx), 50);
    await this.objects.setBucketTags(ctx.params.Bucket, tags);
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async deleteTagging(ctx: OperationContext): Promise<void> {
    await this.objects.setBucketTags(ctx.params.Bucket, undefined);
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async getObjectTagging(ctx: OperationContext): Promise<void> {
    const object = await this.objects.object(ctx.params.Bucket, ctx.params.Key);
    sendXml(ctx.res, ctx.requestId, taggingXml(object.tags));
  }

  async putObjectTagging(ctx: OperationContext): Promise<void> {
    await this.objects.setTags(ctx.params.Bucket, ctx.params.Key, parseTagging(await readSmallPayload(ctx), 10));
    sendEmpty(ctx.res, ctx.requestId, 200);
  }

  async deleteObjectTagging(ctx: OperationContext): Promise<void> {
    await this.objects.setTags(ctx.params.Bucket, ctx.params.Key, []);
    sendEmpty(ctx.res, ctx.requestId, 204);
  }

  async putNotification(ctx: OperationContext): Promise<void> {
    await this.objects.setNotification(ctx.params.Bucket, (await readSmallPayload(ctx)).toString('utf8'));
    sendEmpty(ctx.res, ctx.requestId, 200);
  }

  async getNotification(ctx: OperationContext): Promise<void> {
    const xml = await this.objects.notificationXml(ctx.params.Bucket);
    sendXml(ctx.res, ctx.requestId, xml.startsWith('<?xml') ? xml : `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`);
  }
}

const taggingXml = (tags: Tag[]) => doc('Tagging', el('TagSet', tags.map((t) => el('Tag', el('Key', t.Key), el('Value', t.Value)))));

function parseTagging(body: Buffer, max: number): Tag[] {
  const tagging = parseXml(body, 'Tagging');
  const set = tagging.TagSet as Record<string, unknown> | string | undefined;
  if (set === undefined) throw new GustError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  const list = typeof set === 'object' ? ((set.Tag as Record<string, unknown>[] | undefined) ?? []) : [];
  const tags = list.map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
  checkTags(tags, max);
  return tags;
}
