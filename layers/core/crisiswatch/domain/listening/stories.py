"""Syndication: one story copied across sources (same link, near-identical text) is one voice, not many."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .mentions import Mention

MIN_TEXT_CHARS = 40
"""Shorter texts ("so true", "same") collide by chance; only longer ones say the same story."""

_URL = re.compile(r"https?://\S+")
_HANDLE = re.compile(r"[@#]\w+")
_NOT_WORD = re.compile(r"[^\w]+")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|ref|ref_src|cmpid|ocid|share|s)$")
ARTICLE_SOURCES = frozenset({"rss", "hackernews"})
"""Sources whose `url` is the story's own link (elsewhere it is the post's address on the platform)."""


def canonical_url(url: str) -> str | None:
    """Scheme, `www.`, fragments, trailing slashes and tracking parameters removed."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query) if not _TRACKING.match(k)))
    return urlunsplit(("", host, parts.path.rstrip("/") or "/", query, "")).lstrip("/")


def text_fingerprint(text: str) -> str | None:
    words = _NOT_WORD.sub(" ", _HANDLE.sub(" ", _URL.sub(" ", text.casefold()))).split()
    normalised = " ".join(words)
    if len(normalised) < MIN_TEXT_CHARS:
        return None
    return hashlib.sha256(normalised.encode()).hexdigest()[:24]


def story_keys(mention: Mention) -> list[str]:
    """Every key under which copies of this mention's story can be found (link first, then text)."""
    keys = []
    if mention.source in ARTICLE_SOURCES and (link := canonical_url(mention.url)):
        keys.append("url:" + hashlib.sha256(link.encode()).hexdigest()[:24])
    for raw in (mention.extra.get("shared_url"), mention.extra.get("link_url")):
        if isinstance(raw, str) and (link := canonical_url(raw)):
            keys.append("url:" + hashlib.sha256(link.encode()).hexdigest()[:24])
    if fingerprint := text_fingerprint(mention.text):
        keys.append("text:" + fingerprint)
    return list(dict.fromkeys(keys))
