# Copies every object uploaded to a bucket into `processed-bucket`, under the same key: the
# classic upload trigger, exactly as it is written for AWS Lambda. On Gust, boto3 reaches Gust's
# S3 store through AWS_ENDPOINT_URL and the function's own credentials, which Gust sets.
import urllib.parse

import boto3

s3 = boto3.client('s3')


def handler(event, context):
    for record in event['Records']:
        bucket = record['s3']['bucket']['name']
        # S3 URL-encodes keys in events (a space arrives as '+').
        key = urllib.parse.unquote_plus(record['s3']['object']['key'])
        s3.copy_object(Bucket='processed-bucket', Key=key, CopySource={'Bucket': bucket, 'Key': key})
        print(f'copied s3://{bucket}/{key} to s3://processed-bucket/{key}')
    return {'copied': len(event['Records'])}
