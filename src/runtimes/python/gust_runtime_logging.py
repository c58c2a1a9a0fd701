# The root logger as awslambdaric sets it up: a handler printing
# `[LEVEL]\tTIMESTAMP\tREQUEST_ID\tmessage` to stdout. Imported when the function imports logging.
import sys
import time


def install(logging, current_request_id):
    """Gives the root logger Lambda's handler (so logging.basicConfig() is a no-op, and the
    root level stays WARNING unless the function changes it). `current_request_id()` is the
    invocation in hand, or "" during init."""
    logging.Formatter.converter = time.gmtime

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = current_request_id()
            return True

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            text = self.format(record)
            if text.endswith("\n"):
                text = text[:-1]
            # One record, one line: Gust's log capture splits on newlines (Lambda frames records).
            sys.stdout.write(text.replace("\n", "\r") + "\n")

    handler = LambdaLoggerHandler()
    handler.setFormatter(
        logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(LambdaLoggerFilter())
    logging.getLogger().addHandler(handler)
