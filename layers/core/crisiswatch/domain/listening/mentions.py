"""Mentions: what people said about a brand, normalised from any source."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from ..clock import parse_iso, to_iso
from ..errors import InvalidMentionError

MAX_TEXT_CHARS = 20_000
"""Longer texts are cut (and flagged): a 400 kB DynamoDB item must also hold the raw payload."""

MAX_FIELD_CHARS = 2_048
MAX_TAG_CHARS = 100
"""A language tag (or a list of them, "de,en") is short; anything longer is cut."""
MAX_EXTRA_CHARS = 100_000
MAX_FOLLOWERS = 10**12
"""More than any account has: a larger count is garbage (and may not fit a DynamoDB number)."""
REQUIRED_REPLAY_KEYS = ("source", "id", "created_at", "text")
_SOURCE_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_TAGS = re.compile(r"<[^>]{0,2000}>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Mention:
    """One post, comment or article that mentions a brand."""

    source: str
    native_id: str
    brand: str
    created_at: datetime
    text: str
    author: str = ""
    author_followers: int = 0
    url: str = ""
    lang: str = "und"
    """The language the text is in: the source's tag, or identified at ingest ("und" when unknown)."""
    extra: dict[str, Any] = field(default_factory=dict)
    engagement: dict[str, int] = field(default_factory=dict)
    """Likes, replies, shares... as the source counts them."""
    lang_tag: str = ""
    """The source's own language tag when it differs from `lang` ("de-DE", "en" on a German text,
    "und" when the language was identified); empty when they agree."""
    group: str = field(default="", compare=False)
    """Which mentions were stored together (set by the mention store): counting marks a group's
    mentions counted in one ledger instead of one marker each. Empty when unknown."""

    @property
    def mention_id(self) -> str:
        """The deduplication key: a source's own id is unique within that source only."""
        return f"{self.source}#{self.native_id}"


def clean_text(raw: str) -> tuple[str, bool]:
    """Strip HTML, collapse whitespace, cap the length. Returns the text and whether it was truncated."""
    # Lone surrogates ("\ud800" is valid JSON) cannot be stored as UTF-8: replace them, keep the rest.
    raw = raw.encode("utf-8", errors="replace").decode("utf-8")
    text = html.unescape(_TAGS.sub(" ", raw))
    text = _SPACE.sub(" ", text).strip()
    if len(text) > MAX_TEXT_CHARS:
        return text[:MAX_TEXT_CHARS], True
    return text, False


def _short_str(payload: dict[str, Any], key: str, default: str = "") -> str:
    value = payload.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str | int | float):
        raise InvalidMentionError(f"field '{key}' must be a string, got {type(value).__name__}")
    return str(value)[:MAX_FIELD_CHARS].encode("utf-8", errors="replace").decode("utf-8")


def _followers(payload: dict[str, Any]) -> int:
    value = payload.get("author_followers", 0)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidMentionError("field 'author_followers' must be a number")
    try:
        followers = int(float(value))
    except (ValueError, OverflowError):
        raise InvalidMentionError("field 'author_followers' must be a number") from None
    if followers > MAX_FOLLOWERS:
        raise InvalidMentionError("field 'author_followers' is out of range")
    return max(followers, 0)


def mention_from_dict(payload: Any, brand: str) -> Mention:
    """Validate and normalise one replay-format mention; raises `InvalidMentionError` with the reason."""
    if not isinstance(payload, dict):
        raise InvalidMentionError(f"a mention must be a JSON object, got {type(payload).__name__}")
    missing = [key for key in REQUIRED_REPLAY_KEYS if payload.get(key) in (None, "")]
    if missing:
        raise InvalidMentionError(f"missing field(s): {', '.join(missing)}")
    source = _short_str(payload, "source").strip().lower()
    if not _SOURCE_PATTERN.match(source):
        raise InvalidMentionError(f"field 'source' is not a source name: {source[:40]!r}")
    native_id = _short_str(payload, "id").strip()
    if not native_id:
        raise InvalidMentionError("field 'id' is blank")
    raw_text = payload["text"]
    if not isinstance(raw_text, str):
        raise InvalidMentionError("field 'text' must be a string")
    try:
        created_at = parse_iso(_short_str(payload, "created_at"))
    except (ValueError, OverflowError):  # OverflowError: an offset that moves year 1 or 9999 out of range
        raise InvalidMentionError(f"field 'created_at' is not ISO 8601: {payload['created_at']!r}") from None
    text, truncated = clean_text(raw_text)
    known = {"source", "id", "created_at", "author", "author_followers", "text", "url", "lang", "lang_tag"}
    extra = {key: value for key, value in payload.items() if key not in known}
    if len(json.dumps(extra, default=str)) > MAX_EXTRA_CHARS:
        # Kept keys must never push the item past DynamoDB's 400 kB: the source would stall on it.
        extra = {"extra_dropped": f"{len(extra)} extra field(s) over {MAX_EXTRA_CHARS} characters"}
    if truncated:
        extra["text_truncated"] = True
    return Mention(
        source=source,
        native_id=native_id,
        brand=brand,
        created_at=created_at,
        text=text,
        author=_short_str(payload, "author"),
        author_followers=_followers(payload),
        url=_short_str(payload, "url"),
        lang=(_short_str(payload, "lang") or "und").lower()[:MAX_TAG_CHARS],
        lang_tag=_short_str(payload, "lang_tag").lower()[:MAX_TAG_CHARS],
        extra=extra,
    )


MAX_RAW_CHARS = 20_000


@dataclass(frozen=True, kw_only=True)
class MentionParts:
    """A connector's fields of one post, as the source gave them (checked by `mention_from_parts`).

    `created_at` may be an ISO string, epoch seconds or a datetime; `raw` is the source's payload."""

    source: str
    native_id: object
    brand: str
    created_at: datetime | str | int | float | None
    text: object
    author: object = ""
    author_followers: object = 0
    url: object = ""
    lang: object = "und"
    engagement: dict[str, object] | None = None
    raw: object = None


def mention_from_parts(parts: MentionParts) -> Mention:
    """Build a mention from a connector's fields, with the same checks as the replay format.

    The raw payload is kept (capped) in `extra["raw"]` so nothing the source said is lost. Raises
    `InvalidMentionError` with the reason.
    """
    created_at = parts.created_at
    if isinstance(created_at, int | float) and not isinstance(created_at, bool):
        try:
            created_at = datetime.fromtimestamp(float(created_at), UTC)
        except (OverflowError, OSError, ValueError):
            raise InvalidMentionError(f"created_at is not a time: {created_at!r}") from None
    payload: dict[str, Any] = {
        "source": parts.source,
        "id": parts.native_id,
        "created_at": to_iso(created_at) if isinstance(created_at, datetime) else created_at,
        "text": parts.text,
        "author": parts.author,
        "author_followers": parts.author_followers,
        "url": parts.url,
        "lang": parts.lang or "und",
    }
    mention = mention_from_dict(payload, parts.brand)
    counts = {}
    for key, value in (parts.engagement or {}).items():
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 10**12:
            counts[str(key)[:40]] = int(value)
    extra: dict[str, Any] = {}
    if parts.raw is not None:
        encoded = json.dumps(parts.raw, default=str, ensure_ascii=False)
        extra["raw"] = parts.raw if len(encoded) <= MAX_RAW_CHARS else {"truncated": encoded[:MAX_RAW_CHARS]}
    return replace(mention, engagement=counts, extra={**mention.extra, **extra})


def mention_from_json_line(line: str, brand: str) -> Mention:
    """Parse one JSON Lines record; a non-JSON line is an `InvalidMentionError`, never a crash."""
    try:
        payload = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as error:  # Recursion: "[[[[..."
        raise InvalidMentionError(
            f"not valid JSON: {error.msg if hasattr(error, 'msg') else error}"
        ) from None
    return mention_from_dict(payload, brand)


def mention_to_dict(mention: Mention) -> dict[str, Any]:
    """The replay format again (used by drills and exports)."""
    return {
        "source": mention.source,
        "id": mention.native_id,
        "created_at": to_iso(mention.created_at),
        "author": mention.author,
        "author_followers": mention.author_followers,
        "text": mention.text,
        "url": mention.url,
        "lang": mention.lang,
        **({"lang_tag": mention.lang_tag} if mention.lang_tag else {}),
        **mention.extra,
    }
