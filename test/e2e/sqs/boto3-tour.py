# Exercises Gust's SQS API with boto3; prints "ok" at the end.
# Any failed expectation raises, and the test reads the traceback.
import json, sys
import boto3
from botocore.exceptions import ClientError

sqs = boto3.client("sqs")

def code_of(fn, *args, **kw):
    try:
        fn(*args, **kw)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError("expected an error")

def count(url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"])

# Queues: create (idempotent when identical), attributes, tags, list with a prefix and pages.
url = sqs.create_queue(QueueName="tour", Attributes={"VisibilityTimeout": "40"}, tags={"team": "a"})["QueueUrl"]
assert url.endswith("/000000000000/tour"), url
assert sqs.create_queue(QueueName="tour", Attributes={"VisibilityTimeout": "40"})["QueueUrl"] == url
assert code_of(sqs.create_queue, QueueName="tour", Attributes={"VisibilityTimeout": "41"}) == "QueueAlreadyExists"
assert code_of(sqs.get_queue_url, QueueName="nope") == "AWS.SimpleQueueService.NonExistentQueue"
assert code_of(sqs.create_queue, QueueName="bad", Attributes={"Nope": "1"}) == "InvalidAttributeName"
for i in range(3):
    sqs.create_queue(QueueName=f"page-{i}")
page = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2)
assert len(page["QueueUrls"]) == 2 and "NextToken" in page, page
rest = sqs.list_queues(QueueNamePrefix="page-", MaxResults=2, NextToken=page["NextToken"])
assert [u.rsplit("/", 1)[1] for u in rest["QueueUrls"]] == ["page-2"], rest
attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
assert attrs["VisibilityTimeout"] == "40" and attrs["QueueArn"] == "arn:aws:sqs:us-east-1:000000000000:tour", attrs
sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "0", "MaximumMessageSize": "262144"})
sqs.tag_queue(QueueUrl=url, Tags={"env": "dev"})
sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}

# Messages with attributes of each type (their MD5s: test/unit/message-md5.test.ts).
attributes = {"s": {"DataType": "String", "StringValue": "x"}, "n": {"DataType": "Number", "StringValue": "42"},
              "b": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"}, "other.one": {"DataType": "String.custom", "StringValue": "y"}}
sent = sqs.send_message(QueueUrl=url, MessageBody="héllo ✓", MessageAttributes=attributes)
got = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["All"])["Messages"]
assert got[0]["Body"] == "héllo ✓" and got[0]["MessageId"] == sent["MessageId"]
assert got[0]["MessageAttributes"]["b"]["BinaryValue"] == b"\x00\x01\xff"
assert got[0]["Attributes"]["ApproximateReceiveCount"] == "1" and "SentTimestamp" in got[0]["Attributes"]
# Visibility: back to visible at once, received again with a new handle; the old handle is stale.
sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0)
again = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["other.*"], AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
assert again["Attributes"] == {"ApproximateReceiveCount": "2"} and list(again["MessageAttributes"]) == ["other.one"], again
assert code_of(sqs.delete_message, QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"]) == "ReceiptHandleIsInvalid"
assert code_of(sqs.delete_message, QueueUrl=url, ReceiptHandle="forged-handle") == "ReceiptHandleIsInvalid"
assert count(url) == 1, "a wrong receipt handle deletes nothing"
sqs.delete_message(QueueUrl=url, ReceiptHandle=again["ReceiptHandle"])
assert count(url) == 0

# Bad input: SQS's error each, and nothing lost or added.
sqs.send_message(QueueUrl=url, MessageBody="keep")
assert code_of(sqs.send_message, QueueUrl=url, MessageBody="x" * 262145) == "InvalidParameterValue"
assert code_of(sqs.send_message, QueueUrl=url, MessageBody="bad \u0000 char") == "InvalidMessageContents"
assert code_of(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "1"}, {"Id": "a", "MessageBody": "2"}]) == "AWS.SimpleQueueService.BatchEntryIdsNotDistinct"
assert code_of(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "1"} for i in range(11)]) == "AWS.SimpleQueueService.TooManyEntriesInBatchRequest"
assert code_of(sqs.send_message_batch, QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * 200000} for i in range(2)]) == "AWS.SimpleQueueService.BatchRequestTooLong"
assert code_of(sqs.receive_message, QueueUrl=url, MaxNumberOfMessages=11) == "InvalidParameterValue"
assert count(url) == 1
# A batch: each entry sent or failed on its own.
batch = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "ok", "MessageBody": "fine"}, {"Id": "bad", "MessageBody": "\u0001"}])
assert [e["Id"] for e in batch["Successful"]] == ["ok"] and batch["Failed"][0]["Code"] == "InvalidMessageContents", batch
msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
assert sorted(m["Body"] for m in msgs) == ["fine", "keep"]
deleted = sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(msgs)])
assert len(deleted["Successful"]) == 2 and deleted.get("Failed", []) == []  # Query XML has no empty lists
sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=600)
a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"]
assert a == {"ApproximateNumberOfMessagesDelayed": "1"}, a
sqs.purge_queue(QueueUrl=url)
assert count(url) == 0

# Redrive: after maxReceiveCount receives a message moves to the DLQ, and a move task brings it back.
dlq = sqs.create_queue(QueueName="tour-dlq")["QueueUrl"]
dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
src = sqs.create_queue(QueueName="tour-src", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "2"})})["QueueUrl"]
sqs.send_message(QueueUrl=src, MessageBody="poison")
for _ in range(2):
    m = sqs.receive_message(QueueUrl=src)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=src, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
assert "Messages" not in sqs.receive_message(QueueUrl=src)
assert sqs.receive_message(QueueUrl=dlq, VisibilityTimeout=0)["Messages"][0]["Body"] == "poison"
assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]
# The DLQ's RedriveAllowPolicy decides which queues may use it.
sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [dlq_arn.replace("tour-dlq", "tour-src")]})})
assert code_of(sqs.create_queue, QueueName="tour-other", Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})}) == "InvalidParameterValue"
sqs.start_message_move_task(SourceArn=dlq_arn)
tasks = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
assert tasks[0]["Status"] == "COMPLETED" and tasks[0]["ApproximateNumberOfMessagesMoved"] == 1, tasks
assert sqs.receive_message(QueueUrl=src)["Messages"][0]["Body"] == "poison"

# FIFO: order within a group, a group waits while one of its messages is in flight, deduplication.
fifo = sqs.create_queue(QueueName="tour.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})["QueueUrl"]
assert code_of(sqs.send_message, QueueUrl=fifo, MessageBody="no group") == "MissingParameter"
seqs = [sqs.send_message(QueueUrl=fifo, MessageBody=b, MessageGroupId=g)["SequenceNumber"] for g, b in [("a", "a1"), ("a", "a2"), ("b", "b1")]]
assert seqs == sorted(seqs), seqs
dup = sqs.send_message(QueueUrl=fifo, MessageBody="a1", MessageGroupId="a")
first = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=1, AttributeNames=["All"])["Messages"][0]
assert first["Body"] == "a1" and first["Attributes"]["MessageGroupId"] == "a" and dup["MessageId"] == first["MessageId"], (first, dup)
others = sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]
assert [m["Body"] for m in others] == ["b1"], others
sqs.delete_message(QueueUrl=fifo, ReceiptHandle=first["ReceiptHandle"])
assert [m["Body"] for m in sqs.receive_message(QueueUrl=fifo, MaxNumberOfMessages=10)["Messages"]] == ["a2"]

sqs.delete_queue(QueueUrl=url)
assert code_of(sqs.send_message, QueueUrl=url, MessageBody="x") == "AWS.SimpleQueueService.NonExistentQueue"
print("ok")
