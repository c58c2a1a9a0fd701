# Takes a job from an HTTP request and puts it on the jobs queue, whose URL the template passes in.
import json
import os
import uuid

import boto3

sqs = boto3.client('sqs')


def handler(event, context):
    job = json.loads(event.get('body') or '{}')
    job.setdefault('id', str(uuid.uuid4()))
    sqs.send_message(QueueUrl=os.environ['QUEUE_URL'], MessageBody=json.dumps(job))
    return {'statusCode': 202, 'body': json.dumps({'queued': job['id']})}
