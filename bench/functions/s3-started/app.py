# Bench function: notes when it started (epoch ms) for each uploaded key, in the `bench-starts`
# bucket, so the bench can measure upload → function started from the function's own clock.
import time

import boto3

s3 = boto3.client('s3')


def handler(event, context):
    started = time.time() * 1000
    for record in event['Records']:
        s3.put_object(Bucket='bench-starts', Key=record['s3']['object']['key'], Body=repr(started).encode())
