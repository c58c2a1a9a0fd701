// S3 uploads as boto3 and botocore send them, to a test endpoint running the S3 service's checks
// (test/helpers/s3-upload-checker.ts): put_object with its default CRC32 header, SHA1, a wrong
// Content-MD5, botocore's own aws-chunked trailer body, a presigned PUT, and an aws-chunked
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD upload whose seed and chunk signatures botocore computes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { checksumOf } from '../../src/api/s3/checksums.js';
import { startUploadChecker, type UploadChecker } from '../helpers/s3-upload-checker.js';

const KEY = { accessKeyId: 'GKIAS3BOTOCORETESTKY', secretAccessKey: 'Ym90b2NvcmUtc2VjcmV0' };

const SCRIPT = `
import base64, hashlib, io, json, sys
import boto3, botocore, requests
import botocore.httpchecksum as httpchecksum
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

akid, secret, endpoint = sys.argv[1:4]
data = bytes(range(256)) * 400
sha = lambda b: hashlib.sha256(b).hexdigest()
s3 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=akid, aws_secret_access_key=secret, region_name="us-east-1",
                  config=Config(retries={"total_max_attempts": 1}, s3={"addressing_style": "path"}))

def code(call):
    try:
        call()
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]

out = {}
out["put"] = code(lambda: s3.put_object(Bucket="bucket", Key="boto", Body=data))
out["put-sha1"] = code(lambda: s3.put_object(Bucket="bucket", Key="boto", Body=data, ChecksumAlgorithm="SHA1"))
wrong_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
out["put-wrong-md5"] = code(lambda: s3.put_object(Bucket="bucket", Key="boto", Body=data, ContentMD5=wrong_md5))

# botocore sends its checksum as an aws-chunked trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER) only
# over TLS: let it believe this endpoint is TLS, so that its own AwsChunkedWrapper frames the body.
real_urlparse = httpchecksum.urlparse
httpchecksum.urlparse = lambda url, *a: real_urlparse(url.replace("http://", "https://", 1), *a)
out["put-trailer"] = code(lambda: s3.put_object(Bucket="bucket", Key="boto-trailer", Body=io.BytesIO(data)))
httpchecksum.urlparse = real_urlparse

url = s3.generate_presigned_url("put_object", Params={"Bucket": "bucket", "Key": "presigned"}, ExpiresIn=300)
out["presigned-v2-put"] = requests.put(url, data=data).status_code  # boto3 presigns S3 with SigV2 unless told otherwise
v4 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=akid, aws_secret_access_key=secret, region_name="us-east-1",
                  config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
url = v4.generate_presigned_url("put_object", Params={"Bucket": "bucket", "Key": "presigned"}, ExpiresIn=300)
out["presigned-put"] = requests.put(url, data=data).status_code

class StreamingAuth(S3SigV4Auth):
    def payload(self, request):
        return "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"

def chunked(tamper):
    request = AWSRequest(method="PUT", url=endpoint + "/bucket/boto-chunked", headers={"Content-Encoding": "aws-chunked", "x-amz-decoded-content-length": str(len(data))})
    auth = StreamingAuth(Credentials(akid, secret), "s3", "us-east-1")
    auth.add_auth(request)
    previous = request.headers["Authorization"].split("Signature=")[1]
    timestamp, scope = request.context["timestamp"], auth.credential_scope(request)
    wire = b""
    for chunk in [data[i:i + 65536] for i in range(0, len(data), 65536)] + [b""]:
        previous = auth.signature("\\n".join(["AWS4-HMAC-SHA256-PAYLOAD", timestamp, scope, previous, sha(b""), sha(chunk)]), request)
        wire += ("%x;chunk-signature=%s\\r\\n" % (len(chunk), previous)).encode() + chunk + b"\\r\\n"
    if tamper:
        wire = wire.replace(bytes([5, 6, 7]), bytes([5, 6, 8]), 1)
    response = requests.put(request.url, data=wire, headers=dict(request.headers.items()))
    return [response.status_code, response.text.split("<Code>")[1].split("</Code>")[0] if response.status_code != 200 else "ok"]

out["chunked"] = chunked(False)
out["chunked-tampered"] = chunked(True)
print(json.dumps(out))
`;

let checker: UploadChecker;
before(async () => {
  checker = await startUploadChecker(KEY);
});
after(() => checker.close());

test('boto3 and botocore uploads: checksum headers, Content-MD5, aws-chunked trailer, presigned PUT, signed chunks', { timeout: 120_000 }, async () => {
  const { stdout } = await promisify(execFile)('python3', ['-c', SCRIPT, KEY.accessKeyId, KEY.secretAccessKey, checker.endpoint]);
  const out = JSON.parse(stdout);
  assert.deepEqual(out, {
    put: 'ok',
    'put-sha1': 'ok',
    'put-wrong-md5': 'BadDigest',
    'put-trailer': 'ok',
    'presigned-v2-put': 400,
    'presigned-put': 200,
    chunked: [200, 'ok'],
    'chunked-tampered': [403, 'SignatureDoesNotMatch'],
  });
  const data = Buffer.from(Array.from({ length: 400 }, () => Array.from({ length: 256 }, (_, i) => i)).flat());
  const sha256 = createHash('sha256').update(data).digest('hex');
  const modes = checker.seen.map((s) => [s.url.split('?')[0], s.mode, s.error ?? (s.sha256 === sha256 ? 'same bytes' : 'other bytes')]);
  assert.deepEqual(modes, [
    ['/bucket/boto', 'sha256', 'same bytes'],
    ['/bucket/boto', 'sha256', 'same bytes'],
    ['/bucket/boto', 'sha256', 'BadDigest'],
    ['/bucket/boto-trailer', 'chunked-trailer', 'same bytes'],
    ['/bucket/presigned', undefined, 'InvalidRequest'],
    ['/bucket/presigned', 'unsigned', 'same bytes'],
    ['/bucket/boto-chunked', 'chunked-signed', 'same bytes'],
    ['/bucket/boto-chunked', 'chunked-signed', 'SignatureDoesNotMatch'],
  ]);
  assert.deepEqual(checker.seen[0].checksums, { CRC32: checksumOf('CRC32', data) });
  assert.deepEqual(checker.seen[1].checksums, { SHA1: checksumOf('SHA1', data) });
  assert.deepEqual(checker.seen[3].trailers, { 'x-amz-checksum-crc32': checksumOf('CRC32', data) });
});
