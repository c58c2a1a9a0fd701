# The root logger as awslambdaric sets it up: a handler printing
# `[LEVEL]\tTIMESTAMP\tREQUEST_ID\tmessage` to stdout, or with AWS_LAMBDA_LOG_FORMAT=JSON one JSON
# object per record ({"timestamp","level","message","logger","requestId",...}) and the root level
# taken from AWS_LAMBDA_LOG_LEVEL. Imported when the function imports logging.
import sys
import time
from posix import environ

_RESERVED = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module", "exc_info", "exc_text",
    "stack_info", "lineno", "funcName", "created", "msecs", "relativeCreated", "thread", "threadName",
    "processName", "process", "aws_request_id", "tenant_id", "taskName",
}


def _env(name):
    return (environ.get(name.encode()) or b"").decode().upper()


def is_json():
    return _env("AWS_LAMBDA_LOG_FORMAT") == "JSON"


def json_timestamp(created):
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(created)) + ".%03dZ" % (int(created * 1000) % 1000)


def install(logging, current_request_id):
    """Gives the root logger Lambda's handler (so logging.basicConfig() is a no-op, and the
    root level stays WARNING unless the function or AWS_LAMBDA_LOG_LEVEL changes it).
    `current_request_id()` is the invocation in hand, or "" during init."""
    logging.Formatter.converter = time.gmtime

    class LambdaLoggerFilter(logging.Filter):
        def filter(self, record):
            record.aws_request_id = current_request_id()
            return True

    class JsonFormatter(logging.Formatter):
        def format(self, record):
            import json
            import traceback

            levelno = min(50, max(0, record.levelno)) // 10 * 10
            exc = record.exc_info
            result = {
                "timestamp": json_timestamp(record.created),
                "level": logging.getLevelName(levelno),
                "message": record.getMessage(),
                "logger": record.name,
                "stackTrace": traceback.format_tb(exc[2]) if exc else None,
                "errorType": exc[0].__name__ if exc else None,
                "errorMessage": str(exc[1]) if exc else None,
                "requestId": getattr(record, "aws_request_id", None),
                "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if exc else None,
            }
            result.update((k, v) for k, v in record.__dict__.items() if k not in _RESERVED and k not in result)
            return json.dumps({k: v for k, v in result.items() if v is not None}, ensure_ascii=False, default=str)

    class LambdaLoggerHandler(logging.Handler):
        def emit(self, record):
            text = self.format(record)
            if text.endswith("\n"):
                text = text[:-1]
            # One record, one line: Gust's log capture splits on newlines (Lambda frames records).
            sys.stdout.write(text.replace("\n", "\r") + "\n")

    handler = LambdaLoggerHandler()
    if is_json():
        handler.setFormatter(JsonFormatter())
        level = {"TRACE": "DEBUG", "WARN": "WARNING", "FATAL": "CRITICAL"}.get(_env("AWS_LAMBDA_LOG_LEVEL"), _env("AWS_LAMBDA_LOG_LEVEL"))
        if level in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            logging.getLogger().setLevel(level)
    else:
        handler.setFormatter(
            logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
        )
    handler.addFilter(LambdaLoggerFilter())
    logging.getLogger().addHandler(handler)
