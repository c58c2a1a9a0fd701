# Gust's Python runtime interface client: loads the handler once, then loops
# next -> handler -> response/error over the Lambda Runtime API. Standard library only; it runs
# under `python -S`, so it must not rely on the site module. Start-up time matters (it is every
# cold start): http.client alone costs ~35 ms of imports (ssl, email), so the Runtime API is
# spoken over a raw socket, and logging and traceback are imported only when needed.
import _socket
import importlib
import json
import os
import sys
import time

API_HOST, API_PORT = os.environ.get("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001").split(":")
# Set by Gust for an instance without network: the Runtime API is then a unix socket.
API_SOCKET = os.environ.get("GUST_RUNTIME_API_SOCKET")
BASE = "/2018-06-01/runtime"


class RuntimeApi:
    """A minimal HTTP/1.1 client on one persistent connection to Gust's Runtime API server,
    which always answers with Content-Length."""

    def __init__(self):
        self.sock = None
        self.buf = b""

    def connect(self):
        if API_SOCKET:
            self.sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            self.sock.connect(API_SOCKET)
        else:
            self.sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            self.sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            self.sock.connect((API_HOST, int(API_PORT)))
        self.buf = b""

    def read_response(self):
        while b"\r\n\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API connection closed")
            self.buf += chunk
        head, _, rest = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("Runtime API connection closed")
            rest += chunk
        self.buf = rest[length:]
        return status, headers, rest[:length]

    def request(self, method, path, body=b"", extra_headers=""):
        if self.sock is None:
            self.connect()
        head = "%s %s%s HTTP/1.1\r\nHost: %s:%s\r\n%s" % (method, BASE, path, API_HOST, API_PORT, extra_headers)
        if method == "POST":
            head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        self.sock.sendall(head.encode("latin-1") + b"\r\n" + body)
        return self.read_response()

    def next(self):
        return self.request("GET", "/invocation/next")

    def response(self, request_id, body):
        return self.request("POST", "/invocation/%s/response" % request_id, body)

    def error(self, request_id, doc):
        return self.post_error("/invocation/%s/error" % request_id, doc)

    def init_error(self, doc):
        return self.post_error("/init/error", doc)

    def post_error(self, path, doc):
        error_type = str(doc["errorType"]).replace("\r", " ").replace("\n", " ")
        return self.request("POST", path, json.dumps(doc).encode(), "Lambda-Runtime-Function-Error-Type: %s\r\n" % error_type)


def error_doc(exc, error_type=None, message=None):
    import traceback

    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    return {
        "errorMessage": message if message is not None else str(exc),
        "errorType": error_type or type(exc).__name__,
        "requestId": "",
        "stackTrace": [line for line in traceback.format_list(frames)],
    }


class InitError(Exception):
    def __init__(self, error_type, message, cause=None):
        super().__init__(message)
        self.error_type = error_type
        self.cause = cause


def load_handler(handler):
    module_path, _, function_name = handler.rpartition(".")
    if not module_path or not function_name:
        raise InitError("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler)
    module_name = module_path.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InitError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, exc), exc)
    except SyntaxError as exc:
        raise InitError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_path, exc), exc)
    fn = getattr(module, function_name, None)
    if fn is None:
        raise InitError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_path))
    return fn


class Context:
    def __init__(self, headers):
        env = os.environ
        self.aws_request_id = headers.get("lambda-runtime-aws-request-id")
        self.invoked_function_arn = headers.get("lambda-runtime-invoked-function-arn")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = int(env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"))
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self._deadline_ms = int(headers.get("lambda-runtime-deadline-ms", "0"))
        client_context = headers.get("lambda-runtime-client-context")
        self.client_context = json.loads(client_context) if client_context else None
        identity = headers.get("lambda-runtime-cognito-identity")
        self.identity = json.loads(identity) if identity else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline_ms - int(time.time() * 1000))


current_request_id = None


def lambda_log_formatter(logging):
    class LambdaLogFormatter(logging.Formatter):
        """Lambda's text format: [LEVEL]\tTIMESTAMP\tREQUEST_ID\tmessage"""

        def format(self, record):
            record.aws_request_id = current_request_id
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + ".%03dZ" % record.msecs
            text = "[%s]\t%s\t%s\t%s" % (record.levelname, stamp, record.aws_request_id, record.getMessage())
            if record.exc_info:
                text += "\n" + self.formatException(record.exc_info)
            return text.replace("\n", "\r")

    return LambdaLogFormatter()


def install_logging():
    """Gives the root logger Lambda's format, if the function uses logging (importing it costs
    ~6 ms of every cold start, so a function that does not pays nothing)."""
    logging = sys.modules.get("logging")
    if logging is None:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(lambda_log_formatter(logging))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.WARNING)


def flush():
    sys.stdout.flush()
    sys.stderr.flush()


def main():
    sys.stdout.reconfigure(line_buffering=True)
    task_root = os.environ.get("LAMBDA_TASK_ROOT", os.getcwd())
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    api = RuntimeApi()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except InitError as exc:
        doc = error_doc(exc.cause or exc, exc.error_type, str(exc))
        print("[ERROR] %s: %s" % (exc.error_type, exc), "\rTraceback (most recent call last):\r" + "\r".join(doc["stackTrace"]))
        flush()
        api.init_error(doc)
        sys.exit(1)
    except Exception as exc:  # an exception raised while importing the user's module
        doc = error_doc(exc)
        print("[ERROR] %s: %s" % (doc["errorType"], exc))
        flush()
        api.init_error(doc)
        sys.exit(1)

    install_logging()

    global current_request_id
    while True:
        _, headers, body = api.next()
        request_id = headers.get("lambda-runtime-aws-request-id")
        current_request_id = request_id
        try:
            event = json.loads(body) if body else {}
            result = handler(event, Context(headers))
            try:
                payload = json.dumps(result)
            except (TypeError, ValueError) as exc:
                flush()
                api.error(request_id, error_doc(exc, "Runtime.MarshalError", "Unable to marshal response: %s" % exc))
                continue
            flush()
            api.response(request_id, payload.encode())
        except Exception as exc:
            doc = error_doc(exc)
            doc["requestId"] = request_id
            print("[ERROR] %s: %s" % (doc["errorType"], exc) + "\rTraceback (most recent call last):\r" + "\r".join(s.rstrip("\n") for s in doc["stackTrace"]))
            flush()
            api.error(request_id, doc)


if __name__ == "__main__":
    main()
