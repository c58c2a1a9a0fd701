# For bench/density.ts: waits until the bench releases every call at once (so that all N
# instances are busy together however long the ramp took), then holds its instance event["ms"].
# A bare socket, not urllib: its imports would add their own megabytes to what is measured.
import socket
import time


def handler(event, context):
    if event.get("releasePort"):
        with socket.create_connection(("127.0.0.1", event["releasePort"])) as s:
            while s.recv(64):
                pass
    ms = event.get("ms", 30000)
    time.sleep(ms / 1000)
    return {"slept": ms}
