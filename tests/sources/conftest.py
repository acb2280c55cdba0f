"""Generic helpers for connector tests: a scripted local HTTP server, a fast session, fakes.

Nothing here knows about any one source. Connector tests point `spec.base_url` (or a feed URL) at
`scripted_server.url`, script the replies per (method, path prefix), and read back what was requested.

- `ScriptedServer.script(method, path_prefix, *replies)` queues replies, served in order to requests whose
  path starts with the prefix (the longest matching prefix wins). A reply is a `Reply` or a callable
  taking the `Recorded` request and returning a `Reply` (for servers that answer from the query).
  `ScriptedServer.always(...)` sets a reply served once a queue is empty. An unscripted request gets a
  404 and is listed in `server.unexpected`; a responder that raises gets a 500 (traceback in
  `server.errors`).
- A real `ThreadingHTTPServer` on 127.0.0.1:0, so urllib3's retries, `Retry-After` and timeouts run for
  real (they only run inside `HTTPAdapter`).
- `fast_session`: `http_session()` with tiny backoff and a short per-request timeout, so retry and
  timeout tests stay fast.
- `FakeUsageStore`: a thread-safe `UsageStore` with the DynamoDB adapter's semantics.
- `source_context(...)`: a `SourceContext` with sensible test defaults.
"""

from __future__ import annotations

import json
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import HTTPAdapter

from crisiswatch.domain.listening.watchlist import Brand
from crisiswatch_sources.base import Secret, SourceContext
from crisiswatch_sources.http import http_session

REQUEST_TIMEOUT = 30.0
"""Seconds: the read timeout of `fast_session`'s requests. It only bounds a hang: an answer that comes
slowly on a busy machine must not turn into a timeout, or the test would race the machine."""
HANG_TIMEOUT = 0.5
"""Seconds: the read timeout of `hanging_session`, for tests whose server never answers (`Reply.hang`)."""


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP response. `body`: bytes as is, str as UTF-8, anything else as JSON."""

    status: int = 200
    body: Any = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    hang: bool = False
    """Never answer while the test runs (the server lets go when it stops): a timeout, whatever the
    machine's speed, where a reply that merely came late would race the client's timer."""

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode("utf-8"), "application/json; charset=utf-8"


@dataclass(frozen=True)
class Recorded:
    """A request the server received."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


Responder = Reply | Callable[[Recorded], Reply]


class ScriptedServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[tuple[str, str], list[Responder]] = {}
        self._defaults: dict[tuple[str, str], Responder] = {}
        self.requests: list[Recorded] = []
        self.unexpected: list[Recorded] = []
        self.errors: list[str] = []
        """Tracebacks of responders that raised (served as a 500)."""
        self.released = threading.Event()
        """Set when the server stops: hanging replies end then."""
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def script(self, method: str, path_prefix: str, *replies: Responder) -> None:
        with self._lock:
            self._queues.setdefault((method.upper(), path_prefix), []).extend(replies)

    def always(self, method: str, path_prefix: str, reply: Responder) -> None:
        with self._lock:
            self._defaults[(method.upper(), path_prefix)] = reply

    def requests_to(self, path_prefix: str) -> list[Recorded]:
        with self._lock:
            return [recorded for recorded in self.requests if recorded.path.startswith(path_prefix)]

    def pending(self) -> int:
        """Scripted replies not served yet."""
        with self._lock:
            return sum(len(queue) for queue in self._queues.values())

    def _next(self, recorded: Recorded) -> Reply | None:
        with self._lock:
            self.requests.append(recorded)
            keys = {*self._queues, *self._defaults}
            candidates = [
                key for key in keys if key[0] == recorded.method and recorded.path.startswith(key[1])
            ]
            for key in sorted(candidates, key=lambda key: len(key[1]), reverse=True):
                queue = self._queues.get(key)
                responder = queue.pop(0) if queue else self._defaults.get(key)
                if responder is not None:
                    break
            else:
                self.unexpected.append(recorded)
                return None
        if isinstance(responder, Reply):
            return responder
        try:
            return responder(recorded)
        except Exception:  # a bug in a test's responder: answer 500 and keep it for the test to see
            self.errors.append(traceback.format_exc())
            return Reply(500, traceback.format_exc())


def _handler_for(server: ScriptedServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stalls

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            recorded = Recorded(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            reply = server._next(recorded)
            if reply is None:
                reply = Reply(404, {"error": f"unscripted request {self.command} {parts.path}"})
            if reply.hang:
                server.released.wait()
            body, content_type = reply.encoded()
            try:
                self.send_response(reply.status)
                headers = {"Content-Type": content_type, **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD" and reply.status not in (204, 304):
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
                pass

        do_GET = do_POST = do_HEAD = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: pytest shows failures, not every request."""

    return Handler


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    try:
        yield server
    finally:
        server.stop()


class _TimeoutAdapter(HTTPAdapter):
    """Sets each request's timeout, instead of the connector's own, for the test's purpose."""

    def __init__(self, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout

    def send(self, request: Any, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["timeout"] = (self.timeout, self.timeout)
        return super().send(request, *args, **kwargs)


def make_fast_session(
    retries: int = 2, max_wait: float = 1.0, timeout: float = REQUEST_TIMEOUT
) -> requests.Session:
    """`http_session()` as deployed, but with millisecond backoff; `timeout` only bounds a hang, except
    in `hanging_session`, whose server never answers."""
    session = http_session(retries=retries, backoff=0.01, max_wait=max_wait)
    retry = session.get_adapter("http://").max_retries  # type: ignore[attr-defined]
    retry.backoff_jitter = 0.0
    adapter = _TimeoutAdapter(timeout, max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@pytest.fixture
def fast_session() -> Iterator[requests.Session]:
    session = make_fast_session()
    try:
        yield session
    finally:
        session.close()


def hanging_session(retries: int = 2) -> requests.Session:
    """A session that gives up quickly, for a server scripted with `Reply(hang=True)`."""
    return make_fast_session(retries=retries, timeout=HANG_TIMEOUT)


class FakeUsageStore:
    """`UsageStore` in memory, atomic under threads; same rule as DynamoUsageStore's condition."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters: dict[str, int] = {}
        self.calls: list[tuple[str, int, int, bool]] = []

    def reserve(self, key: str, amount: int, limit: int) -> bool:
        with self._lock:
            used = self.counters.get(key, 0)
            granted = amount <= limit and used <= limit - amount
            if granted:
                self.counters[key] = used + amount
            self.calls.append((key, amount, limit, granted))
            return granted

    def used(self, key: str) -> int:
        with self._lock:
            return self.counters.get(key, 0)


def source_context(
    brand: Brand,
    session: requests.Session,
    *,
    secret: Secret | None = None,
    usage: FakeUsageStore | None = None,
    seconds: float = 60.0,
) -> SourceContext:
    """A context for one fetch; `seconds` until the deadline (0 or less: already out of time)."""
    return SourceContext(
        brand=brand,
        session=session,
        secret=secret or dict,
        usage=usage or FakeUsageStore(),
        deadline=time.monotonic() + seconds,
    )
