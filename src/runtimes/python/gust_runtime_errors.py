# Errors as awslambdaric reports and logs them: the error document's stack trace and the
# `[ERROR] Type: message` log record. Imported only when something has gone wrong.
import sys
import traceback

LAMBDA_UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, "
    "a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, runtime updates "
    "can be triggered by a function change, or can be applied automatically. To determine if the runtime has been updated, "
    "check the runtime version in the INIT_START log entry. If this error correlates with a change in the runtime version, "
    "you may be able to mitigate this error by temporarily rolling back to the previous runtime version. For more "
    "information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)

_RUNTIME_DIR = __file__.rpartition("/")[0] + "/"


def build_fault_result(exc_info, invoke_id=None):
    """The error document for an exception: its class, message and formatted frames, without
    the runtime client's own frames at the top."""
    etype, value, tb = exc_info
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    while frames and frames[0][0].startswith(_RUNTIME_DIR):
        frames.pop(0)
    return {
        "errorMessage": str(value),
        "errorType": etype.__name__,
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": traceback.format_list(frames),
    }


def log_error(error_result):
    """`[ERROR] Type: message` and the traceback as one line (\\r between lines, indents as
    no-break spaces), on stdout, as awslambdaric writes it; one JSON record in JSON log format."""
    from gust_runtime_logging import is_json, json_timestamp

    if is_json():
        import json
        import time

        record = {
            "timestamp": json_timestamp(time.time()),
            "level": "ERROR",
            "message": error_result.get("errorMessage", ""),
            "errorType": error_result.get("errorType", ""),
            "errorMessage": error_result.get("errorMessage", ""),
            "requestId": error_result.get("requestId", ""),
            "stackTrace": error_result.get("stackTrace") or [],
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False).replace("\n", "\r") + "\n")
        return
    description = "[ERROR]"
    if error_result.get("errorType"):
        description += " " + error_result["errorType"]
    if error_result.get("errorMessage"):
        if error_result.get("errorType"):
            description += ":"
        description += " " + error_result["errorMessage"]
    lines = [description, "Traceback (most recent call last):"]
    for element in error_result.get("stackTrace") or []:
        if element == "":
            lines.append("")
            continue
        for line in element.splitlines():
            stripped = line.lstrip(" ")
            lines.append("\u00a0" * (len(line) - len(stripped)) + stripped)
    sys.stdout.write("\r".join(lines) + "\n")
