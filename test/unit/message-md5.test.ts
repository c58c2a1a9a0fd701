// SQS's MD5OfMessageAttributes encoding, against digests that AWS returned for these attributes
// (as pinned by moto's SQS tests), since neither boto3 nor @aws-sdk/client-sqs verifies it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { md5Hex, md5OfAttributes } from '../../src/queues/message-md5.js';

test('a single Number attribute digests as on AWS', () => {
  for (const [name, value, digest] of [
    ['timestamp', '1493147359900', '235c5c510d26fb653d073faed50ae77c'],
    ['timestamp', '1493147359901', '994258b45346a2cc3f9cbb611aa7af30'],
    ['SOME_Valid.attribute-Name', '1493147359900', '36655e7e9d7c0e8479fa3f3f42247ae7'],
  ]) {
    assert.equal(md5OfAttributes({ [name]: { DataType: 'Number', StringValue: value } }), digest, name);
  }
});

test('string, binary (transport 2), number and non-ASCII attributes digest in order of name', () => {
  const attributes = {
    ccc: { DataType: 'String', StringValue: 'testjunk' },
    aaa: { DataType: 'Binary', BinaryValue: Buffer.from([2, 3, 4]).toString('base64') },
    zzz: { DataType: 'Number', StringValue: '0230.01' },
    öther_encodings: { DataType: 'String', StringValue: 'Tüst' },
  };
  assert.equal(md5OfAttributes(attributes), '8ae21a7957029ef04146b42aeaa18a22');
  assert.equal(md5OfAttributes({}), undefined);
  assert.equal(md5Hex('derp'), '58fd9edd83341c29f1aebba81c31e257');
});
