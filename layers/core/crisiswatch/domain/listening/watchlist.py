"""The watchlist: which brands to watch, with which keywords, on which sources.

Plain frozen dataclasses with the rules that read them (matching, language, fan-out pairs). The deployed
file is `config/crisiswatch.toml` (see its comments for every option); `crisiswatch/config_files/`
validates it at the edge and builds these, so the domain never sees an unchecked value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..speech import DEFAULT_LANGUAGE, AddressForm
from .language import normalise_tag

SOURCE_TYPES = ("reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube", "x")


@dataclass(frozen=True, kw_only=True)
class SourceSpec:
    """What every source has. `id` names it in cursors, metrics and logs (unique within a brand)."""

    id: str
    type: str
    """The connector: reddit, mastodon, bluesky, hackernews, rss, youtube or x."""
    enabled: bool = True
    timeout_seconds: float = 25.0
    """The whole fetch's deadline; each request also has its own short timeout."""
    max_pages: int = 5
    """Pages per fetch at most; the cursor resumes the rest next tick."""
    base_url: str | None = None
    """Override the API's host (a proxy, or the fake-source server in tests)."""
    secret: str | None = None
    """Name of an SSM SecureString parameter (`/...`) or a Secrets Manager secret holding credentials."""


@dataclass(frozen=True, kw_only=True)
class RedditSpec(SourceSpec):
    type: Literal["reddit"] = "reddit"
    query: str | None = None
    """Search query; defaults to the brand's keywords joined with OR."""
    subreddits: tuple[str, ...] = ()
    """Also read the newest comments of these subreddits."""
    auth: Literal["oauth", "anonymous"] = "anonymous"
    """`oauth` (100 QPM) needs `secret` with client_id, client_secret, username, password."""


@dataclass(frozen=True, kw_only=True)
class MastodonSpec(SourceSpec):
    type: Literal["mastodon"] = "mastodon"
    instances: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    """Without the #. Hashtag timelines are public on most instances."""
    search: bool = False
    """Also use status search (depends on the instance's search setup)."""


@dataclass(frozen=True, kw_only=True)
class BlueskySpec(SourceSpec):
    type: Literal["bluesky"] = "bluesky"
    query: str | None = None
    secret: str
    """Credentials: {"identifier": handle, "password": app password} (searchPosts needs a session)."""


@dataclass(frozen=True, kw_only=True)
class HackerNewsSpec(SourceSpec):
    type: Literal["hackernews"] = "hackernews"
    query: str | None = None
    tags: tuple[Literal["story", "comment"], ...] = ("story", "comment")


@dataclass(frozen=True, kw_only=True)
class RssSpec(SourceSpec):
    type: Literal["rss"] = "rss"
    feeds: tuple[str, ...] = ()
    """RSS or Atom feeds, news searches included (for example a news site's search feed)."""


@dataclass(frozen=True, kw_only=True)
class YouTubeSpec(SourceSpec):
    type: Literal["youtube"] = "youtube"
    query: str | None = None
    secret: str
    """Credentials: {"api_key": ...}."""
    daily_quota_units: int = 10_000
    search_calls_per_day: int = 20
    """search.list has its own small budget (100 calls a day); each call finds recent videos."""
    max_videos: int = 10
    """Videos whose comments are read per fetch (each comment page costs one unit)."""


@dataclass(frozen=True, kw_only=True)
class XSpec(SourceSpec):
    type: Literal["x"] = "x"
    query: str | None = None
    secret: str
    """Credentials: {"bearer_token": ...}."""
    monthly_read_budget: int
    """Posts read per calendar month (UTC) at most; X bills each post read. Never exceeded."""


@dataclass(frozen=True, kw_only=True)
class Brand:
    name: str
    keywords: tuple[str, ...]
    exclusions: tuple[str, ...] = ()
    """A mention containing any of these is not about the brand (a namesake, a street...)."""
    languages: tuple[str, ...] = ()
    """ISO 639-1/3 codes to keep; empty keeps every language (unknown languages are always kept)."""
    statement_language: str = DEFAULT_LANGUAGE
    """The language the brand publishes its statements in (its pre-approved statements' library)."""
    address_form: AddressForm = "Sie"
    """How a German statement addresses the public: Sie, or du where the brand speaks that way."""
    sources: tuple[SourceSpec, ...] = ()

    def default_query(self) -> str:
        return " OR ".join(f'"{keyword}"' if " " in keyword else keyword for keyword in self.keywords)

    def matches(self, text: str) -> bool:
        """Whether a text is about this brand: a keyword as a whole word, and no exclusion."""
        folded = text.casefold()
        if any(exclusion.casefold() in folded for exclusion in self.exclusions):
            return False
        return any(_keyword_pattern(keyword).search(folded) for keyword in self.keywords)

    def keeps_language(self, lang: str) -> bool:
        """Whether a source's tag ("en-GB", "de,en", "und") is one to keep: unknown ones always are."""
        codes = normalise_tag(lang)
        if not self.languages or not codes:
            return True
        wanted = {code for language in self.languages for code in normalise_tag(language)}
        return any(code in wanted for code in codes)


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Word boundaries that also work for hashtags and names with punctuation ("#northwind", "AT&T").
    return re.compile(r"(?<![\w#@])" + re.escape(keyword.casefold()) + r"(?!\w)")


@dataclass(frozen=True, kw_only=True)
class Watchlist:
    brands: tuple[Brand, ...]

    def brand(self, name: str) -> Brand:
        for brand in self.brands:
            if brand.name == name:
                return brand
        raise KeyError(name)

    def pairs(self) -> list[tuple[Brand, SourceSpec]]:
        """Every enabled (brand, source) pair: the unit of fan-out."""
        return [(brand, source) for brand in self.brands for source in brand.sources if source.enabled]

    def pair(self, brand_name: str, source_id: str) -> tuple[Brand, SourceSpec]:
        brand = self.brand(brand_name)
        for source in brand.sources:
            if source.id == source_id:
                return brand, source
        raise KeyError(f"{brand_name}/{source_id}")
