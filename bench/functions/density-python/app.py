# Holds its instance busy for event["ms"] (30 s by default), for bench/density.ts.
import time


def handler(event, context):
    ms = event.get("ms", 30000)
    time.sleep(ms / 1000)
    return {"slept": ms}
