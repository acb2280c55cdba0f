"""A fake-source server for the local runtime and tests: seven public APIs on one local HTTP server.

The real connectors run against it unchanged, pointed at it by `spec.base_url` (Reddit, Bluesky, Hacker
News, YouTube, X), by Mastodon instance URLs and by RSS feed URLs. It serves a corpus of known mentions
that become visible as its clock moves, injects faults on demand (HTTP 5xx, timeouts, 429 with
`Retry-After`, truncated bodies, duplicates across pages, out-of-order pages, items deleted between pages,
malformed items), and counts what it injected and served.

- `server.py`: `FakeSourceServer` (lifecycle, URLs, clock, faults, counters, watchlist TOML);
- `corpus.py`: `make_corpus` and the data model; `faults.py`: `FaultKind` and the injector;
- `reddit.py`, `mastodon.py`, `bluesky.py`, `hackernews.py`, `rss.py`, `youtube.py`, `x.py`: each API,
  with what is faithful to the real one and what is simplified in its docstring.

Operator-side and test code only; never shipped in a Lambda.
"""

from .common import MALFORMED_VARIANTS, FakeCredentials, FakeSettings
from .corpus import (
    SOURCE_TYPES,
    Corpus,
    CorpusData,
    FakeItem,
    FakeVideo,
    FeedConfig,
    MastodonInstance,
    SourceType,
    make_corpus,
)
from .faults import ALL_FAULTS, BODY_FAULTS, LISTING_FAULTS, TRANSPORT_FAULTS, FaultKind
from .server import FakeSourceServer, LoggedRequest, WatchlistOptions

__all__ = [
    "ALL_FAULTS",
    "BODY_FAULTS",
    "LISTING_FAULTS",
    "MALFORMED_VARIANTS",
    "SOURCE_TYPES",
    "TRANSPORT_FAULTS",
    "Corpus",
    "CorpusData",
    "FakeCredentials",
    "FakeItem",
    "FakeSettings",
    "FakeSourceServer",
    "FakeVideo",
    "FaultKind",
    "FeedConfig",
    "LoggedRequest",
    "MastodonInstance",
    "SourceType",
    "WatchlistOptions",
    "make_corpus",
]
