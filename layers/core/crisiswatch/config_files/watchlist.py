"""The watchlist file's schema and loader; the meaning of each field is in `domain/listening/watchlist.py`.

Loading checks everything at once and reports each problem with its place in the file, so a typo fails
the deploy's first fetch loudly instead of silently watching nothing.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from ..domain.listening import watchlist as domain
from ..domain.speech import DEFAULT_LANGUAGE, AddressForm, known_language
from .convert import to_domain

_ID = r"^[a-z0-9][a-z0-9-]{0,39}$"


class WatchlistError(ValueError):
    """The watchlist file is invalid; `problems` lists each one as `where: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid watchlist:\n  " + "\n  ".join(problems))
        self.problems = problems


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The schema classes carry the domain's names: pydantic names them in some messages.
class SourceSpec(_Schema):
    id: str = Field(pattern=_ID)
    type: str
    enabled: bool = True
    timeout_seconds: float = Field(default=25.0, gt=0, le=600)
    max_pages: int = Field(default=5, ge=1, le=100)
    base_url: HttpUrl | None = None
    secret: str | None = None


class RedditSpec(SourceSpec):
    type: Literal["reddit"]
    query: str | None = None
    subreddits: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{2,21}$")]] = []
    auth: Literal["oauth", "anonymous"] = "anonymous"

    @model_validator(mode="after")
    def _oauth_needs_secret(self) -> RedditSpec:
        if self.auth == "oauth" and not self.secret:
            raise ValueError("auth = 'oauth' needs a secret (client_id, client_secret, username, password)")
        return self


class MastodonSpec(SourceSpec):
    type: Literal["mastodon"]
    instances: list[HttpUrl] = Field(min_length=1)
    hashtags: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9_]{1,100}$")]] = []
    search: bool = False

    @model_validator(mode="after")
    def _something_to_read(self) -> MastodonSpec:
        if not self.hashtags and not self.search:
            raise ValueError("give hashtags, or set search = true")
        return self


class BlueskySpec(SourceSpec):
    type: Literal["bluesky"]
    query: str | None = None
    secret: str = Field(min_length=1)


class HackerNewsSpec(SourceSpec):
    type: Literal["hackernews"]
    query: str | None = None
    tags: list[Literal["story", "comment"]] = ["story", "comment"]


class RssSpec(SourceSpec):
    type: Literal["rss"]
    feeds: list[HttpUrl] = Field(min_length=1)


class YouTubeSpec(SourceSpec):
    type: Literal["youtube"]
    query: str | None = None
    secret: str = Field(min_length=1)
    daily_quota_units: int = Field(default=10_000, ge=1)
    search_calls_per_day: int = Field(default=20, ge=0, le=100)
    max_videos: int = Field(default=10, ge=1, le=50)


class XSpec(SourceSpec):
    type: Literal["x"]
    query: str | None = None
    secret: str = Field(min_length=1)
    monthly_read_budget: int = Field(gt=0)


Source = Annotated[
    RedditSpec | MastodonSpec | BlueskySpec | HackerNewsSpec | RssSpec | YouTubeSpec | XSpec,
    Field(discriminator="type"),
]
SPECS: dict[type[SourceSpec], type[domain.SourceSpec]] = {
    RedditSpec: domain.RedditSpec,
    MastodonSpec: domain.MastodonSpec,
    BlueskySpec: domain.BlueskySpec,
    HackerNewsSpec: domain.HackerNewsSpec,
    RssSpec: domain.RssSpec,
    YouTubeSpec: domain.YouTubeSpec,
    XSpec: domain.XSpec,
}
"""Each source's schema and the domain spec it becomes."""


class Brand(_Schema):
    name: str = Field(min_length=1, max_length=80)
    keywords: list[Annotated[str, Field(min_length=2, max_length=100)]] = Field(min_length=1)
    exclusions: list[Annotated[str, Field(min_length=2, max_length=100)]] = []
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = []
    statement_language: Annotated[str, AfterValidator(known_language)] = DEFAULT_LANGUAGE
    address_form: AddressForm = "Sie"
    sources: list[Source] = []

    @field_validator("sources")
    @classmethod
    def _unique_ids(cls, sources: list[SourceSpec]) -> list[SourceSpec]:
        ids = [source.id for source in sources]
        duplicates = sorted({source_id for source_id in ids if ids.count(source_id) > 1})
        if duplicates:
            raise ValueError(f"source ids must be unique within a brand: {', '.join(duplicates)}")
        return sources


class Watchlist(_Schema):
    brands: list[Brand] = Field(min_length=1)

    @field_validator("brands")
    @classmethod
    def _unique_names(cls, brands: list[Brand]) -> list[Brand]:
        names = [brand.name.casefold() for brand in brands]
        if len(set(names)) != len(names):
            raise ValueError("brand names must be unique")
        return brands


def source_spec(data: Mapping[str, object]) -> domain.SourceSpec:
    """One source's table, validated (pydantic's `ValidationError` if not) and converted."""
    spec = TypeAdapter[SourceSpec](Source).validate_python(data)
    return to_domain(spec, SPECS[type(spec)])


def converted(watchlist: Watchlist) -> domain.Watchlist:
    brands = tuple(
        to_domain(
            brand,
            domain.Brand,
            sources=tuple(to_domain(source, SPECS[type(source)]) for source in brand.sources),
        )
        for brand in watchlist.brands
    )
    return domain.Watchlist(brands=brands)


def _where(location: tuple[int | str, ...]) -> str:
    where = ""
    for part in location:
        if isinstance(part, int):
            where += f"[{part}]"
        elif part not in domain.SOURCE_TYPES:  # the discriminator's branch name is noise to a reader
            where += f".{part}" if where else str(part)
    return where or "(top level)"


def load_watchlist(path: str) -> domain.Watchlist:
    try:
        with open(path, encoding="utf-8") as handle:
            return parse_watchlist(handle.read())
    except OSError as error:
        raise WatchlistError([f"cannot read {path}: {error.strerror}"]) from None


def parse_watchlist(text: str) -> domain.Watchlist:
    """Parse and validate TOML; every problem is reported at once with where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WatchlistError([f"not valid TOML: {error}"]) from None
    return parse_data(data)


def parse_data(data: Mapping[str, object]) -> domain.Watchlist:
    """Validate the watchlist as a TOML parser gives it (tables as dicts)."""
    try:
        return converted(Watchlist.model_validate(data))
    except ValidationError as error:
        problems = [f"{_where(item['loc'])}: {item['msg']}" for item in error.errors()]
        raise WatchlistError(problems) from None
