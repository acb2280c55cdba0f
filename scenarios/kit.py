"""A small kit for replay scenarios: ordinary chatter by hour of day, crisis phases that rise and fall,
texts from template banks in several languages, and each source's ids, URLs and language tags in the
shapes its API gives them.

A scenario is a `Scenario`: who is talked about, when the crisis starts, which sources carry it and what
people say in each phase. `Scenario.generate()` is deterministic for its seed (standard library only)
and returns the mentions sorted by time, each with its ground truth (`kind`, `crisis`, `lang_truth`).
"""

from __future__ import annotations

import json
import math
import random
import re
import string
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

BUCKET = timedelta(minutes=5)
B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B32_TID = "234567abcdefghijklmnopqrstuvwxyz"
CRISIS_KINDS = frozenset({"crisis", "news", "reaction"})

# Ordinary mentions per 5-minute bucket in Central European daytime (UTC hours), as a share of the peak.
EUROPEAN_DAY = (
    0.12, 0.08, 0.06, 0.05, 0.07, 0.18, 0.45, 0.72, 0.85, 0.9, 0.92, 0.95,
    1.0, 0.97, 0.93, 0.9, 0.92, 0.96, 1.0, 0.9, 0.7, 0.45, 0.28, 0.18,
)  # fmt: skip

WORKWEEK = (1.05, 1.0, 1.0, 1.0, 0.95, 0.75, 0.7)
"""Weekday factors for `daily`, Monday first: a little busier on Monday, quieter at the weekend."""


@dataclass(frozen=True)
class SourceStyle:
    """How a source tags language: `tags` is the share of posts whose tag is given, `wrong` the share of
    given tags that are the client's default instead of the post's language (Mastodon clients default to
    the interface language), `form` how the tag is written ("de", "de-DE")."""

    name: str
    tags: float = 0.0
    wrong: float = 0.0
    default: str = "en"
    form: str = "short"
    followers: tuple[int, int] = (20, 2_000)


SOURCES: Mapping[str, SourceStyle] = {
    # Mastodon's `language` is set by the client; some clients leave the interface language on.
    "mastodon": SourceStyle("mastodon", tags=0.95, wrong=0.08, followers=(15, 3_000)),
    # Bluesky's `langs` is set by most clients, absent for some.
    "bluesky": SourceStyle("bluesky", tags=0.7, wrong=0.03, followers=(10, 5_000)),
    # Reddit, Hacker News and YouTube comments say nothing about language.
    "reddit": SourceStyle("reddit", followers=(1, 40_000)),
    "hackernews": SourceStyle("hackernews", followers=(0, 0)),
    "youtube": SourceStyle("youtube", followers=(0, 0)),
    # A feed declares its language for every item, as the region form ("de-DE").
    "rss": SourceStyle("rss", tags=1.0, form="region", followers=(50_000, 2_000_000)),
}


@dataclass(frozen=True)
class Phase:
    """What some people say for a while: `rate(minutes)` mentions per 5 minutes, minutes counted from
    the scenario's crisis start (negative before it), texts drawn from `texts` by language share."""

    kind: str
    texts: Mapping[str, Sequence[str]]
    languages: Mapping[str, float]
    sources: Mapping[str, float]
    rate: Callable[[float], float]
    reach: tuple[int, int] | None = None
    """Followers for this phase's authors (journalists, news outlets), else the source's own range."""


@dataclass(frozen=True)
class Scripted:
    """One post at a fixed time (minutes after the crisis start): the first report of a crisis, say."""

    minutes: float
    kind: str
    source: str
    language: str
    text: str


@dataclass(frozen=True)
class Scenario:
    name: str
    brand: str
    seed: int
    start: datetime
    crisis_start: datetime
    end: datetime
    phases: Sequence[Phase]
    slots: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Words the templates' `{slot}`s are filled from; `{brand}` is always the brand."""
    scripted: Sequence[Scripted] = ()

    def generate(self) -> list[dict[str, object]]:
        rng = random.Random(self.seed)
        ids = _Ids(rng)
        lines: list[dict[str, object]] = []
        moment = self.start
        while moment < self.end:
            minutes = (moment - self.crisis_start).total_seconds() / 60
            for phase in self.phases:
                for _ in range(_poisson(rng, max(0.0, phase.rate(minutes)))):
                    at = moment + timedelta(seconds=rng.randrange(int(BUCKET.total_seconds())))
                    lines.append(self._mention(rng, ids, phase, at))
            moment += BUCKET
        for post in self.scripted:
            once = Phase(
                post.kind, {post.language: [post.text]}, {post.language: 1.0}, {post.source: 1.0}, _never
            )
            lines.append(self._mention(rng, ids, once, self.crisis_start + timedelta(minutes=post.minutes)))
        lines.sort(key=lambda line: (str(line["created_at"]), str(line["source"]), str(line["id"])))
        return lines

    def _mention(self, rng: random.Random, ids: _Ids, phase: Phase, at: datetime) -> dict[str, object]:
        source = _pick(rng, phase.sources)
        style = SOURCES[source]
        language = _pick(rng, phase.languages)
        text = self._fill(rng, rng.choice(list(phase.texts[language])))
        low, high = phase.reach or style.followers
        followers = int(math.exp(rng.uniform(math.log(low + 1), math.log(high + 1)))) - 1
        author = ids.author(source)
        native, url = ids.post(source, author, at)
        return {
            "source": source,
            "id": native,
            "created_at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "author": author,
            "author_followers": max(0, followers),
            "text": text,
            "url": url,
            "lang": _tag(rng, style, language),
            "kind": phase.kind,
            "crisis": phase.kind in CRISIS_KINDS,
            "lang_truth": language,
        }

    def _fill(self, rng: random.Random, template: str) -> str:
        def slot(match: re.Match[str]) -> str:
            name = match.group(1)
            return self.brand if name == "brand" else rng.choice(list(self.slots[name]))

        return " ".join(re.sub(r"\{(\w+)\}", slot, template).split())  # an empty slot leaves no gap

    def render(self) -> str:
        """The scenario's JSON Lines text, checked (the same bytes for the same seed)."""
        lines = self.generate()
        check(self, lines)
        return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)

    def write(self, path: Path) -> Counter[str]:
        text = self.render()
        path.write_text(text, "utf-8")
        lines = [json.loads(line) for line in text.splitlines()]
        return Counter(f"{line['kind']}:{line['lang_truth']}" for line in lines)

    def main(self, path: Path) -> int:
        """A generator's command: write the file, then say how many lines of each kind and language."""
        counts = self.write(path)
        print(f"wrote {path.name}: {sum(counts.values())} mentions")
        for key, count in sorted(counts.items()):
            print(f"  {key:20} {count}")
        return 0


def check(scenario: Scenario, lines: Sequence[Mapping[str, object]]) -> None:
    """What every scenario file promises: sorted, ids unique per source, the brand named in every text,
    nothing labelled crisis before the crisis start, every line inside the scenario's window."""
    problems: list[str] = []
    seen: set[tuple[object, object]] = set()
    start, crisis, end = (_iso(moment) for moment in (scenario.start, scenario.crisis_start, scenario.end))
    for before, line in zip([None, *lines], lines, strict=False):
        if before is not None and str(line["created_at"]) < str(before["created_at"]):
            problems.append(f"not sorted at {line['id']}")
        if (line["source"], line["id"]) in seen:
            problems.append(f"duplicate {line['source']} id {line['id']}")
        seen.add((line["source"], line["id"]))
        if scenario.brand.lower() not in str(line["text"]).lower():
            problems.append(f"{line['id']} does not name {scenario.brand}: {line['text']!r}")
        if line["crisis"] and str(line["created_at"]) < crisis:
            problems.append(f"crisis line {line['id']} before the crisis start")
        if not start <= str(line["created_at"]) < end:
            problems.append(f"{line['id']} outside the scenario's window")
    if problems:
        raise ValueError(f"{scenario.name}: " + "; ".join(problems[:10]))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def daily(
    peak: float,
    profile: Sequence[float] = EUROPEAN_DAY,
    start: datetime | None = None,
    weekdays: Sequence[float] | None = None,
) -> Callable[[float], float]:
    """Ordinary chatter: `peak` mentions per 5 minutes at the busiest hour, following `profile` by UTC hour
    (the crisis start anchors the clock: pass it as `start`), times `weekdays[Monday=0 … Sunday=6]` when
    given (`WORKWEEK`: quieter weekends)."""
    anchor = start or datetime(2000, 1, 1, tzinfo=UTC)

    def rate(minutes: float) -> float:
        moment = anchor + timedelta(minutes=minutes)
        hour = moment.hour + moment.minute / 60
        low, high = profile[int(hour) % 24], profile[(int(hour) + 1) % 24]
        day = weekdays[moment.weekday()] if weekdays else 1.0
        return peak * day * (low + (high - low) * (hour - int(hour)))

    return rate


def window(begin: float, end: float, level: float) -> Callable[[float], float]:
    """`level` mentions per 5 minutes from `begin` to `end` minutes after the crisis start."""
    return lambda minutes: level if begin <= minutes < end else 0.0


def wave(
    begin: float, peak_at: float, peak: float, half_life: float, floor: float = 0.0
) -> Callable[[float], float]:
    """Nothing before `begin`, an exponential rise to `peak` at `peak_at`, then a decay by half every
    `half_life` minutes, not below `floor`."""

    def rate(minutes: float) -> float:
        if minutes < begin:
            return 0.0
        if minutes < peak_at:
            return peak * math.exp(-4.0 * (peak_at - minutes) / max(peak_at - begin, 1.0))
        return max(floor, peak * 0.5 ** ((minutes - peak_at) / half_life))  # type: ignore[no-any-return]

    return rate


def _never(minutes: float) -> float:
    return 0.0


def _pick(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _tag(rng: random.Random, style: SourceStyle, language: str) -> str:
    """The language tag the source's API would give this post ("und" where it gives none)."""
    if rng.random() >= style.tags:
        return "und"
    tag = style.default if rng.random() < style.wrong else language
    return f"{tag}-{tag.upper()}" if style.form == "region" and len(tag) == 2 else tag


class _Ids:
    """Native ids and permalinks in each platform's shape, unique within the scenario."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: set[str] = set()
        self.counter = 0

    def author(self, source: str) -> str:
        words = ("nordlicht", "kaffeetante", "bergluft", "stadtkind", "rheinblick", "moewe", "fuchs",
                 "lindenblatt", "wolke", "spree", "isar", "elbe", "tram", "brezel", "hafen")  # fmt: skip
        name = f"{self.rng.choice(words)}{self.rng.choice(words)}{self.rng.randrange(10, 99)}"
        return {
            "mastodon": f"@{name}@social.example",
            "bluesky": f"{name}.bsky.social",
            "youtube": f"@{name}",
            "rss": f"{name.capitalize()} Nachrichten",
        }.get(source, name)

    def post(self, source: str, author: str, at: datetime) -> tuple[str, str]:
        self.counter += 1
        stamp = int(at.timestamp())
        if source == "mastodon":
            native = str((stamp * 1000 << 16) + self.counter)
            return native, f"https://social.example/{author.split('@')[1]}/{native}"
        if source == "bluesky":
            tid = "".join(self.rng.choice(B32_TID) for _ in range(13))
            did = "did:plc:" + "".join(self.rng.choice(string.ascii_lowercase + "234567") for _ in range(24))
            return f"at://{did}/app.bsky.feed.post/{tid}", f"https://bsky.app/profile/{author}/post/{tid}"
        if source == "reddit":
            native = "t1_" + _base36(int("o9a0000", 36) + self.counter)
            return native, f"https://www.reddit.com/r/de/comments/{_base36(stamp)}/_/{native[3:]}/"
        if source == "hackernews":
            native = str(47_500_000 + self.counter)
            return native, f"https://news.ycombinator.com/item?id={native}"
        if source == "youtube":
            alphabet = string.ascii_letters + string.digits
            native = "Ugx" + "".join(self.rng.choice(alphabet) for _ in range(18))
            return native + "4AaABAg", f"https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc={native}4AaABAg"
        slug = f"{stamp}-{self.counter}"
        return f"https://news.example.de/{slug}", f"https://news.example.de/{slug}"


def _base36(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = B36[rest] + out
    return out or "0"
