# Gust's Python runtime interface client: loads the handler once, then loops next -> handler ->
# response/error over the Lambda Runtime API, behaving as AWS's awslambdaric does. Standard
# library only, and sparing with it, since every import is paid on every cold start under -S:
# the API is spoken over a raw socket (http.client pulls in ssl and email), JSON goes straight
# through the C accelerator _json (the json package imports re and enum), the environment is
# read from posix (os is only needed by functions that use it), and logging, traceback and the
# gust_runtime_errors/_logging modules are imported only when the function or an error needs them.
import _socket
import builtins
import posix
import sys
import time

_ENV = {k.decode("utf-8", "surrogateescape"): v.decode("utf-8", "surrogateescape") for k, v in posix.environ.items()}


def _set_env(name, value):
    """Sets (None: removes) a variable, in os.environ if os is loaded, else in posix.environ,
    from which os.environ is built when it is first imported."""
    os = sys.modules.get("os")
    if os is not None:
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
        return
    key = name.encode("utf-8", "surrogateescape")
    if value is None:
        if posix.environ.pop(key, None) is not None:
            posix.unsetenv(name)
    else:
        posix.environ[key] = value.encode("utf-8", "surrogateescape")
        posix.putenv(name, value)


# ---- JSON, as Lambda marshals it ----

# Python 3.12+ runtimes answer with UTF-8 rather than \u escapes, as awslambdaric does for them.
_ENSURE_ASCII = _ENV.get("AWS_EXECUTION_ENV") not in (
    "AWS_Lambda_python3.12",
    "AWS_Lambda_python3.13",
    "AWS_Lambda_python3.14",
    "AWS_Lambda_python3.15",
)


def _default(obj):
    # Decimal (what boto3's DynamoDB gives) as a number, as Lambda's encoder does; checked by
    # name so that decimal is never imported for functions that do not use it.
    cls = obj.__class__
    if cls.__name__ == "Decimal" and cls.__module__ in ("decimal", "_decimal", "_pydecimal"):
        if obj.is_nan():
            return float("nan")
        if obj.is_finite() and obj == obj.to_integral_value():
            return int(obj)
        return float(obj)
    raise TypeError("Object of type %s is not JSON serializable" % cls.__name__)


try:
    import _json

    _encode_string = _json.encode_basestring_ascii if _ENSURE_ASCII else _json.encode_basestring

    def to_json(obj):
        """json.dumps(obj) with Lambda's options (default separators, NaN allowed)."""
        encode = _json.make_encoder({}, _default, _encode_string, None, ": ", ", ", False, False, True)
        return "".join(encode(obj, 0))

    class _DecodeOptions:
        strict = True
        object_hook = None
        object_pairs_hook = None
        parse_float = float
        parse_int = int
        parse_constant = {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}.__getitem__

    _scan = _json.make_scanner(_DecodeOptions())

    def from_json(data):
        """json.loads(data); anything unusual (and every error) goes to the json package."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            value, end = _scan(text, len(text) - len(text.lstrip(" \t\n\r")))
            if len(text.rstrip(" \t\n\r")) == end:
                return value
        except Exception:
            pass
        import json

        return json.loads(data)

    to_json({"a": [1, 2.5, "\u00e9", None, True]})  # this interpreter's _json speaks this dialect
except Exception:  # it does not: the json package does the same work

    def to_json(obj):
        import json

        return json.dumps(obj, default=_default, ensure_ascii=_ENSURE_ASCII)

    def from_json(data):
        import json

        return json.loads(data)


# ---- the Runtime API ----


class _Received:
    """Bytes read from Gust, kept until a whole answer or frame is there."""

    sock = None
    buf = b""

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("Gust closed the connection")
        self.buf += chunk


class RuntimeApi(_Received):
    """A minimal HTTP/1.1 client on one persistent connection to the Runtime API: TCP to
    AWS_LAMBDA_RUNTIME_API, or the unix socket GUST_RUNTIME_API_SOCKET when Gust gives one."""

    BASE = "/2018-06-01/runtime"

    def __init__(self, address, socket_path):
        self.address = address or "127.0.0.1:9001"
        self.socket_path = socket_path
        self.sock = None
        self.buf = b""

    def _connect(self):
        if self.socket_path:
            sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
            sock.connect(self.socket_path)
        else:
            host, _, port = self.address.rpartition(":")
            sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            sock.setsockopt(_socket.IPPROTO_TCP, _socket.TCP_NODELAY, 1)
            sock.connect((host, int(port)))
        self.sock = sock

    def _read_response(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return status, headers, self._read_chunked()
        length = int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return status, headers, body

    def _read_chunked(self):
        parts = []
        while True:
            while b"\r\n" not in self.buf:
                self._fill()
            size_line, _, self.buf = self.buf.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:  # then trailers, up to an empty line
                while not (self.buf.startswith(b"\r\n") or b"\r\n\r\n" in self.buf):
                    self._fill()
                self.buf = self.buf[2:] if self.buf.startswith(b"\r\n") else self.buf.partition(b"\r\n\r\n")[2]
                return b"".join(parts)
            while len(self.buf) < size + 2:
                self._fill()
            parts.append(self.buf[:size])
            self.buf = self.buf[size + 2 :]

    def request(self, method, path, body=None, headers=""):
        if self.sock is None:
            self._connect()
        head = "%s %s%s HTTP/1.1\r\nHost: %s\r\n%s" % (method, self.BASE, path, self.address, headers)
        if body is None:
            self.sock.sendall(head.encode("latin-1") + b"\r\n")
        else:
            head += "Content-Length: %d\r\n\r\n" % len(body)
            self.sock.sendall(head.encode("latin-1") + body)
        return self._read_response()

    def next(self):
        return self.request("GET", "/invocation/next")

    def post_response(self, request_id, body, content_type):
        return self.request("POST", "/invocation/%s/response" % request_id, body, "Content-Type: %s\r\n" % content_type)

    def post_error(self, request_id, error):
        return self._post_error("/invocation/%s/error" % request_id, error)

    def post_init_error(self, error):
        return self._post_error("/init/error", error)

    def _post_error(self, path, error):
        error_type = "".join(c if " " <= c <= "~" else "?" for c in str(error["errorType"]))
        headers = "Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: %s\r\n" % error_type
        return self.request("POST", path, to_json(error).encode("utf-8"), headers)


class RuntimeChannel(_Received):
    """The runtime channel (Gust's docs/runtime-channel.md): the Runtime API's calls as
    length-prefixed frames on the socket pair Gust handed down at descriptor GUST_RUNTIME_FD.
    One send per outcome and one event per read, nothing to build or parse as HTTP; the same
    methods as RuntimeApi, so the rest of the client does not know which it has.
    frame = u32 BE length of (type + fields) | u8 type | fields; field = u32 BE length | bytes"""

    _NEXT = b"\x00\x00\x00\x01N"

    def __init__(self, fd):
        self.sock = _socket.socket(fileno=fd)
        self.buf = b""
        # An outcome leaves together with the next() that follows it: one send, one wake-up of Gust.
        self.outcome = b""

    @staticmethod
    def _frame(kind, fields):
        parts = [kind]
        size = 1
        for field in fields:
            if isinstance(field, str):
                field = field.encode("utf-8", "surrogateescape")
            parts.append(len(field).to_bytes(4, "big"))
            parts.append(field)
            size += 4 + len(field)
        return size.to_bytes(4, "big") + b"".join(parts)

    def next(self):
        self.sock.sendall(self.outcome + self._NEXT)
        self.outcome = b""
        while len(self.buf) < 5:
            self._fill()
        total = 4 + int.from_bytes(self.buf[:4], "big")
        while len(self.buf) < total:
            self._fill()
        frame, self.buf = self.buf[:total], self.buf[total:]
        if frame[4:5] != b"I":
            raise ConnectionError("unexpected frame on the runtime channel")
        fields = []
        at = 5
        for _ in range(7):
            n = int.from_bytes(frame[at : at + 4], "big")
            fields.append(frame[at + 4 : at + 4 + n])
            at += 4 + n
        text = [f.decode("utf-8", "replace") for f in fields[:6]]
        headers = {
            "lambda-runtime-aws-request-id": text[0],
            "lambda-runtime-deadline-ms": text[1],
            "lambda-runtime-invoked-function-arn": text[2],
        }
        for name, value in (("lambda-runtime-trace-id", text[3]), ("lambda-runtime-client-context", text[4]), ("lambda-runtime-cognito-identity", text[5])):
            if value:
                headers[name] = value
        return 200, headers, fields[6]

    def post_response(self, request_id, body, content_type):
        self.outcome = self._frame(b"R", (request_id, body))

    def post_error(self, request_id, error):
        self.outcome = self._frame(b"E", (request_id, str(error["errorType"]), to_json(error)))

    def post_init_error(self, error):
        self.sock.sendall(self._frame(b"X", (str(error["errorType"]), to_json(error))))


# ---- errors ----


class FaultException(Exception):
    """A failure the runtime itself names (awslambdaric's error types)."""

    MARSHAL_ERROR = "Runtime.MarshalError"
    UNMARSHAL_ERROR = "Runtime.UnmarshalError"
    USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
    HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
    IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
    BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
    MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
    LAMBDA_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


# ---- logging: the root logger gets Lambda's handler when the function imports logging ----

_request_id = None


def _current_request_id():
    return _request_id or ""


class _LoggingLoader:
    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__spec__.loader = module.__loader__ = self.loader
        self.loader.exec_module(module)
        import gust_runtime_logging

        gust_runtime_logging.install(module, _current_request_id)


class _LoggingImportHook:
    """Sets logging up as awslambdaric does, the moment the function imports it: importing it
    up front would cost every cold start ~7 ms, for functions that may never log through it."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(cls)
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(name, path, target) if find_spec else None
            if spec is not None:
                spec.loader = _LoggingLoader(spec.loader)
                return spec
        return None


# ---- the context object ----


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return "CognitoIdentity([cognito_identity_id=%s,cognito_identity_pool_id=%s])" % (self.cognito_identity_id, self.cognito_identity_pool_id)


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __repr__(self):
        return "Client([%s])" % ",".join("%s=%s" % (f, getattr(self, f)) for f in self.__slots__)


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return "ClientContext([custom=%s,env=%s,client=%s])" % (self.custom, self.env, self.client)


def _from_dict(cls, values):
    if values is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, values.get(field, None))
    return obj


def _parse_json_header(value, name):
    try:
        return from_json(value)
    except Exception as e:
        raise FaultException(FaultException.LAMBDA_CONTEXT_UNMARSHAL_ERROR, "Unable to parse %s JSON: %s" % (name, e))


# As Lambda gives them: straight from the environment (so memory_limit_in_mb is a string).
_FUNCTION_ENV = tuple(
    _ENV.get(name)
    for name in (
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
    )
)


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity, epoch_deadline_time_in_ms, invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        (self.log_group_name, self.log_stream_name, self.function_name, self.memory_limit_in_mb, self.function_version) = _FUNCTION_ENV
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id
        self.client_context = _from_dict(ClientContext, client_context)
        if self.client_context is not None:
            self.client_context.client = _from_dict(Client, self.client_context.client)
        self.identity = _from_dict(CognitoIdentity, {})
        if cognito_identity is not None:
            self.identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            self.identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(time.time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            "LambdaContext([aws_request_id=%s,log_group_name=%s,log_stream_name=%s,function_name=%s,memory_limit_in_mb=%s,"
            "function_version=%s,invoked_function_arn=%s,client_context=%s,identity=%s,tenant_id=%s])"
        ) % (
            self.aws_request_id,
            self.log_group_name,
            self.log_stream_name,
            self.function_name,
            self.memory_limit_in_mb,
            self.function_version,
            self.invoked_function_arn,
            self.client_context,
            self.identity,
            self.tenant_id,
        )


# ---- loading the handler and running invocations ----


def get_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(FaultException.MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e)))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(FaultException.BUILT_IN_MODULE_CONFLICT, "Cannot use built-in module {} as a handler module".format(modname))
        name = modname.replace("/", ".")
        __import__(name)
        module = sys.modules[name]
    except ImportError as e:
        raise FaultException(FaultException.IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e)))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(FaultException.USER_CODE_SYNTAX_ERROR, "Syntax error in module '{}': {}".format(modname, str(e)), trace)
    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(FaultException.HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname))


def flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def handle_invocation(api, request_handler, headers, body):
    invoke_id = headers.get("lambda-runtime-aws-request-id")
    error_result = None
    try:
        client_context = headers.get("lambda-runtime-client-context")
        cognito_identity = headers.get("lambda-runtime-cognito-identity")
        context = LambdaContext(
            invoke_id,
            _parse_json_header(client_context, "Client Context") if client_context else None,
            _parse_json_header(cognito_identity, "Cognito Identity") if cognito_identity else None,
            int(headers.get("lambda-runtime-deadline-ms") or 0),
            headers.get("lambda-runtime-invoked-function-arn"),
            headers.get("lambda-runtime-aws-tenant-id"),
        )
        content_type = headers.get("content-type")
        if content_type is None or content_type.startswith("application/json"):
            try:
                event = from_json(body)
            except Exception as e:
                raise FaultException(FaultException.UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)))
        else:
            event = body
        response = request_handler(event, context)
        if isinstance(response, bytes):
            result, result_content_type = response, "application/unknown"
        else:
            try:
                result, result_content_type = to_json(response).encode("utf-8"), "application/json"
            except Exception as e:
                raise FaultException(FaultException.MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)))
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
    except Exception:
        import gust_runtime_errors

        error_result = gust_runtime_errors.build_fault_result(sys.exc_info(), invoke_id)

    # What the invocation printed must reach Gust before its outcome does.
    if error_result is not None:
        import gust_runtime_errors

        gust_runtime_errors.log_error(error_result)
        flush()
        api.post_error(invoke_id, error_result)
    else:
        flush()
        api.post_response(invoke_id, result, result_content_type)


class _Quitter(object):
    """exit() and quit(), which the site module (skipped by -S) would have defined."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "Use %s() or Ctrl-D (i.e. EOF) to exit" % self.name

    def __call__(self, code=None):
        try:
            sys.stdin.close()
        except Exception:
            pass
        raise SystemExit(code)


def _init_error(api, error_result):
    import logging

    import gust_runtime_errors

    logging.warning(gust_runtime_errors.LAMBDA_UNHANDLED_EXCEPTION_WARNING)
    gust_runtime_errors.log_error(error_result)
    flush()
    api.post_init_error(error_result)
    sys.exit(1)


def _run():
    global _request_id
    sys.stdout.reconfigure(line_buffering=True)
    task_root = _ENV.get("LAMBDA_TASK_ROOT") or posix.getcwd()
    if task_root not in sys.path:
        sys.path.insert(0, task_root)
    for name in ("exit", "quit"):
        if not hasattr(builtins, name):
            setattr(builtins, name, _Quitter(name))
    if "logging" in sys.modules:
        import gust_runtime_logging

        gust_runtime_logging.install(sys.modules["logging"], _current_request_id)
    else:
        sys.meta_path.insert(0, _LoggingImportHook)

    # Gust hands its own client a runtime channel (a socket pair) when it can; HTTP otherwise.
    channel_fd = _ENV.pop("GUST_RUNTIME_FD", None)
    if channel_fd is not None:
        _set_env("GUST_RUNTIME_FD", None)
        api = RuntimeChannel(int(channel_fd))
        posix.set_inheritable(int(channel_fd), False)  # not for processes the function starts
    else:
        api = RuntimeApi(_ENV.get("AWS_LAMBDA_RUNTIME_API"), _ENV.get("GUST_RUNTIME_API_SOCKET"))
    try:
        request_handler = get_handler(_ENV.get("_HANDLER", ""))
    except FaultException as e:
        _init_error(api, make_error(e.msg, e.exception_type, e.trace))
    except Exception:
        import gust_runtime_errors

        _init_error(api, gust_runtime_errors.build_fault_result(sys.exc_info()))

    while True:
        _, headers, body = api.next()
        _request_id = headers.get("lambda-runtime-aws-request-id")
        _set_env("_X_AMZN_TRACE_ID", headers.get("lambda-runtime-trace-id"))
        handle_invocation(api, request_handler, headers, body)


def main():
    try:
        _run()
    except OSError as exc:  # ConnectionError included
        # Gust never closes the Runtime API connection: Gust is gone, and this process follows.
        flush()
        sys.stderr.write("Runtime API connection lost: %s\n" % exc)
        sys.exit(1)
