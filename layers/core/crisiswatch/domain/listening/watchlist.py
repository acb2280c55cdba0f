"""The watchlist: which brands to watch, with which keywords, on which sources. Validated on load.

The deployed file is `config/crisiswatch.toml` (see its comments for every option). Loading it checks
everything at once and reports each problem with its place in the file, so a typo fails the deploy's
first fetch loudly instead of silently watching nothing.
"""

from __future__ import annotations

import re
import tomllib
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

from ..speech import DEFAULT_LANGUAGE, AddressForm, known_language
from .language import normalise_tag

_ID = r"^[a-z0-9][a-z0-9-]{0,39}$"


Language = Annotated[str, AfterValidator(known_language)]
"""A language code, refused (with its place) unless CrisisWatch speaks it."""


class WatchlistError(ValueError):
    """The watchlist file is invalid; `problems` lists each one as `where: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid watchlist:\n  " + "\n  ".join(problems))
        self.problems = problems


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceSpec(_Spec):
    """What every source has. `id` names it in cursors, metrics and logs (unique within a brand)."""

    id: str = Field(pattern=_ID)
    type: str
    """The connector: reddit, mastodon, bluesky, hackernews, rss, youtube or x."""
    enabled: bool = True
    timeout_seconds: float = Field(default=25.0, gt=0, le=600)
    """The whole fetch's deadline; each request also has its own short timeout."""
    max_pages: int = Field(default=5, ge=1, le=100)
    """Pages per fetch at most; the cursor resumes the rest next tick."""
    base_url: HttpUrl | None = None
    """Override the API's host (a proxy, or the fake-source server in tests)."""
    secret: str | None = None
    """Name of an SSM SecureString parameter (`/...`) or a Secrets Manager secret holding credentials."""


class RedditSpec(SourceSpec):
    type: Literal["reddit"]
    query: str | None = None
    """Search query; defaults to the brand's keywords joined with OR."""
    subreddits: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{2,21}$")]] = []
    """Also read the newest comments of these subreddits."""
    auth: Literal["oauth", "anonymous"] = "anonymous"
    """`oauth` (100 QPM) needs `secret` with client_id, client_secret, username, password."""

    @model_validator(mode="after")
    def _oauth_needs_secret(self) -> RedditSpec:
        if self.auth == "oauth" and not self.secret:
            raise ValueError("auth = 'oauth' needs a secret (client_id, client_secret, username, password)")
        return self


class MastodonSpec(SourceSpec):
    type: Literal["mastodon"]
    instances: list[HttpUrl] = Field(min_length=1)
    hashtags: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,100}$")]] = []
    """Without the #. Hashtag timelines are public on most instances."""
    search: bool = False
    """Also use status search (depends on the instance's search setup)."""

    @model_validator(mode="after")
    def _something_to_read(self) -> MastodonSpec:
        if not self.hashtags and not self.search:
            raise ValueError("give hashtags, or set search = true")
        return self


class BlueskySpec(SourceSpec):
    type: Literal["bluesky"]
    query: str | None = None
    secret: str = Field(min_length=1)
    """Credentials: {"identifier": handle, "password": app password} (searchPosts needs a session)."""


class HackerNewsSpec(SourceSpec):
    type: Literal["hackernews"]
    query: str | None = None
    tags: list[Literal["story", "comment"]] = ["story", "comment"]


class RssSpec(SourceSpec):
    type: Literal["rss"]
    feeds: list[HttpUrl] = Field(min_length=1)
    """RSS or Atom feeds, news searches included (for example a news site's search feed)."""


class YouTubeSpec(SourceSpec):
    type: Literal["youtube"]
    query: str | None = None
    secret: str = Field(min_length=1)
    """Credentials: {"api_key": ...}."""
    daily_quota_units: int = Field(default=10_000, ge=1)
    search_calls_per_day: int = Field(default=20, ge=0, le=100)
    """search.list has its own small budget (100 calls a day); each call finds recent videos."""
    max_videos: int = Field(default=10, ge=1, le=50)
    """Videos whose comments are read per fetch (each comment page costs one unit)."""


class XSpec(SourceSpec):
    type: Literal["x"]
    query: str | None = None
    secret: str = Field(min_length=1)
    """Credentials: {"bearer_token": ...}."""
    monthly_read_budget: int = Field(gt=0)
    """Posts read per calendar month (UTC) at most; X bills each post read. Never exceeded."""


Source = Annotated[
    RedditSpec | MastodonSpec | BlueskySpec | HackerNewsSpec | RssSpec | YouTubeSpec | XSpec,
    Field(discriminator="type"),
]
SOURCE_TYPES = ("reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube", "x")


class Brand(_Spec):
    name: str = Field(min_length=1, max_length=80)
    keywords: list[Annotated[str, Field(min_length=2, max_length=100)]] = Field(min_length=1)
    exclusions: list[Annotated[str, Field(min_length=2, max_length=100)]] = []
    """A mention containing any of these is not about the brand (a namesake, a street...)."""
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = []
    """ISO 639-1/3 codes to keep; empty keeps every language (unknown languages are always kept)."""
    statement_language: Language = DEFAULT_LANGUAGE
    """The language the brand publishes its statements in (its pre-approved statements' library)."""
    address_form: AddressForm = "Sie"
    """How a German statement addresses the public: Sie, or du where the brand speaks that way."""
    sources: list[Source] = []

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceSpec]) -> list[SourceSpec]:
        ids = [source.id for source in sources]
        duplicates = sorted({source_id for source_id in ids if ids.count(source_id) > 1})
        if duplicates:
            raise ValueError(f"source ids must be unique within a brand: {', '.join(duplicates)}")
        return sources

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


class Watchlist(_Spec):
    brands: list[Brand] = Field(min_length=1)

    @field_validator("brands")
    @classmethod
    def _unique_names(cls, brands: list[Brand]) -> list[Brand]:
        names = [brand.name.casefold() for brand in brands]
        if len(set(names)) != len(names):
            raise ValueError("brand names must be unique")
        return brands

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


def _where(location: tuple[int | str, ...]) -> str:
    where = ""
    for part in location:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part not in SOURCE_TYPES:  # the discriminator's branch name is noise to a reader
            where += f".{part}" if where else str(part)
    return where or "(top level)"


def load_watchlist(path: str) -> Watchlist:
    try:
        with open(path, encoding="utf-8") as handle:
            return parse_watchlist(handle.read())
    except OSError as error:
        raise WatchlistError([f"cannot read {path}: {error.strerror}"]) from None


def parse_watchlist(text: str) -> Watchlist:
    """Parse and validate TOML; every problem is reported at once with where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WatchlistError([f"not valid TOML: {error}"]) from None
    try:
        return Watchlist.model_validate(data)
    except ValidationError as error:
        problems = [f"{_where(item['loc'])}: {item['msg']}" for item in error.errors()]
        raise WatchlistError(problems) from None
