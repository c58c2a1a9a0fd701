// Copies every object uploaded to a bucket into `processed-bucket`, under the same key, with the
// AWS SDK for JavaScript v3. On Gust the SDK reaches Gust's S3 store through AWS_ENDPOINT_URL and
// the function's own credentials, which Gust sets; forcePathStyle keeps bucket names out of the
// host name (http://127.0.0.1:9000/bucket/key), and changes nothing that matters on AWS.
import { CopyObjectCommand, S3Client } from '@aws-sdk/client-s3';

const s3 = new S3Client({ forcePathStyle: true });

export const handler = async (event) => {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    // S3 URL-encodes keys in events (a space arrives as '+').
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    // CopySource is "bucket/key", URL-encoded, as S3's x-amz-copy-source header wants it.
    await s3.send(new CopyObjectCommand({ Bucket: 'processed-bucket', Key: key, CopySource: `${bucket}/${encodeURIComponent(key)}` }));
    console.log(`copied s3://${bucket}/${key} to s3://processed-bucket/${key}`);
  }
  return { copied: event.Records.length };
};
