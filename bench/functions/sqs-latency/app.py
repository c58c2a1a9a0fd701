# The benchmark's consumer: for each SQS batch, how long each message took from its send (the
# `t` in its body, milliseconds) to the handler, sent as one message to the `latencies` queue.
import json
import time

import boto3

sqs = boto3.client('sqs')
url = None


def handler(event, context):
    global url
    now = time.time() * 1000
    if url is None:
        url = sqs.get_queue_url(QueueName='latencies')['QueueUrl']
    lat = [now - json.loads(r['body'])['t'] for r in event['Records']]
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(lat))
    return {}
