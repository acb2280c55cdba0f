"""Bootstrap of a warm Lambda worker: the stand-in for Lambda's Python runtime interface client.

It runs as a script in its own interpreter (``python -I -S -X utf8 worker_bootstrap.py``), so it
imports nothing but the standard library. Protocol with the parent (``lambda_runner``), JSON lines:

* parent -> worker, on fd 0: first a config line, then one request line per invocation
  ``{"request_id", "event", "deadline_ms", "invoked_function_arn", "trace_id"}``;
* worker -> parent, on a private duplicate of the original fd 1: ``{"type": "ready"}`` or
  ``{"type": "init_error", ...}`` once, then ``{"type": "result", ...}`` per invocation.

Before the handler module is imported (which is Lambda's init phase) ``sys.stdout``/``sys.stderr``
are replaced by capture objects, and fds 0/1 are pointed away from the protocol pipes: a print, a
log line or a C extension writing to fd 1 can never corrupt the protocol. Powertools' Logger binds
``sys.stdout`` at import time, which is why the capture object must exist first and stay the same
object for the worker's life (only its target buffer changes per invocation).
"""

from __future__ import annotations

import decimal
import importlib
import io
import json
import logging
import os
import sys
import threading
import time
import traceback
from typing import Any, BinaryIO, TextIO

_BOOTSTRAP_FILE = os.path.abspath(__file__)


class _Capture(io.TextIOBase):
    """A text stream whose writes land in the current invocation's log buffer."""

    def __init__(self, sink: _LogSink, name: str) -> None:
        super().__init__()
        self._sink = sink
        self._name = name
        self.buffer = _BinaryCapture(self)

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    @property
    def errors(self) -> str:  # type: ignore[override]
        return "backslashreplace"

    @property
    def name(self) -> str:
        return self._name

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        self._sink.write(text)
        return len(text)

    def flush(self) -> None:
        return None


class _BinaryCapture:
    """``sys.stdout.buffer`` for code that writes bytes."""

    def __init__(self, text: _Capture) -> None:
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(bytes(data).decode("utf-8", errors="backslashreplace"))
        return len(data)

    def flush(self) -> None:
        return None


class _LogSink:
    """Thread-safe accumulation of everything the function prints, per invocation."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._parts: list[str] = []

    def write(self, text: str) -> None:
        with self._lock:
            self._parts.append(text)

    def drain(self) -> str:
        with self._lock:
            text = "".join(self._parts)
            self._parts = []
        return text


class _RequestIdFilter(logging.Filter):
    """Adds the current request id to log records, like Lambda's own log handler."""

    request_id = ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self.request_id
        return True


class LambdaContext:
    """The ``context`` argument, with the attributes of Lambda's Python runtime."""

    def __init__(self, request: dict[str, Any]) -> None:
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        self.invoked_function_arn = str(request.get("invoked_function_arn", ""))
        # A string, exactly as in Lambda's runtime (it reads the environment variable).
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        self.aws_request_id = str(request["request_id"])
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME", "")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME", "")
        self.identity = None
        self.client_context = None
        self.tenant_id = None
        self._deadline_ms = int(request["deadline_ms"])

    def get_remaining_time_in_millis(self) -> int:
        return max(self._deadline_ms - int(time.time() * 1000), 0)

    def __repr__(self) -> str:
        return (
            f"LambdaContext([aws_request_id={self.aws_request_id},log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn}])"
        )


def _to_json(value: Any) -> str:
    """Serialise like Lambda's runtime does (it accepts Decimal)."""

    def default(obj: Any) -> Any:
        if isinstance(obj, decimal.Decimal):
            return float(obj)
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    return json.dumps(value, default=default)


def _user_frames(tb: Any) -> list[str]:
    """Traceback lines without the bootstrap's own frames (Lambda hides its runtime too)."""
    frames = [frame for frame in traceback.extract_tb(tb) if frame.filename != _BOOTSTRAP_FILE]
    return traceback.format_list(frames)


def _error_payload(
    error: BaseException, error_type: str | None = None, request_id: str = ""
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "errorMessage": str(error),
        "errorType": error_type or type(error).__name__,
        "stackTrace": _user_frames(error.__traceback__),
    }
    if request_id:
        payload["requestId"] = request_id
    return payload


def _error_log(payload: dict[str, Any]) -> str:
    trace = "".join(payload.get("stackTrace", []))
    headline = f"[ERROR] {payload['errorType']}: {payload['errorMessage']}"
    return f"{headline}\nTraceback (most recent call last):\n{trace}"


class _Protocol:
    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self._reader = reader
        self._writer = writer
        self._lock = threading.Lock()

    def read(self) -> dict[str, Any] | None:
        line = self._reader.readline()
        if not line:
            return None
        message = json.loads(line)
        assert isinstance(message, dict)
        return message

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode("utf-8")
        with self._lock:
            self._writer.write(data)
            self._writer.flush()


def _take_over_stdio(sink: _LogSink) -> _Protocol:
    """Move the protocol to private fds and point fds 0/1 and sys.stdout/err away from it."""
    reader = os.fdopen(os.dup(0), "rb")
    writer = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)  # fd-level writes to stdout join stderr (the worker's log file), not the protocol
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = _Capture(sink, "<stdout>")
    sys.stderr = _Capture(sink, "<stderr>")
    return _Protocol(reader, writer)


def _install_logging(stream: TextIO) -> _RequestIdFilter:
    """Root handler formatted like Lambda's: ``[LEVEL]<tab>time<tab>request id<tab>message``."""
    request_filter = _RequestIdFilter()
    handler = logging.StreamHandler(stream)
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s",
        "%Y-%m-%dT%H:%M:%S",
    )
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(request_filter)
    root = logging.getLogger()
    root.addHandler(handler)
    return request_filter


def _load_handler(handler: str) -> Any:
    module_name, _, function_name = handler.rpartition(".")
    if not module_name or not function_name:
        raise _InitError(
            "Runtime.MalformedHandlerName", f"Bad handler '{handler}': not enough values to unpack"
        )
    module_name = module_name.replace("/", ".")
    try:
        module = importlib.import_module(module_name)
    except SyntaxError as error:
        raise _InitError(
            "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {error}"
        ) from error
    except ImportError as error:
        raise _InitError(
            "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {error}"
        ) from error
    function = getattr(module, function_name, None)
    if function is None:
        raise _InitError(
            "Runtime.HandlerNotFound", f"Handler '{function_name}' missing on module '{module_name}'"
        )
    return function


class _InitError(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def main() -> None:
    sink = _LogSink()
    protocol = _take_over_stdio(sink)
    config = protocol.read()
    if config is None:
        return
    for entry in reversed(config["sys_path"]):
        sys.path.insert(0, entry)
    os.chdir(config["task_root"])
    request_filter = _install_logging(sys.stdout)

    started = time.monotonic()
    try:
        handler = _load_handler(config["handler"])
    except _InitError as error:
        payload = _error_payload(error, error.error_type)
        payload["stackTrace"] = []
        protocol.send({"type": "init_error", "error": payload, "logs": sink.drain() + _error_log(payload)})
        return
    except Exception as error:  # an exception while importing user code: its own type, as in Lambda
        payload = _error_payload(error)
        protocol.send({"type": "init_error", "error": payload, "logs": sink.drain() + _error_log(payload)})
        return
    protocol.send({"type": "ready", "init_ms": (time.monotonic() - started) * 1000, "logs": sink.drain()})

    while True:
        request = protocol.read()
        if request is None:
            return
        request_id = str(request["request_id"])
        request_filter.request_id = request_id
        os.environ["_X_AMZN_TRACE_ID"] = str(request.get("trace_id", ""))
        context = LambdaContext(request)
        begun = time.monotonic()
        try:
            result = handler(request["event"], context)
            try:
                body = _to_json(result)
                reply: dict[str, Any] = {"ok": True, "payload": body}
            except (TypeError, ValueError) as error:
                payload = {
                    "errorMessage": f"Unable to marshal response: {error}",
                    "errorType": "Runtime.MarshalError",
                }
                payload["requestId"] = request_id
                payload["stackTrace"] = []
                reply = {"ok": False, "payload": json.dumps(payload)}
                sys.stdout.write(_error_log(payload))
        except Exception as error:
            payload = _error_payload(error, request_id=request_id)
            sys.stdout.write(_error_log(payload))
            reply = {"ok": False, "payload": json.dumps(payload)}
        reply.update(
            {"type": "result", "request_id": request_id, "duration_ms": (time.monotonic() - begun) * 1000}
        )
        reply["logs"] = sink.drain()
        protocol.send(reply)


if __name__ == "__main__":
    main()
