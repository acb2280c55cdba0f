"""The fake sources' data: the "known mentions" each API serves, and the generator `make_corpus`.

An item is source-neutral (`FakeItem`: a native id, a creation time, a text, an author...) and each API
module renders it in that API's own JSON or XML shape. `make_corpus(brand, total, seed, (start, end))`
spreads `total` mentions of the brand over the seven sources and returns the data for the server and the
set of `(source type, native id)` a correct connector stores, with the ids exactly as the connectors
store them:

- reddit: the fullname (`t3_…` for posts found by search, `t1_…` for comments of the watched subreddits);
- mastodon: the status `uri` (the same status has a different local `id` on every instance; see
  `CorpusData.expected(mastodon_ids="id")` for connectors keyed by the local id);
- bluesky: the post `at://` URI; hackernews: the Algolia `objectID`; youtube: the top-level comment id;
- x: the tweet id; rss: the item's `guid` (always a URL or a `tag:` URI here), else its `link`; atom: `id`.

Besides the mentions there is noise no connector may keep: texts where the brand is only a prefix of a
longer word (a fuzzy search hit, e.g. "Northwindville"), and unrelated comments in the unfiltered streams
(a subreddit's comments, a video's comments, a feed). Texts include emoji and other non-ASCII characters,
HTML (Mastodon, HN comments, YouTube and RSS are HTML anyway), a few non-English ones and a few very long
ones. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, NamedTuple

SourceType = Literal["reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube", "x"]
SOURCE_TYPES: tuple[SourceType, ...] = ("reddit", "mastodon", "bluesky", "hackernews", "rss", "youtube", "x")

DEFAULT_START = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
DEFAULT_SPAN = timedelta(hours=12)
X_EPOCH_MS = 1_288_834_974_657
"""Twitter's snowflake epoch."""
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
_YT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

# Low bits of the time-based ids: real items use the lower part, decoys and malformed items the top, so
# an injected item can sit between two real ones without colliding with either.
_MASTODON_REAL_BITS = 0xEFFF
_MASTODON_INJECTED = 0xF000
_X_REAL_BITS = 0x3EFFFF
_X_INJECTED = 0x3F0000


@dataclass(frozen=True)
class FakeItem:
    """One post, comment, status, story, article or video comment a fake API serves."""

    source: SourceType
    native_id: str
    """The id as the connector stores it (see the module docstring)."""
    created_at: datetime
    text: str
    author: str
    followers: int = 0
    url: str = ""
    lang: str | None = "en"
    """None: the API does not say (or says null)."""
    title: str = ""
    """Reddit post title, HN story title, RSS/Atom item title."""
    kind: str = ""
    """reddit: "t3" (post) / "t1" (comment); hackernews: "story" / "comment"; rss: "rss" / "atom"."""
    place: str = ""
    """reddit: subreddit; rss: feed name; youtube: video id; mastodon: the home instance."""
    instance_ids: dict[str, str] = field(default_factory=dict)
    """mastodon: instance name -> the status's local id there (one entry per instance that has it)."""
    tags: tuple[str, ...] = ()
    """mastodon: hashtags (without #)."""
    extra: dict[str, str] = field(default_factory=dict)
    """Source-specific details: reddit `link_id`; bluesky `did`, `handle`, `cid`; x `author_id`; rss
    `guid` ("" when the item has none) and `guid_permalink`; hackernews `story_id`; youtube `channel_id`."""
    matches: bool = True
    """Whether the text mentions the brand as a whole word (a connector keeps it)."""
    decoy: bool = False
    """Injected by a fault (never part of the corpus)."""


@dataclass(frozen=True)
class FakeVideo:
    video_id: str
    title: str
    description: str
    channel_id: str
    channel_title: str
    published_at: datetime
    comments_disabled: bool = False


@dataclass(frozen=True)
class MastodonInstance:
    name: str
    closed: bool = False
    """Public timelines closed (`timelines_access`): the hashtag timeline answers 401 without a token."""
    search: bool = True
    """Full-text status search set up; without it v2 search finds no statuses."""


@dataclass(frozen=True)
class FeedConfig:
    name: str
    format: Literal["rss", "atom"] = "rss"
    title: str = ""
    language: str = "en"


@dataclass
class CorpusData:
    """Everything the server serves. Items of all sources; which ones are visible depends on the clock."""

    brand: str
    keyword: str
    items: dict[SourceType, list[FakeItem]] = field(default_factory=dict)
    videos: list[FakeVideo] = field(default_factory=list)
    subreddits: list[str] = field(default_factory=list)
    hashtags: list[str] = field(default_factory=list)
    instances: dict[str, MastodonInstance] = field(default_factory=dict)
    feeds: dict[str, FeedConfig] = field(default_factory=dict)

    def of(self, source: SourceType) -> list[FakeItem]:
        return self.items.setdefault(source, [])

    def add(self, *items: FakeItem) -> None:
        for item in items:
            self.of(item.source).append(item)

    def video(self, video_id: str) -> FakeVideo | None:
        return next((video for video in self.videos if video.video_id == video_id), None)

    def expected(
        self, *, mastodon_ids: Literal["uri", "id"] = "uri", search_terms: Iterable[str] | None = None
    ) -> frozenset[tuple[str, str]]:
        """(source type, native id) of every item a correct connector stores, given the watchlist that
        `FakeSourceServer.watchlist_toml` renders (every subreddit, hashtag, instance and feed here)."""
        terms = [term.casefold() for term in (search_terms or [self.keyword])]
        watched_subs = {sub.casefold() for sub in self.subreddits}
        watched_tags = {tag.casefold() for tag in self.hashtags}
        found: set[tuple[str, str]] = set()
        for source, items in self.items.items():
            for item in items:
                if not item.matches or item.decoy:
                    continue
                if source == "reddit" and item.kind == "t1" and item.place.casefold() not in watched_subs:
                    continue
                if source == "youtube":
                    video = self.video(item.place)
                    if video is None or video.comments_disabled:
                        continue
                if source == "mastodon":
                    found.update(self._mastodon_keys(item, mastodon_ids, watched_tags, terms))
                    continue
                found.add((source, item.native_id))
        return frozenset(found)

    def _mastodon_keys(
        self, item: FakeItem, policy: str, tags: set[str], terms: list[str]
    ) -> set[tuple[str, str]]:
        keys: set[tuple[str, str]] = set()
        tagged = any(tag.casefold() in tags for tag in item.tags)
        for name, local_id in item.instance_ids.items():
            instance = self.instances.get(name, MastodonInstance(name))
            if instance.closed and not instance.search:
                continue
            reachable = (tagged and not instance.closed) or (
                instance.search and any(term in item.text.casefold() for term in terms)
            )
            if reachable:
                keys.add(("mastodon", item.native_id if policy == "uri" else local_id))
        return keys


class Corpus(NamedTuple):
    """What `make_corpus` returns: the server's data and the ids a correct connector stores."""

    data: CorpusData
    expected: frozenset[tuple[str, str]]


# ----- texts --------------------------------------------------------------------------------------------

_EN = (
    "Just tried {kw} again and honestly it was fine.",
    "Why is {kw} support so slow today? 😤",
    "{kw} shipped the update 🎉🎉 finally",
    "Anyone else seeing {kw} outages right now?",
    "Long thread about {kw} pricing & what it means for small shops <3",
    "I ❤️ {kw} — café crème is back 👨‍👩‍👧",
    '{kw}\'s new app: 5/10, the "dark mode" is nice though 📈',
    "hot take: {kw} > everyone else (fight me) 🔥",
)
_OTHER = (
    ("fr", "J'adore {kw}, le service était génial ☕"),
    ("de", "Schon wieder Probleme mit {kw} heute – ärgerlich 😠"),
    ("es", "¿Alguien más tiene problemas con {kw}? 🤔"),
    ("ja", "{kw} の新しいアプリは使いやすい！"),
    ("ar", "تجربتي مع {kw} كانت رائعة"),
    ("pt", "Comprei na {kw} ontem, chegou rápido 🚚"),
)
_HTML = (
    '<p>Read about <b>{kw}</b> &amp; more: <a href="https://example.com/x?a=1&amp;b=2">link</a></p>',
    "<p>{kw} status page says <i>all good</i>.</p><p>It is not.<br>Second line</p>",
)
_NOISE_FUZZY = (
    "Spent the weekend in {kw}ville, lovely town",
    "The {kw}ers fan club meets on Friday",
    "{kw}ish weather today, grab a coat",
)
_NOISE_PLAIN = (
    "Great game last night!",
    "Does anyone know a good plumber?",
    "first 🥇",
    "This thread is off topic, mods please lock",
)
_LONG_UNIT = "and another thing about it, with emoji 🚀 and accents é à ü — "


def slug(keyword: str) -> str:
    """A hashtag or subreddit-safe form of a keyword."""
    return re.sub(r"\W", "", keyword).lower() or "brand"


def _hash(*parts: object) -> bytes:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).digest()


def _digits(alphabet: str, data: bytes, length: int) -> str:
    number = int.from_bytes(data, "big")
    out = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, index = divmod(number, 36)
        out = digits[index] + out
        if not number:
            return out


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def mastodon_id(moment: datetime, low: int) -> str:
    """Mastodon's snowflake: milliseconds << 16 plus 16 sequence bits."""
    return str((epoch_ms(moment) << 16) | (low & 0xFFFF))


def x_id(moment: datetime, low: int) -> str:
    """Twitter's snowflake: milliseconds since its epoch << 22 plus worker and sequence bits."""
    return str(((epoch_ms(moment) - X_EPOCH_MS) << 22) | (low & 0x3FFFFF))


def bluesky_tid(moment: datetime, clock_id: int) -> str:
    """An atproto TID: microseconds << 10 plus a clock id, in sortable base32 (13 characters)."""
    value = (int(moment.timestamp() * 1_000_000) << 10) | (clock_id & 0x3FF)
    out = ""
    for _ in range(13):
        value, index = divmod(value, 32)
        out = _TID_ALPHABET[index] + out
    return out


def did_for(author: str) -> str:
    return "did:plc:" + _digits(_TID_ALPHABET, _hash("did", author), 24)


def video_id_for(*parts: object) -> str:
    return _digits(_YT_ALPHABET, _hash("video", *parts), 11)


def comment_id_for(*parts: object) -> str:
    return "Ugz" + _digits(_YT_ALPHABET, _hash("comment", *parts), 19) + "4AaABAg"


def _text(rng: random.Random, keyword: str, *, html_ok: bool, long_ok: bool) -> tuple[str, str | None]:
    lang: str | None
    """A text mentioning the keyword, and its language (None sometimes: not every API says)."""
    roll = rng.random()
    spelled = rng.choice((keyword, keyword, keyword.lower(), keyword.upper()))
    if roll < 0.12:
        lang, template = rng.choice(_OTHER)
        return template.format(kw=spelled), lang
    if roll < 0.2:
        return rng.choice(_HTML).format(kw=spelled), "en"
    if long_ok and roll < 0.24:
        return f"{spelled} " + (_LONG_UNIT * 600), "en"
    lang = None if roll > 0.95 else "en"
    return rng.choice(_EN).format(kw=spelled), lang


def _noise(rng: random.Random, keyword: str, *, fuzzy: bool) -> str:
    if fuzzy:
        return rng.choice(_NOISE_FUZZY).format(kw=keyword)
    return rng.choice(_NOISE_PLAIN)


def _times(rng: random.Random, count: int, start: datetime, end: datetime) -> list[datetime]:
    """`count` distinct whole seconds in (start, end], sorted (APIs with second precision stay ordered)."""
    span = max(int((end - start).total_seconds()), count + 1)
    seconds = sorted(rng.sample(range(1, span + 1), count)) if count else []
    return [start + timedelta(seconds=second) for second in seconds]


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


@dataclass(frozen=True)
class _Share:
    """One source's part of a corpus: its random stream, how many matching items and how many that a
    connector must drop (`noise`), spread between `start` and `end`."""

    rng: random.Random
    count: int
    noise: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class CorpusMix:
    """What a corpus's texts mention and how much it holds that a connector must drop.

    `keyword` (default: the brand name) is what the texts mention, and what the rendered watchlist
    watches. About `noise * total` extra items that a connector must drop are added (not in `expected`).
    """

    keyword: str | None = None
    noise: float = 0.15


def make_corpus(
    brand: str,
    total: int = 350,
    seed: int = 0,
    span: tuple[datetime, datetime] | None = None,
    mix: CorpusMix = CorpusMix(),
) -> Corpus:
    """Spread `total` mentions of `brand` over the seven sources between `span`'s start and end
    (default: `DEFAULT_SPAN` from `DEFAULT_START`)."""
    start, end = span or (DEFAULT_START, DEFAULT_START + DEFAULT_SPAN)
    keyword, noise = mix.keyword, mix.noise
    if end <= start:
        raise ValueError("end must be after start")
    keyword = keyword or brand
    tag = slug(keyword)
    rng = random.Random(seed)
    data = CorpusData(
        brand=brand,
        keyword=keyword,
        subreddits=["coffee", tag[:21] if len(tag) >= 2 else "brandsub"],
        hashtags=[tag],
        instances={
            "a": MastodonInstance("a", search=True),
            "b": MastodonInstance("b", search=False),
            "closed": MastodonInstance("closed", closed=True, search=False),
        },
        feeds={
            "news": FeedConfig("news", "rss", "Example News", "en"),
            "blog": FeedConfig("blog", "atom", "A Coffee Blog", "en"),
            "presse": FeedConfig("presse", "rss", "La Presse Exemple", "fr"),
        },
    )
    counts = dict(zip(SOURCE_TYPES, _split(total, len(SOURCE_TYPES)), strict=True))
    extra = {source: max(1, round(count * noise)) if noise > 0 else 0 for source, count in counts.items()}
    builders = {
        "reddit": _reddit,
        "mastodon": _mastodon,
        "bluesky": _bluesky,
        "hackernews": _hackernews,
        "rss": _rss,
        "youtube": _youtube,
        "x": _x,
    }
    for source in SOURCE_TYPES:
        share = _Share(random.Random(rng.random()), counts[source], extra[source], start, end)
        builders[source](data, share)
    return Corpus(data, data.expected())


def _authors(rng: random.Random, count: int) -> list[tuple[str, int]]:
    names = [
        "ana_k",
        "Zoë",
        "bob1987",
        "méline",
        "chen.wei",
        "devops_dan",
        "Ola🌻",
        "kofi",
        "r2",
        "the_real_x",
    ]
    return [
        (rng.choice(names) + str(rng.randrange(1000)), int(rng.paretovariate(1.2) * 40)) for _ in range(count)
    ]


def _reddit(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw = data.keyword
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    posts = comments = 0
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        author, _ = _authors(rng, 1)[0]
        sub = rng.choice(data.subreddits)
        if rng.random() < 0.6:
            posts += 1
            ident = base36(0x1B00000 + index * 7 + 3)
            if matches:
                text, _lang = _text(rng, kw, html_ok=True, long_ok=True)
                title = rng.choice((f"{kw} question", f"PSA about {kw}", f"{kw}?!"))
                body = "" if rng.random() < 0.3 else text  # a link post has no selftext
            else:
                title, body = _noise(rng, kw, fuzzy=True), ""
            data.add(
                FakeItem(
                    "reddit",
                    f"t3_{ident}",
                    moment,
                    body,
                    author,
                    0,
                    f"https://www.reddit.com/r/{sub}/comments/{ident}/post/",
                    None,
                    title,
                    "t3",
                    sub,
                    matches=matches,
                )
            )
        else:
            comments += 1
            ident = base36(0x9A00000 + index * 11 + 5)
            text = _text(rng, kw, html_ok=True, long_ok=True)[0] if matches else _noise(rng, kw, fuzzy=False)
            link = base36(0x1A00000 + rng.randrange(5000))
            data.add(
                FakeItem(
                    "reddit",
                    f"t1_{ident}",
                    moment,
                    text,
                    author,
                    0,
                    f"https://www.reddit.com/r/{sub}/comments/{link}/x/{ident}/",
                    None,
                    "",
                    "t1",
                    sub,
                    extra={"link_id": f"t3_{link}"},
                    matches=matches,
                )
            )


def _mastodon(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw, tag = data.keyword, data.hashtags[0]
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        author, followers = _authors(rng, 1)[0]
        user = re.sub(r"\W", "", author.lower()) or "user"
        tagged = matches and rng.random() < 0.85
        home = "a" if (not matches or not tagged) else rng.choice(("a", "b"))
        origin = f"{home}.social.example"
        origin_id = mastodon_id(moment, index)
        instances = {home}
        if tagged and rng.random() < 0.35:
            instances.add("b" if home == "a" else "a")
        if tagged and rng.random() < 0.3:
            instances.add("closed")
        if matches:
            text, lang = _text(rng, kw, html_ok=True, long_ok=True)
        else:
            text, lang = _noise(rng, kw, fuzzy=True), "en"
        data.add(
            FakeItem(
                "mastodon",
                f"https://{origin}/users/{user}/statuses/{origin_id}",
                moment,
                text,
                f"{user}@{origin}",
                followers,
                f"https://{origin}/@{user}/{origin_id}",
                lang,
                place=home,
                instance_ids={
                    name: mastodon_id(
                        moment, int.from_bytes(_hash(name, index)[:2], "big") & _MASTODON_REAL_BITS
                    )
                    for name in sorted(instances)
                },
                tags=(tag,) if tagged else (),
                matches=matches,
            )
        )


def _bluesky(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw = data.keyword
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        author, followers = _authors(rng, 1)[0]
        handle = (re.sub(r"[^a-z0-9]", "", author.lower()) or "user") + ".bsky.social"
        did = did_for(handle)
        rkey = bluesky_tid(moment, index)
        text, lang = (
            _text(rng, kw, html_ok=False, long_ok=False) if matches else (_noise(rng, kw, fuzzy=True), "en")
        )
        data.add(
            FakeItem(
                "bluesky",
                f"at://{did}/app.bsky.feed.post/{rkey}",
                moment,
                text,
                handle,
                followers,
                f"https://bsky.app/profile/{handle}/post/{rkey}",
                lang,
                extra={
                    "did": did,
                    "handle": handle,
                    "cid": "bafyrei" + _digits(_TID_ALPHABET, _hash(rkey), 52),
                },
                matches=matches,
            )
        )


def _hackernews(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw = data.keyword
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        author = re.sub(r"\W", "", _authors(rng, 1)[0][0]) or "pg"
        object_id = str(40_100_000 + index * 13)
        story = str(40_000_000 + rng.randrange(90_000))
        if rng.random() < 0.35:
            title = rng.choice((f"Show HN: a {kw} client", f"{kw} raises prices", f"Ask HN: Is {kw} down?"))
            if not matches:
                title = _noise(rng, kw, fuzzy=True)
            text = (
                ""
                if rng.random() < 0.5
                else (_text(rng, kw, html_ok=True, long_ok=False)[0] if matches else "")
            )
            item = FakeItem(
                "hackernews",
                object_id,
                moment,
                text,
                author,
                0,
                f"https://example.com/{object_id}",
                None,
                title,
                "story",
                extra={"story_id": object_id},
                matches=matches,
            )
        else:
            text = _text(rng, kw, html_ok=True, long_ok=True)[0] if matches else _noise(rng, kw, fuzzy=True)
            item = FakeItem(
                "hackernews",
                object_id,
                moment,
                text,
                author,
                0,
                "",
                None,
                "",
                "comment",
                extra={"story_id": story},
                matches=matches,
            )
        data.add(item)


def _rss(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw = data.keyword
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    feeds = list(data.feeds.values())
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        feed = rng.choice(feeds)
        link = f"https://{feed.name}.example/articles/{index:05d}-{slug(kw)}"
        if feed.format == "atom":
            guid, permalink = f"tag:{feed.name}.example,2024:post-{index}", "false"
        elif rng.random() < 0.2:
            guid, permalink = "", ""  # no guid: the link identifies the item
        elif rng.random() < 0.5:
            guid, permalink = link, "true"
        else:
            guid, permalink = f"https://{feed.name}.example/?p={index}", "false"
        if matches:
            text, _lang = _text(rng, kw, html_ok=True, long_ok=True)
            title = rng.choice((f"{kw} announces layoffs", f"Review: {kw} in 2024", f"Why {kw} matters"))
            if feed.language == "fr":
                title = f"{kw} : ce qu'il faut savoir"
        else:
            text, title = _noise(rng, kw, fuzzy=False), _noise(rng, kw, fuzzy=False)
        if rng.random() < 0.3:
            text = ""  # title only
        author = _authors(rng, 1)[0][0]
        data.add(
            FakeItem(
                "rss",
                guid or link,
                moment,
                text,
                author,
                0,
                link,
                feed.language,
                title,
                feed.format,
                feed.name,
                extra={"guid": guid, "guid_permalink": permalink},
                matches=matches,
            )
        )


def _youtube(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    """Videos about the brand (one with comments disabled), comments arriving in the hours after each."""
    kw = data.keyword
    span = end - start
    videos = max(3, count // 12)
    for index in range(videos):
        published = start + span * (index / videos) * 0.8 + timedelta(seconds=rng.randrange(1, 600))
        published = published.replace(microsecond=0)
        data.videos.append(
            FakeVideo(
                video_id_for(kw, index),
                rng.choice((f"{kw} review", f"Unboxing {kw} 📦", f"{kw}: the truth")) + f" #{index}",
                f"Everything about {kw}. <b>Subscribe</b>!",
                "UC" + _digits(_YT_ALPHABET, _hash("channel", index % 3), 22),
                f"Channel {index % 3} 🎬",
                published,
                comments_disabled=index == 1,
            )
        )
    open_videos = [video for video in data.videos if not video.comments_disabled]
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    used: set[datetime] = set()
    for index, matches in enumerate(flags):
        video = open_videos[index % len(open_videos)]
        window = max(int(min(end - video.published_at, timedelta(hours=3)).total_seconds()), 60)
        moment = video.published_at + timedelta(seconds=rng.randrange(1, window))
        while moment in used:
            moment += timedelta(seconds=1)
        used.add(moment)
        author = _authors(rng, 1)[0][0]
        text = _text(rng, kw, html_ok=True, long_ok=True)[0] if matches else _noise(rng, kw, fuzzy=False)
        comment_id = comment_id_for(kw, index)
        data.add(
            FakeItem(
                "youtube",
                comment_id,
                moment,
                text,
                author,
                0,
                f"https://www.youtube.com/watch?v={video.video_id}&lc={comment_id}",
                None,
                place=video.video_id,
                extra={"channel_id": "UC" + _digits(_YT_ALPHABET, _hash(author), 22)},
                matches=matches,
            )
        )


def _x(data: CorpusData, share: _Share) -> None:
    rng, count, noise, start, end = share.rng, share.count, share.noise, share.start, share.end
    kw = data.keyword
    times = _times(rng, count + noise, start, end)
    flags = [True] * count + [False] * noise
    rng.shuffle(flags)
    for index, (moment, matches) in enumerate(zip(times, flags, strict=True)):
        author, followers = _authors(rng, 1)[0]
        username = re.sub(r"\W", "", author) or "user"
        author_id = str(10_000 + int.from_bytes(_hash(username)[:3], "big"))
        tweet_id = x_id(moment, index & _X_REAL_BITS)
        text, lang = (
            _text(rng, kw, html_ok=False, long_ok=False) if matches else (_noise(rng, kw, fuzzy=True), "en")
        )
        data.add(
            FakeItem(
                "x",
                tweet_id,
                moment,
                text,
                username,
                followers,
                f"https://x.com/{username}/status/{tweet_id}",
                lang or "und",
                extra={"author_id": author_id},
                matches=matches,
            )
        )


# ----- injected items (decoys and malformed items) ------------------------------------------------------


def injected_item(
    source: SourceType, template: FakeItem, moment: datetime, serial: int, *, matches: bool
) -> FakeItem:
    """An item that is not part of the corpus, created at `moment` (between two neighbours of a page),
    with an id that sorts there and collides with nothing. Decoys do not mention the brand (a fuzzy
    search hit that is deleted right after); malformed items do (they are then broken by the API)."""
    kw = "decoy" if not matches else template.text.split(" ")[0] or "x"
    text = f"[removed] {kw}zz spam offer" if not matches else template.text
    title = (text if not matches else template.title) if template.title else ""
    base = replace(template, created_at=moment, text=text, title=title, decoy=True, matches=matches)
    if source == "reddit":
        ident = base36(0x2F00000 + serial)
        return replace(
            base, native_id=f"{template.kind or 't3'}_{ident}", title=text if template.kind == "t3" else ""
        )
    if source == "mastodon":
        low = _MASTODON_INJECTED | (serial & 0x0FFF)
        return replace(
            base,
            native_id=f"https://spam.social.example/users/spam/statuses/{serial}",
            instance_ids={name: mastodon_id(moment, low) for name in template.instance_ids},
            tags=template.tags if matches else (),  # a hashtag link would mention the brand
        )
    if source == "bluesky":
        did = did_for(f"spam{serial}")
        rkey = bluesky_tid(moment, 0x3F0 | (serial & 0xF))
        return replace(
            base, native_id=f"at://{did}/app.bsky.feed.post/{rkey}", extra={**template.extra, "did": did}
        )
    if source == "hackernews":
        return replace(base, native_id=str(90_000_000 + serial))
    if source == "youtube":
        return replace(base, native_id=comment_id_for("injected", serial))
    if source == "x":
        return replace(base, native_id=x_id(moment, _X_INJECTED | (serial & 0xFFFF)))
    link = f"https://spam.example/{serial}"
    return replace(base, native_id=link, url=link, extra={"guid": link, "guid_permalink": "true"})
