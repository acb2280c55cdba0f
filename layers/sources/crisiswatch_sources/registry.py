"""Build the connector a source spec names. Connector modules are imported on demand: a function
invocation pays only for the one source it fetches."""

from __future__ import annotations

import importlib

from crisiswatch.domain.listening.watchlist import SourceSpec
from crisiswatch.ports import MentionSource

from .base import SourceContext

CONNECTORS = {
    "reddit": ("reddit", "RedditSource"),
    "mastodon": ("mastodon", "MastodonSource"),
    "bluesky": ("bluesky", "BlueskySource"),
    "hackernews": ("hackernews", "HackerNewsSource"),
    "rss": ("rss", "RssSource"),
    "youtube": ("youtube", "YouTubeSource"),
    "x": ("x", "XSource"),
}


def build_source(spec: SourceSpec, context: SourceContext) -> MentionSource:
    module_name, class_name = CONNECTORS[spec.type]
    module = importlib.import_module(f"{__package__}.{module_name}")
    source: MentionSource = getattr(module, class_name)(spec, context)
    return source
