# Writes a Query-protocol variant of botocore's SQS model (sqs/2012-11-05/service-2.json) under the
# directory given, for AWS_DATA_PATH: boto3 then speaks the Query protocol (form posts, XML answers)
# as SQS clients did before the JSON protocol, with the flattened names of the old Query model.
import gzip, json, os, sys
import botocore

src = os.path.join(os.path.dirname(botocore.__file__), "data", "sqs", "2012-11-05", "service-2.json.gz")
model = json.load(gzip.open(src))
meta = model["metadata"]
for key in ("jsonVersion", "targetPrefix", "awsQueryCompatible"):
    meta.pop(key, None)
meta.update(protocol="query", protocols=["query"], xmlNamespace="http://queue.amazonaws.com/doc/2012-11-05/")
for name, op in model["operations"].items():
    if "output" in op:
        op["output"]["resultWrapper"] = f"{name}Result"

shapes = model["shapes"]
LIST_MEMBERS = {"AttributeNameList": "AttributeName", "MessageAttributeNameList": "MessageAttributeName",
                "MessageSystemAttributeList": "MessageSystemAttributeName", "TagKeyList": "TagKey",
                "QueueUrlList": "QueueUrl", "MessageList": "Message", "StringList": "StringListValue", "BinaryList": "BinaryListValue"}
MAP_MEMBERS = {"QueueAttributeMap": "Attribute", "MessageSystemAttributeMap": "Attribute", "MessageBodyAttributeMap": "MessageAttribute",
               "MessageBodySystemAttributeMap": "MessageSystemAttribute", "TagMap": "Tag"}
for name, shape in shapes.items():
    if shape["type"] == "list" and shape.get("flattened"):
        shape["member"]["locationName"] = LIST_MEMBERS.get(name, name[:-4] if name.endswith("List") else name)
    if shape["type"] == "map":
        shape["key"]["locationName"] = "Key" if name == "TagMap" else "Name"
        shape["value"]["locationName"] = "Value"
for shape in shapes.values():
    if shape["type"] != "structure":
        continue
    for member in shape["members"].values():
        target = shapes[member["shape"]]
        if target["type"] == "list" and target.get("flattened"):
            member["locationName"] = target["member"]["locationName"]
            member["flattened"] = True
        elif target["type"] == "map":
            member["locationName"] = MAP_MEMBERS[member["shape"]]
            member["flattened"] = True

out = os.path.join(sys.argv[1], "sqs", "2012-11-05")
os.makedirs(out, exist_ok=True)
json.dump(model, open(os.path.join(out, "service-2.json"), "w"))
