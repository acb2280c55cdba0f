"""RSS and Atom feeds (news sites, news-search feeds such as Google News, blogs), parsed by feedparser.

The cursor keeps, per feed URL: the `ETag` and `Last-Modified` of the last 200 (sent back as
`If-None-Match` / `If-Modified-Since`; a 304 means nothing new), the ids of the items recently seen (those
of the last document, and older ones up to MAX_SEEN), and when the feed was last read. Feeds have no
paging: every fetch reads each feed once, least recently read first, so a fetch cut short by the
deadline does not starve the same feeds every time. A feed that fails is skipped and named in
`self.warnings`; the fetch fails only if every feed it tried failed: with that error when they all
failed the same way (a single feed's 429 stays a RateLimitedError), else SourceUnavailableError.

An item's id is its `guid`/`id`, else its link, else a hash of title + date. A guid that is not globally
unique by itself (no scheme, e.g. `12345`) is prefixed with the feed's host, so two sites numbering their
items alike do not overwrite each other's mentions. The body is handed to feedparser as bytes: feedparser
never fetches anything itself. An item without `published`/`updated` date is dated at fetch time (the
seen-ids set keeps it from being emitted again with a later date).
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax import SAXParseException

import feedparser  # type: ignore[import-untyped]

from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import MentionParts, mention_from_parts
from crisiswatch.domain.listening.watchlist import RssSpec
from crisiswatch.ports import FetchResult

from .base import Harvest, SourceContext, dump_cursor, load_cursor
from .errors import MalformedResponseError, SourceError, SourceUnavailableError
from .http import get

MAX_SEEN = 500
"""Item ids remembered per feed (at least every id of the last document, however long)."""
MAX_RAW_CHARS = 20_000
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True)
class _Feed:
    """The feed an entry came from: its address and its declared language."""

    url: str
    lang: str


@dataclass
class _FeedState:
    etag: str | None = None
    modified: str | None = None
    seen: list[str] = field(default_factory=list)
    polled: float = 0.0

    def to_json(self) -> dict[str, Any]:
        state: dict[str, Any] = {"seen": self.seen, "polled": self.polled}
        if self.etag:
            state["etag"] = self.etag
        if self.modified:
            state["modified"] = self.modified
        return state

    @classmethod
    def from_json(cls, state: Any) -> _FeedState:
        if not isinstance(state, dict):
            return cls()
        seen = state.get("seen")
        polled = state.get("polled")
        return cls(
            etag=state["etag"] if isinstance(state.get("etag"), str) else None,
            modified=state["modified"] if isinstance(state.get("modified"), str) else None,
            seen=[str(item) for item in seen] if isinstance(seen, list) else [],
            polled=float(polled) if isinstance(polled, int | float) and not isinstance(polled, bool) else 0.0,
        )


class RssSource:
    def __init__(self, spec: RssSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """The feeds the last fetch skipped, and why, for the caller to log."""

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        saved = load_cursor(cursor).get("feeds")
        saved = saved if isinstance(saved, dict) else {}
        feeds = {str(url): _FeedState.from_json(saved.get(str(url))) for url in self.spec.feeds}
        harvest = Harvest()
        tried = 0
        failures: list[SourceError] = []
        for url in sorted(feeds, key=lambda feed: feeds[feed].polled):
            if self.context.out_of_time():
                break
            tried += 1
            try:
                self._read_feed(url, feeds[url], now, harvest)
            except SourceError as error:
                failures.append(error)
                self.warnings.append(f"feed {url}: {error}")
        if tried and len(failures) == tried:
            if len({type(error) for error in failures}) == 1:
                raise failures[0]  # one cause (every feed asks to wait, or refuses us): keep its type
            raise SourceUnavailableError(f"all {tried} feeds failed: " + "; ".join(self.warnings))
        next_cursor = dump_cursor({"feeds": {url: state.to_json() for url, state in feeds.items()}})
        return harvest.result(next_cursor)

    def _request_url(self, url: str) -> str:
        """`spec.base_url` replaces the feed's scheme and host (a proxy, or the test server)."""
        if not self.spec.base_url:
            return url
        parts = urlsplit(url)
        return f"{str(self.spec.base_url).rstrip('/')}{parts.path}" + (
            f"?{parts.query}" if parts.query else ""
        )

    def _read_feed(
        self,
        url: str,
        state: _FeedState,
        now: datetime,
        harvest: Harvest,
    ) -> None:
        headers = {"Accept": ACCEPT}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.modified:
            headers["If-Modified-Since"] = state.modified
        response = get(self.context.session, self._request_url(url), now, headers=headers)
        if response.status_code == 304:
            state.polled = now.timestamp()
            return
        if response.status_code != 200:
            raise SourceError(f"HTTP {response.status_code} {response.reason}")
        try:
            parsed = feedparser.parse(
                io.BytesIO(response.content),  # a stream: feedparser must never fetch or open anything itself
                response_headers={
                    "content-type": response.headers.get("Content-Type", "application/xml"),
                    "content-language": response.headers.get("Content-Language", ""),
                    "content-location": url,
                },
            )
        except (
            Exception
        ) as error:  # untrusted bytes in a third-party parser: one bad feed must not stop the rest
            raise MalformedResponseError(f"feedparser failed: {type(error).__name__}") from None
        entries = parsed.get("entries") or []
        if isinstance(parsed.get("bozo_exception"), SAXParseException):
            # Not well-formed XML: a feed cut off in transit. Taking its items would store the cut item
            # under a made-up id, and saving its ETag would turn every later poll into a 304.
            raise MalformedResponseError(f"feed is not well-formed XML ({parsed.get('bozo_exception')})")
        if not entries and parsed.get("bozo") and not parsed.get("version"):
            raise MalformedResponseError(f"not a feed ({parsed.get('bozo_exception')})")
        feed_lang = str(parsed.get("feed", {}).get("language") or "")
        seen = set(state.seen)
        current: list[str] = []
        for entry in entries:
            item_id = _item_id(entry, url)
            if item_id in current:
                continue
            current.append(item_id)
            if item_id in seen or item_id in harvest.emitted:
                continue
            harvest.emitted.add(item_id)
            self._keep(entry, item_id, _Feed(url, feed_lang), now, harvest)
        older = [item_id for item_id in state.seen if item_id not in set(current)]
        state.seen = (current + older)[: max(MAX_SEEN, len(current))]
        state.etag = response.headers.get("ETag") or None
        state.modified = response.headers.get("Last-Modified") or None
        state.polled = now.timestamp()

    def _keep(
        self,
        entry: Any,
        item_id: str,
        feed: _Feed,
        now: datetime,
        harvest: Harvest,
    ) -> None:
        raw = _raw_entry(entry, feed.url)
        try:
            title, summary = _field(entry, "title"), _summary(entry)
            if not isinstance(title, str | None) or not isinstance(summary, str | None):
                raise InvalidMentionError("title and summary must be text")
            mention = mention_from_parts(
                MentionParts(
                    source="rss",
                    native_id=item_id,
                    brand=self.context.brand.name,
                    created_at=_published(entry) or now,
                    text="\n".join(part for part in (title, summary) if part),
                    author=_field(entry, "author") or _source_title(entry),
                    url=_field(entry, "link") or "",
                    lang=_language(entry) or feed.lang or "und",
                    raw=raw,
                )
            )
        except InvalidMentionError as error:
            harvest.rejected.append((json.dumps(raw, ensure_ascii=False)[:MAX_RAW_CHARS], error.reason))
            return
        if self.context.brand.matches(mention.text) and self.context.brand.keeps_language(mention.lang):
            harvest.mentions.append(mention)


def _field(entry: Any, key: str) -> Any:
    """An entry's own field: feedparser's `get` maps `updated` to `published` (with a warning) when absent."""
    return dict.get(entry, key) if isinstance(entry, dict) else None


def _item_id(entry: Any, feed_url: str) -> str:
    guid = _field(entry, "id")
    if isinstance(guid, str) and guid.strip():
        guid = guid.strip()
        return guid if ":" in guid else f"{urlsplit(feed_url).netloc}#{guid}"
    link = _field(entry, "link")
    if isinstance(link, str) and link.strip():
        return link.strip()
    basis = f"{_field(entry, 'title') or ''}\n{_field(entry, 'published') or _field(entry, 'updated') or ''}"
    return f"{urlsplit(feed_url).netloc}#sha256:{hashlib.sha256(basis.encode()).hexdigest()[:32]}"


def _published(entry: Any) -> datetime | None:
    """feedparser's normalised date (a UTC struct_time), published first."""
    for key in ("published_parsed", "updated_parsed"):
        value = _field(entry, key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (TypeError, ValueError, OverflowError, OSError):
                continue
    return None


def _summary(entry: Any) -> Any:
    summary = _field(entry, "summary")
    if summary:
        return summary
    content = _field(entry, "content")
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return content[0].get("value")
    return None


def _language(entry: Any) -> str:
    for key in ("title_detail", "summary_detail"):
        detail = _field(entry, key)
        if isinstance(detail, dict) and isinstance(detail.get("language"), str) and detail["language"]:
            return str(detail["language"])
    return ""


def _source_title(entry: Any) -> str:
    """News aggregators (Google News) name the publisher in <source>, not the author."""
    source = _field(entry, "source")
    title = source.get("title") if isinstance(source, dict) else None
    return title if isinstance(title, str) else ""


def _raw_entry(entry: Any, feed_url: str) -> dict[str, Any]:
    """The entry's own fields, as JSON-safe values (feedparser adds struct_times and detail dicts)."""
    raw: dict[str, Any] = {"feed": feed_url}
    for key in ("id", "link", "title", "summary", "author", "published", "updated"):
        value = _field(entry, key)
        if value is not None:
            raw[key] = value if isinstance(value, str | int | float | bool) else str(value)
    tags = _field(entry, "tags")
    if isinstance(tags, list):
        raw["tags"] = [str(tag.get("term")) for tag in tags if isinstance(tag, dict) and tag.get("term")]
    source = _source_title(entry)
    if source:
        raw["source"] = source
    return raw
