"""The fake-source server: one threaded HTTP server on 127.0.0.1 speaking seven public APIs.

    corpus = make_corpus("Northwind", total=350, seed=7, span=(start, start + timedelta(hours=12)))
    with FakeSourceServer(corpus.data, now=start) as server:
        watchlist = parse_watchlist(server.watchlist_toml("Northwind"))   # every source points here
        server.faults.inject("/reddit", FaultKind.HTTP_503, count=2)      # the next two Reddit requests
        server.faults.schedule("/x", [FaultKind.TRUNCATED, FaultKind.DUPLICATES], rate=0.2, seed=1)
        server.advance(timedelta(minutes=15))                             # more mentions become visible
        ...  # run connectors with secret=lambda: server.secret_for(type), now=server.now
        print(server.counters())   # {"reddit": {"requests": .., "injected_http_503": 2, ..}, ..}
    assert stored == corpus.expected

Each API lives under a path prefix: `/reddit`, `/mastodon/{instance}`, `/bluesky`, `/hn`, `/rss/{feed}`,
`/youtube`, `/x`; connectors use them unchanged by taking `server.base_url(source)` as `spec.base_url`
(Mastodon instance and RSS feed URLs from `instance_url` / `feed_url`). `watchlist_toml(...)` renders a
ready watchlist with every source pointing here, and `secret_for(source)` the credentials it accepts.

Items are visible once their `created_at` is not after the server clock (`set_time`/`advance`; the wall
clock when never set). Faults are injected through `server.faults` (see `faults.py`). Every request is
counted per source in `counters()` and logged in `requests` (fake time, method, path and query, status,
fault), which is what a failing test prints.

Not faithful anywhere: TLS, HTTP/1.1 keep-alive (each answer closes its connection), compression,
hosts (everything is one host), and anything not listed in each API module's docstring.
"""

from __future__ import annotations

import json
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qs, quote, urlsplit

from .bluesky import BlueskyApi
from .common import Api, Call, FakeCredentials, FakeRequest, FakeResponse, FakeSettings, State
from .corpus import SOURCE_TYPES, CorpusData, SourceType
from .faults import BODY_FAULTS, FaultInjector, FaultKind
from .hackernews import HackerNewsApi
from .mastodon import MastodonApi
from .reddit import RedditApi
from .rss import RssApi
from .x import XApi
from .youtube import YouTubeApi

PREFIXES: dict[SourceType, str] = {
    "reddit": "/reddit",
    "mastodon": "/mastodon",
    "bluesky": "/bluesky",
    "hackernews": "/hn",
    "rss": "/rss",
    "youtube": "/youtube",
    "x": "/x",
}
MAX_LOGGED = 20_000


@dataclass(frozen=True)
class LoggedRequest:
    at: datetime
    """The server clock when it was answered."""
    method: str
    target: str
    """Path and query string."""
    status: int
    """0: held and dropped (a timeout)."""
    fault: str

    def __str__(self) -> str:
        fault = f" [{self.fault}]" if self.fault else ""
        return f"{self.at:%H:%M:%S} {self.method} {self.target} -> {self.status or 'timeout'}{fault}"


@dataclass(frozen=True)
class WatchlistOptions:
    """How `FakeSourceServer.watchlist_toml` renders the watchlist: the keywords (default: the corpus's),
    the sources, paging and timeouts, Reddit's auth, the budgets, and where the credentials live."""

    keywords: Iterable[str] | None = None
    sources: Iterable[SourceType] = SOURCE_TYPES
    max_pages: int = 5
    timeout_seconds: float = 25.0
    reddit_auth: str = "oauth"
    x_monthly_read_budget: int = 100_000
    youtube_daily_quota_units: int = 10_000
    youtube_search_calls_per_day: int = 20
    youtube_max_videos: int = 10
    secret_prefix: str = "/crisiswatch/fake"  # noqa: S105 (where secrets live, not a secret)


class FakeSourceServer:
    def __init__(
        self,
        data: CorpusData | None = None,
        *,
        address: tuple[str, int] = ("127.0.0.1", 0),
        now: datetime | None = None,
        settings: FakeSettings | None = None,
        credentials: FakeCredentials | None = None,
    ) -> None:
        self.state = State(
            data or CorpusData("brand", "brand"), settings or FakeSettings(), credentials or FakeCredentials()
        )
        self.state.clock = now
        self.apis: dict[SourceType, Api] = {
            "reddit": RedditApi(self.state),
            "mastodon": MastodonApi(self.state),
            "bluesky": BlueskyApi(self.state),
            "hackernews": HackerNewsApi(self.state),
            "rss": RssApi(self.state),
            "youtube": YouTubeApi(self.state),
            "x": XApi(self.state),
        }
        self.requests: list[LoggedRequest] = []
        self.errors: list[str] = []
        """Tracebacks of the fake's own bugs (answered as 500s); tests assert this stays empty."""
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(address, _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        bound = self._httpd.server_address
        self.url = f"http://{bound[0]!s}:{bound[1]}"
        self.state.url = self.url
        self._thread: threading.Thread | None = None

    # ----- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="fakesources",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; held (timeout) responses are released at once."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    # ----- where things are -------------------------------------------------------------------------

    def base_url(self, source: SourceType) -> str:
        """What to give a connector as `spec.base_url` (reddit, bluesky, hackernews, youtube, x)."""
        return self.url + PREFIXES[source]

    def instance_url(self, name: str) -> str:
        """A Mastodon instance's URL (its API paths are appended to it)."""
        return f"{self.url}/mastodon/{quote(name)}"

    def feed_url(self, name: str) -> str:
        return f"{self.url}/rss/{quote(name)}"

    def instance_urls(self) -> list[str]:
        return [self.instance_url(name) for name in self.data.instances]

    def feed_urls(self) -> list[str]:
        return [self.feed_url(name) for name in self.data.feeds]

    @property
    def data(self) -> CorpusData:
        return self.state.data

    def load(self, data: CorpusData) -> None:
        """Serve other data from now on."""
        with self.state.lock:
            self.state.data = data
            self.state.last_pages.clear()

    @property
    def settings(self) -> FakeSettings:
        return self.state.settings

    def configure(self, settings: FakeSettings) -> None:
        with self.state.lock:
            self.state.settings = settings

    @property
    def credentials(self) -> FakeCredentials:
        return self.state.credentials

    def secret_for(self, source: str) -> dict[str, str]:
        """The credentials dict a connector's `context.secret()` should return for `source`."""
        return self.state.credentials.secret_for(source)

    # ----- clock ------------------------------------------------------------------------------------

    @property
    def now(self) -> datetime:
        with self.state.lock:
            return self.state.now()

    def set_time(self, moment: datetime | None) -> None:
        """Items created after `moment` are invisible; None follows the wall clock."""
        if moment is not None and moment.tzinfo is None:
            raise ValueError("the server clock needs an aware datetime")
        with self.state.lock:
            self.state.clock = moment

    def advance(self, delta: timedelta) -> datetime:
        with self.state.lock:
            self.state.clock = self.state.now() + delta
            return self.state.clock

    # ----- faults and counters ----------------------------------------------------------------------

    @property
    def faults(self) -> LockedFaults:
        return LockedFaults(self.state)

    def counters(self) -> dict[str, dict[str, int]]:
        """Per source: requests, responses by status, items served, and each fault injected."""
        with self.state.lock:
            return {
                source: dict(sorted(counts.items())) for source, counts in sorted(self.state.counters.items())
            }

    def requests_to(self, prefix: str) -> list[LoggedRequest]:
        with self.state.lock:
            return [entry for entry in self.requests if entry.target.startswith(prefix)]

    # ----- watchlist --------------------------------------------------------------------------------

    def watchlist_toml(self, brand: str | None = None, options: WatchlistOptions | None = None) -> str:
        """A `config/crisiswatch.toml`-style watchlist for one brand, every source pointing here."""
        o = options or WatchlistOptions()
        data = self.data
        lines = [
            "# Generated by crisiswatch_ops.fakesources: every source points at the fake-source server.",
            "[[brands]]",
            f"name = {_toml(brand or data.brand)}",
            f"keywords = {_toml(list(o.keywords or [data.keyword]))}",
            "",
        ]
        common = {"max_pages": o.max_pages, "timeout_seconds": o.timeout_seconds}
        for table in self._source_tables(o):
            lines.append("[[brands.sources]]")
            lines.extend(f"{key} = {_toml(value)}" for key, value in {**table, **common}.items())
            lines.append("")
        return "\n".join(lines)

    def _source_tables(self, o: WatchlistOptions) -> list[dict[str, Any]]:
        """A table for each source of `o.sources`, in a fixed order, each pointing at this server."""
        data, wanted, secret_prefix = self.data, set(o.sources), o.secret_prefix
        tables: list[dict[str, Any]] = []
        if "reddit" in wanted:
            reddit: dict[str, Any] = {"type": "reddit", "id": "reddit", "base_url": self.base_url("reddit")}
            reddit.update(auth=o.reddit_auth, subreddits=data.subreddits)
            if o.reddit_auth == "oauth":
                reddit["secret"] = f"{secret_prefix}/reddit"
            tables.append(reddit)
        if "mastodon" in wanted:
            tables.append(
                {
                    "type": "mastodon",
                    "id": "mastodon",
                    "instances": self.instance_urls(),
                    "hashtags": data.hashtags,
                    "search": True,
                }
            )
        if "bluesky" in wanted:
            tables.append(
                {
                    "type": "bluesky",
                    "id": "bluesky",
                    "base_url": self.base_url("bluesky"),
                    "secret": f"{secret_prefix}/bluesky",
                }
            )
        if "hackernews" in wanted:
            tables.append({"type": "hackernews", "id": "hackernews", "base_url": self.base_url("hackernews")})
        if "rss" in wanted:
            tables.append({"type": "rss", "id": "rss", "feeds": self.feed_urls()})
        if "youtube" in wanted:
            tables.append(
                {
                    "type": "youtube",
                    "id": "youtube",
                    "base_url": self.base_url("youtube"),
                    "secret": f"{secret_prefix}/youtube",
                    "daily_quota_units": o.youtube_daily_quota_units,
                    "search_calls_per_day": o.youtube_search_calls_per_day,
                    "max_videos": o.youtube_max_videos,
                }
            )
        if "x" in wanted:
            tables.append(
                {
                    "type": "x",
                    "id": "x",
                    "base_url": self.base_url("x"),
                    "secret": f"{secret_prefix}/x",
                    "monthly_read_budget": o.x_monthly_read_budget,
                }
            )
        return tables

    # ----- answering --------------------------------------------------------------------------------

    def _answer(self, request: FakeRequest) -> FakeResponse:
        source = next(
            (
                name
                for name, prefix in PREFIXES.items()
                if request.full_path == prefix or request.full_path.startswith(prefix + "/")
            ),
            None,
        )
        state = self.state
        with state.lock:
            if source is None:
                response = FakeResponse(404, b'{"error": "no fake API here"}')
                self._log(request, response, "")
                return response
            api = self.apis[source]
            call = Call(
                FakeRequest(
                    request.method,
                    request.full_path[len(PREFIXES[source]) :] or "/",
                    request.full_path,
                    request.query,
                    request.headers,
                    request.body,
                ),
                source,
                state.faults.plan(request.full_path),
                state,
            )
            state.count(source, "requests")
            kind = call.claim(*api.transport_faults)
            try:
                response = api.fault(kind) if kind else api.handle(call)
            except Exception as error:  # a bug of the fake itself: say so loudly, never drop the connection
                self.errors.append(f"{request.method} {request.full_path}: {traceback.format_exc()}")
                state.count(source, "fake_server_errors")
                body = json.dumps({"error": f"fake server bug: {type(error).__name__}"}).encode()
                response = FakeResponse(500, body)
            if (
                response.status == 200
                and len(response.body) > 1
                and request.method != "HEAD"
                and call.claim(*BODY_FAULTS)
            ):
                response.body = _truncate(response.body, state.settings.truncate_fraction)
            state.count(source, f"status_{response.status}" if not response.hold else "held")
            self._log(request, response, call.plan.claimed.value if call.plan.claimed else "")
            return response

    def _log(self, request: FakeRequest, response: FakeResponse, fault: str) -> None:
        if len(self.requests) < MAX_LOGGED:
            query = "&".join(f"{key}={value}" for key, values in request.query.items() for value in values)
            target = request.full_path + (f"?{query}" if query else "")
            self.requests.append(
                LoggedRequest(self.state.now(), request.method, target, response.status, fault)
            )


class LockedFaults:
    """`server.faults`: the fault injector, called under the server's lock."""

    def __init__(self, state: State) -> None:
        self._state = state

    @property
    def _injector(self) -> FaultInjector:
        return self._state.faults

    def inject(self, prefix: str, kind: FaultKind | str, count: int = 1) -> None:
        with self._state.lock:
            self._injector.inject(prefix, kind, count)

    def schedule(self, prefix: str, kinds: Iterable[FaultKind | str], rate: float, seed: int = 0) -> None:
        with self._state.lock:
            self._injector.schedule(prefix, kinds, rate, seed)

    def clear(self) -> None:
        with self._state.lock:
            self._injector.clear()

    def pending(self) -> list[tuple[str, FaultKind, int]]:
        with self._state.lock:
            return self._injector.pending()


def _truncate(body: bytes, fraction: float) -> bytes:
    """A valid prefix of the document, cut `fraction` of the way (on a character boundary)."""
    text = body.decode("utf-8", "replace")
    return text[: min(max(1, int(len(text) * fraction)), len(text) - 1)].encode("utf-8")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    raise TypeError(f"cannot render {type(value).__name__} as TOML")


def _handler_for(server: FakeSourceServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"
        server_version = "FakeSources/1.0"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = FakeRequest(
                self.command,
                parts.path,
                parts.path,
                parse_qs(parts.query, keep_blank_values=True),
                {name.lower(): value for name, value in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            response = server._answer(request)
            if response.hold:
                server._stopping.wait(server.settings.hold_seconds)
                self.close_connection = True
                return
            try:
                self.send_response(response.status)
                if response.content_type:
                    self.send_header("Content-Type", response.content_type)
                for name, value in response.headers.items():
                    self.send_header(name, value)
                send_body = self.command != "HEAD" and response.status not in (204, 304)
                self.send_header("Content-Length", str(len(response.body) if send_body else 0))
                self.end_headers()
                if send_body:
                    self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
                pass

        do_GET = do_POST = do_HEAD = _serve  # noqa: N815

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: `server.requests` has the log."""

    return Handler
