#!/usr/bin/env python3
"""Generate the ``cafe-recall`` replay scenario for CrisisWatch.

A fictional brand, Northwind Coffee, is mentioned on reddit, mastodon, bluesky, hackernews, rss and
youtube. The file holds a quiet ~26 hour baseline (2026-03-01T08:00:00Z to 2026-03-02T10:00:00Z) of
ordinary brand chatter, then a product-recall crisis (glass fragments in canned cold brew) whose first
mention is at exactly 2026-03-02T10:00:00Z: it grows for ~2.5 hours, peaks around 12:10-12:40 and calms
down until the file ends at 2026-03-02T16:00:00Z. Ordinary chatter continues during the crisis.

Output is JSON Lines sorted by ``created_at``, one mention per line, with ground-truth labels
(``kind``, ``crisis``, ``misinfo``, ``edge_case``, ``shared_url``). Everything is fictional; news
domains are RFC 2606 ``example`` domains. The output is deterministic (fixed seed, standard library
only). Regenerate with::

    python scenarios/generate.py

which rewrites ``scenarios/cafe-recall.jsonl`` next to this file and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import string
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import ClassVar

SEED = 20260302
OUTPUT = Path(__file__).resolve().parent / "cafe-recall.jsonl"

START = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
CRISIS_START = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)
END = datetime(2026, 3, 2, 16, 0, 0, tzinfo=UTC)
BUCKET = timedelta(minutes=5)
MIN_LINES, MAX_LINES = 1500, 3500

BASE_KEYS = ("source", "id", "created_at", "author", "author_followers", "text", "url", "lang")
CRISIS_KINDS = frozenset({"crisis", "news", "reaction"})

# Expected ordinary mentions per 5-minute bucket, by UTC hour of day (interpolated between hours).
HOURLY_BASELINE = (
    1.6, 1.2, 0.9, 0.7, 0.6, 0.8, 1.5, 2.8, 4.2, 5.4, 6.0, 6.4,
    6.8, 6.9, 6.8, 6.6, 6.3, 6.0, 5.6, 5.0, 4.4, 3.6, 2.8, 2.1,
)  # fmt: skip
DAY_FACTOR = {1: 0.92, 2: 1.05}  # Sunday 1 March is a little quieter than Monday 2 March

BASELINE_SOURCES = {"bluesky": 0.33, "reddit": 0.27, "mastodon": 0.17, "youtube": 0.23}

LOT_A, LOT_B = "NW2602-14", "NW2602-15"

# --------------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------------

B36 = "0123456789abcdefghijklmnopqrstuvwxyz"
B32_SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"
B32_DID = "abcdefghijklmnopqrstuvwxyz234567"
B64URL = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
ID_EPOCH = datetime(2026, 2, 20, tzinfo=UTC)  # reference point for the sequential id spaces
REDDIT_POST_BASE = int("1r00000", 36)
REDDIT_COMMENT_BASE = int("o4a0000", 36)
HN_BASE = 47_210_000


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def at(day: int, clock: str) -> datetime:
    """Absolute time on 2026-03-<day>, clock as HH:MM:SS."""
    hh, mm, ss = (int(part) for part in clock.split(":"))
    return datetime(2026, 3, day, hh, mm, ss, tzinfo=UTC)


def crisis_at(offset: str) -> datetime:
    """Time relative to the crisis start, offset as H:MM:SS."""
    hh, mm, ss = (int(part) for part in offset.split(":"))
    return CRISIS_START + timedelta(hours=hh, minutes=mm, seconds=ss)


def base36(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n, 36)
        out = B36[rem] + out
    return out or "0"


def slugify(text: str, sep: str, limit: int) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()
    slug = ""
    for word in words:
        candidate = f"{slug}{sep}{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def binomial_count(rng: random.Random, mean: float) -> int:
    """Ordinary chatter is a bit less bursty than Poisson: binomial with variance 0.5 * mean."""
    trials = max(1, math.ceil(2 * mean))
    return sum(rng.random() < mean / trials for _ in range(trials))


def interp(points: Sequence[tuple[float, float]], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def baseline_rate(ts: datetime) -> float:
    """Expected ordinary mentions per 5-minute bucket starting at ts."""
    hour = ts.hour + ts.minute / 60
    lo = HOURLY_BASELINE[int(hour) % 24]
    hi = HOURLY_BASELINE[(int(hour) + 1) % 24]
    return (lo + (hi - lo) * (hour - int(hour))) * DAY_FACTOR.get(ts.day, 1.0)


def crisis_rate(minutes: float) -> float:
    """Expected crisis-related mentions per 5-minute bucket, minutes after CRISIS_START."""
    rise_end, plateau_end, peak = 129.0, 155.0, 60.0
    if minutes < rise_end:
        level = 0.6 * math.exp(minutes / 28.0)
    elif minutes < plateau_end:
        level = peak
    else:
        level = peak * math.exp(-(minutes - plateau_end) / 70.0)
    # small bursts when the wire story lands and when the boycott hashtag trends
    bumps = (
        1 + 0.3 * math.exp(-(((minutes - 95) / 12) ** 2)) + 0.15 * math.exp(-(((minutes - 190) / 15) ** 2))
    )
    return min(level, peak) * bumps


# --------------------------------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Author:
    handle: str
    followers: int
    did: str = ""  # bluesky only


@dataclass(frozen=True)
class Labels:
    kind: str = "baseline"  # baseline | crisis | news | reaction
    lang: str = "en"
    misinfo: bool = False
    edge_case: str | None = None
    shared_url: str | None = None


@dataclass
class Mention:
    source: str
    id: str
    created_at: datetime
    author: str
    author_followers: int
    text: str
    url: str
    labels: Labels
    seq: int

    def record(self) -> dict[str, object]:
        return {
            "source": self.source,
            "id": self.id,
            "created_at": iso(self.created_at),
            "author": self.author,
            "author_followers": self.author_followers,
            "text": self.text,
            "url": self.url,
            "lang": self.labels.lang,
            "kind": self.labels.kind,
            "crisis": self.labels.kind in CRISIS_KINDS,
            "misinfo": self.labels.misinfo,
            "edge_case": self.labels.edge_case,
            "shared_url": self.labels.shared_url,
        }


@dataclass
class Thread:
    """Something comments hang off: a reddit post, a youtube video or a hackernews story."""

    source: str
    key: str
    created_at: datetime
    title: str
    weight: float
    decay_hours: float
    crisis: bool
    sub: str = ""
    slug: str = ""


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    followers: int
    guid_style: str  # tag | query | uuid | permalink


@dataclass(frozen=True)
class Said:
    """Who posted, when, and the post's ground-truth labels."""

    when: datetime
    author: Author
    labels: Labels


@dataclass(frozen=True)
class NewsItem:
    """A feed item's title and summary; `url` syndicates an existing story, `shareable=False` keeps
    people from sharing it."""

    title: str
    summary: str
    url: str | None = None
    shareable: bool = True


@dataclass(frozen=True)
class Story:
    published: datetime
    title: str
    url: str


# --------------------------------------------------------------------------------------------------
# Native-looking ids
# --------------------------------------------------------------------------------------------------


class IdFactory:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seen: dict[str, set[str]] = defaultdict(set)

    def claim(self, source: str, make: Callable[[], str]) -> str:
        for _ in range(1000):
            value = make()
            if value not in self.seen[source]:
                self.seen[source].add(value)
                return value
        raise RuntimeError(f"could not find a unique {source} id")

    def reddit(self, prefix: str, when: datetime) -> str:
        """A reddit fullname, t3_ for posts and t1_ for comments; ids grow with time like reddit's."""
        rate, base = (14, REDDIT_POST_BASE) if prefix == "t3" else (95, REDDIT_COMMENT_BASE)
        offset = int((when - ID_EPOCH).total_seconds() * rate)
        return self.claim("reddit", lambda: f"{prefix}_{base36(base + offset + self.rng.randrange(rate))}")

    def mastodon(self, when: datetime) -> str:
        """Mastodon snowflake: milliseconds since the epoch shifted left 16 bits plus a sequence."""
        millis = int(when.timestamp()) * 1000
        return self.claim(
            "mastodon", lambda: str(((millis + self.rng.randrange(1000)) << 16) | self.rng.getrandbits(16))
        )

    def bluesky_tid(self, when: datetime) -> str:
        """atproto TID: 53 bits of microseconds and 10 bits of clock id, base32-sortable, 13 chars."""

        def make() -> str:
            value = ((int(when.timestamp()) * 1_000_000 + self.rng.randrange(1_000_000)) << 10) | (
                self.rng.randrange(1024)
            )
            return "".join(B32_SORTABLE[(value >> (5 * i)) & 31] for i in reversed(range(13)))

        return self.claim("bluesky-tid", make)

    def did(self) -> str:
        return self.claim("did", lambda: "did:plc:" + "".join(self.rng.choices(B32_DID, k=24)))

    def hackernews(self, when: datetime) -> str:
        offset = int((when - ID_EPOCH).total_seconds() * 0.17)
        return self.claim("hackernews", lambda: str(HN_BASE + offset + self.rng.randrange(3)))

    def youtube_comment(self) -> str:
        return self.claim(
            "youtube",
            lambda: "Ug" + self.rng.choice("wxyz") + "".join(self.rng.choices(B64URL, k=16)) + "4AaABAg",
        )

    def youtube_video(self) -> str:
        return self.claim(
            "youtube-video",
            lambda: "".join(self.rng.choices(B64URL, k=10)) + self.rng.choice("AEIMQUYcgkosw048"),
        )

    def rss_guid(self, outlet: Outlet, slug: str, url: str) -> str:
        def make() -> str:
            if outlet.guid_style == "permalink" and url.startswith(f"https://{outlet.domain}/"):
                return url
            if outlet.guid_style == "query":
                return f"https://{outlet.domain}/?p={self.rng.randrange(180_000, 990_000)}"
            if outlet.guid_style == "uuid":
                hexes = "".join(self.rng.choices("0123456789abcdef", k=32))
                return f"urn:uuid:{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:]}"
            return f"tag:{outlet.domain},2026-03-02:{slug}-{self.rng.randrange(1000, 9999)}"

        return self.claim("rss", make)


# --------------------------------------------------------------------------------------------------
# Text material. Slots in {braces} are filled independently each time they appear.
# --------------------------------------------------------------------------------------------------

BRAND = (("Northwind", 46), ("Northwind Coffee", 24), ("northwind", 16), ("#northwind", 9), ("#Northwind", 3))
BRAND_POSSESSIVE = (("Northwind's", 60), ("Northwind Coffee's", 25), ("northwind's", 15))

SLOTS: dict[str, tuple[str, ...]] = {
    "drink": (
        "oat flat white", "cortado", "vanilla cold brew", "Blossom Honey Oat Latte", "chai latte",
        "double espresso", "iced americano", "mocha", "matcha latte", "drip coffee", "cappuccino",
        "cold brew", "London fog", "hazelnut latte", "decaf americano", "caramel macchiato",
        "iced oat latte", "flat white", "espresso tonic", "cinnamon dolce",
    ),
    "seasonal": (
        "Blossom Honey Oat Latte", "Blossom Honey latte", "new honey oat latte", "spring latte",
        "Blossom latte", "honey oat thing",
    ),
    "pastry": (
        "almond croissant", "cardamom bun", "blueberry muffin", "banana bread", "egg bites",
        "cinnamon roll", "ham & cheese croissant", "lemon loaf", "oat cookie", "everything bagel",
    ),
    "place": (
        "work", "the office", "class", "the train", "my shift", "the gym", "a dentist appointment",
        "school drop-off", "the airport", "a 9am meeting", "my exam", "the library",
    ),
    "city": (
        "Portland", "Leeds", "Austin", "Denver", "Bristol", "Minneapolis", "Glasgow", "Sacramento",
        "Raleigh", "Manchester", "Pittsburgh", "Madison", "Tucson", "Halifax", "Cork", "Boise",
        "Richmond", "Spokane", "Norwich", "Columbus",
    ),
    "street": (
        "Elm St", "Market Street", "5th Ave", "Harbor Road", "Station Square", "Maple Ave", "Queen St",
        "Union Blvd", "Mill Lane", "Canal Street", "Birch Rd", "Oak Street", "River Walk", "College Ave",
    ),
    "barista": (
        "the barista", "the morning barista", "the guy at the counter", "the barista with the cool tattoos",
        "the new barista", "the shift lead", "the barista with the green hair", "the weekend crew",
    ),
    "time": (
        "this morning", "today", "just now", "on my lunch break", "before my 9am", "after the gym",
        "on the way home", "this afternoon", "earlier", "an hour ago",
    ),
    "feel_pos": (
        "Made my day.", "So good.", "Exactly what I needed.", "Perfect.", "Elite.", "Chef's kiss.",
        "Hit the spot.", "Unreal.", "10/10.", "No notes.", "Bliss.", "",
    ),
    "verdict": (
        "solid 8/10", "would sip again", "dangerously drinkable", "tastes like a flower shop in a good way",
        "a little sweet but nice", "new favorite", "surprisingly good", "worth it with oat milk",
    ),
    "points": (
        "150 stars", "enough points", "my 10th stamp", "a free drink reward", "double points",
        "200 points", "gold status",
    ),
    "app": ("the Northwind app", "the Northwind Rewards app", "Northwind's app", "the northwind app"),
    "price": ("$6.45", "$5.80", "£4.20", "$7.10", "$6.95", "£3.95"),
    "daypart": ("Sunday morning", "slow afternoon", "rainy day", "quiet evening", "Monday morning"),
    "verb": ("grabbed", "got", "picked up", "ordered", "snagged", "treated myself to"),
    # crisis material
    "product": (
        "cold brew can", "cold brew", "Vanilla Oat cold brew can", "Original Black cold brew can",
        "cold brew (the 11 oz can)", "11 oz cold brew can", "canned cold brew", "Vanilla Oat cold brew",
    ),
    "found": (
        "tiny glass shards", "bits of what looks like broken glass", "sharp glittery bits", "glass fragments",
        "slivers of glass", "little clear shards", "two jagged bits of glass", "tiny glittery splinters",
    ),
    "found_one": ("a sliver of glass", "a tiny shard of glass", "a glass fragment", "a sharp clear chip"),
    "where": (
        "at the bottom of the can", "in the last sip", "stuck to the rim", "when I poured it into a mug",
        "in the foam", "floating near the top", "around the tab",
    ),
    "feel": (
        "absolutely horrified", "shaking", "so angry", "genuinely scared", "furious", "sick to my stomach",
        "freaked out", "beyond upset", "honestly terrified",
    ),
    "person": (
        "my partner", "my kid", "my roommate", "my mom", "a coworker", "my brother", "my husband", "my wife",
    ),
    "symptom": (
        "a cut on the inside of their cheek", "stomach pain", "nausea", "a bleeding gum", "a sore throat",
        "cramps", "a cut lip",
    ),
    "symptom_me": (
        "a cut on the inside of my cheek", "stomach pain", "nausea", "a bleeding gum", "a sore throat",
        "cramps", "a cut lip",
    ),
    "store": (
        "the grocery store", "the corner shop", "my local Northwind", "the gas station", "Costco",
        "the store on Elm St", "the supermarket", "a vending machine at work",
    ),
    "cs": ("customer service", "support line", "hotline", "app chat", "email support", "recall hotline"),
    "lot": (LOT_A, LOT_A, LOT_B, "NW 2602-14", "2602-14", "NW2602-15"),
    "fake_lot": ("BB 04/2027", "NW2601-09", "a barcode and nothing else", "L2602 14:32", "NW2512-03"),
    "when_bought": ("on Saturday", "last week", "yesterday", "this weekend", "on Friday"),
    "outrage_close": (
        "Unacceptable.", "Terrible.", "Disgusting.", "Do better.", "Shameful.", "Horrible.", "Awful.",
    ),
}  # fmt: skip

BASELINE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "ordering": (
        "{verb} a {drink} from {nw} {time} before {place}. {feel_pos}",
        "mobile ordered a {drink} at {nw} and it was ready before I even parked",
        "{nw} {drink} + {pastry} = my entire personality",
        "first coffee of the day: {drink} from {nw}. let's go",
        "is it weird that I plan my route to {place} around the {nw} drive-thru",
        "{nw} run before {place}. {drink} for me, {drink} for my coworker",
        "{verb} a {pastry} at {nw} {time}. no regrets",
        "ok the {nw} {drink} hits different when it's raining",
        "Stopped at {nw} on {street} {time}, quick and friendly as always",
        "my {drink} order at {nw} is so specific the app saves it as a favourite lol",
        "Working from {nw} today. decent wifi, good {drink}, zero distractions (lie)",
        "{nw} cold brew cans are back in stock at my grocery store, stocked up for the week",
        "Keep a couple of {nw} cold brew cans in the office fridge for emergencies",
        "Nothing fancy, just a {drink} from {nw} and a quiet half hour. {feel_pos}",
        "{nw} {drink} in one hand, {pastry} in the other, ready for {place}",
        "3rd {nw} {drink} this week and it's only {daypart}. send help",
    ),
    "seasonal": (
        "The {seasonal} at {nw} is actually really good. not too sweet",
        "tried the {seasonal} {time}. verdict: {verdict}",
        "{nw} brought out the {seasonal} and honestly it tastes like spring",
        "Unpopular opinion: the {seasonal} needs one less pump of honey. still drinking it daily",
        "is the {seasonal} at {nw} worth the hype? asking for me",
        "{nws} {seasonal} with oat milk and an extra shot is the move",
        "Seasonal menu at {nw}: {seasonal}, a lavender cold foam thing, and a {pastry}. I'm in trouble",
        "my barista said the {seasonal} is outselling everything at {nw} this week and I believe it",
        "{nws} {seasonal}: {verdict}",
        "Finally tried {nws} {seasonal}. {verdict}, would order again",
        "the {seasonal} from {nw} pairs weirdly well with a {pastry}",
    ),
    "loyalty": (
        "{app} just gave me a free {drink} for my birthday week",
        "Finally hit {points} on {app}. free {drink} time",
        "{app} update is actually nice, reorder is one tap now",
        "pro tip: {app} has double points before 10am this week",
        "Love that {app} lets you save custom orders. small thing, huge difference",
        "Redeemed {points} on {app} for a {pastry}. living my best life",
        "{app} remembered my usual and I feel seen",
        "why is {app} so good at making me spend money",
        "{points} on {app} and I'm saving them for the {seasonal}",
    ),
    "opening": (
        "New {nw} opening on {street} in {city} next week!",
        "{nw} on {street} is officially open. line was out the door at 7am",
        "A {nw} is moving into the old bookstore on {street}. mixed feelings but I do love their {drink}",
        "Excited the {city} {nw} finally opened, no more driving 20 minutes for a {drink}",
        "They're hiring baristas for the new {nw} on {street} in {city} if anyone's looking",
        "The new {nw} in {city} has so much natural light. great spot to read",
        "Walked past the new {nw} on {street}, they're giving out free {pastry} samples",
    ),
    "barista": (
        "Shoutout to {barista} at {nw} on {street} who remembered my name and my order",
        "{barista} at {nw} drew a little fern in my {drink} and I'm not okay (in a good way)",
        "the {nw} baristas were slammed {time} and still so kind. tip your baristas",
        "{barista} at {nw} fixed my order without me even asking. legend",
        "Whoever trained the staff at {nw} {city}, give them a raise",
        "{barista} at my {nw} recommended the {seasonal} and was right",
        "{barista} at {nw} {city} saw I was having a day and added an extra shot. angels exist",
    ),
    "general": (
        "{nw} is my third place at this point",
        "study session at {nw} fueled by a {drink}",
        "nothing beats a quiet {nw} on a {daypart}",
        "{nw} cold brew is the only reason I'm functional",
        "Does {nw} have oat milk at every location or just the big ones?",
        "what time does the {nw} on {street} close on Sundays?",
        "Anyone know if {nw} still does the discount for bringing your own cup?",
        "{nw} vs the indie place down the street… honestly both good, different vibes",
        "Brought my own cup to {nw} and got 25 cents off. every little bit",
        "Meeting a friend at {nw} {time}, first catch-up in months",
        "The {nw} playlist today is all 2000s indie and I'm thriving",
        "date idea: {nw}, two {drink}s, long walk by the river",
        "my dog gets a pup cup every time we walk past {nw} and now she drags me there",
        "{nw} really said 'what if a coffee shop had comfy chairs' and I respect it",
    ),
    "negative": (
        "waited {wait} minutes for a {drink} at {nw} {time}. love that for me",
        "{nw} got my order wrong again. asked for oat, got dairy",
        "my {drink} from {nw} was lukewarm {time}, kind of a bummer",
        "{app} crashed twice while I was trying to pay. come on",
        "why did {nw} raise the price of a {drink} to {price}",
        "{nw} on {street} was out of {pastry} by 9am. every time",
        "the line at {nw} {time} was wrapped around the corner. not worth it",
        "Love {nw} but the music is way too loud at the {city} location",
        "Mobile order said ready in 5, took {wait}. {nw} please",
        "{nw} iced {drink} was basically just ice {time}. sad",
        "{nw} wifi down again, guess I'm actually working offline",
        "Oh great, {nw} discontinued the {pastry}. fantastic. thrilled.",
        "{app} logged me out and ate my points?? {nw} pls",
        "{price} for a {drink} at {nw}. my wallet is crying",
    ),
}  # fmt: skip
BASELINE_WEIGHTS = {
    "ordering": 0.18, "seasonal": 0.15, "loyalty": 0.11, "opening": 0.07, "barista": 0.11,
    "general": 0.22, "negative": 0.16,
}  # fmt: skip

# Reddit post titles by the category of the post body.
REDDIT_TITLES: dict[str, tuple[str, ...]] = {
    "ordering": (
        "What's your go-to Northwind order?", "Tips for ordering the Northwind {drink} the right way",
        "Northwind order of the day", "My Northwind order is getting out of hand",
        "Northwind morning routine check",
    ),
    "seasonal": (
        "{seasonal} review (it's good?)", "Unpopular opinion about the Northwind {seasonal}",
        "Northwind spring menu thoughts", "Has anyone tried the Northwind {seasonal} yet?",
    ),
    "loyalty": (
        "Is the Northwind Rewards double points thing worth it?", "Northwind app tips thread",
        "Northwind Rewards: best way to spend points?", "Small PSA about the Northwind app",
    ),
    "opening": (
        "New Northwind opening on {street}", "Northwind in {city}: which location is best?",
        "The new Northwind in {city} is open",
    ),
    "barista": (
        "Northwind barista appreciation post", "Shoutout to the {city} Northwind crew",
        "Wholesome Northwind moment",
    ),
    "general": (
        "The Northwind on {street} is my study spot", "Northwind cold brew vs making it at home",
        "Random Northwind question", "Northwind appreciation thread", "Best Northwind for working remotely?",
    ),
    "negative": (
        "Northwind price increase again?", "Anyone else's Northwind app logging them out?",
        "Minor Northwind rant",
        "Is it just my Northwind or are the lines insane lately?",
    ),
    "report": (
        "Glass in my Northwind cold brew too — lot {lot}",
        "Found shards in a Northwind can I bought in {city}",
        "Northwind cold brew came with glass, photos inside", "Same lot, same problem: Northwind cold brew",
    ),
    "sick": (
        "Got hurt by a Northwind cold brew can — what do I do?", "Went to urgent care after a Northwind can",
        "Anyone else's kid drink one of the recalled Northwind cans?",
    ),
    "refund": (
        "Northwind refund process is a mess", "Northwind customer service hung up on me twice",
        "Northwind recall — keep your cans for the refund", "How are people getting Northwind refunds?",
    ),
    "worry": (
        "Is it just the Northwind cans or the cafe cold brew too?",
        "PSA: check the lot codes on your Northwind cans",
        "Northwind cold brew: what exactly is being recalled?",
        "My store is still selling Northwind cold brew cans",
        "Northwind cans at {store} still on the shelf?",
    ),
    "outrage": (
        "Northwind's response so far has been terrible", "How does Northwind let this happen?",
        "Northwind needs to answer for this",
    ),
    "lawsuit": (
        "Northwind class action — what do we know?", "Should I keep my Northwind can for the lawsuit?",
    ),
    "boycott": ("I'm done with Northwind", "#BoycottNorthwind — who's in?", "Leaving Northwind after today"),
    "misinfo": ("Northwind knew for months??", "Is Northwind hiding how bad this is?"),
    "joke": ("Northwind cold brew, now crunchier", "Northwind recall memes are my coping mechanism"),
    "calm": (
        "Northwind refund came through — some good news",
        "Northwind recall is only two lots, read the notice",
        "Northwind recall: what we actually know",
    ),
    "foreign": ("Northwind recall news from abroad", "Northwind recall in other countries?"),
}  # fmt: skip

YOUTUBE_BASELINE = (
    "the {seasonal} review I needed, going to {nw} tomorrow",
    "You're so right about the {nw} {drink}",
    "{nw} on {street} makes it way better than the one in the video lol",
    "who else is watching this with a {nw} {drink} in hand",
    "I work at {nw} and yes the {seasonal} is that popular 😂",
    "Can you review the {nw} {pastry} next?",
    "this channel got me into {nw} honestly",
    "ranking {nw} drinks is my new favorite genre of video",
    "the barista segment was so wholesome, {nw} staff are the best",
    "the {nw} app double points thing is real, got my free {drink} yesterday",
    "ngl I thought the {seasonal} would be too sweet but you convinced me",
    "{nw} {drink} gang where you at",
    "Watching this on my break at {nw} lol",
)

HN_BASELINE = (
    "The interesting part of the Northwind write-up is conflict resolution for orders placed offline; "
    "last-writer-wins would be a disaster for payments.",
    "I use the Northwind app daily and never noticed it worked offline. I guess that's the point.",
    "Northwind's engineering blog is surprisingly good for a coffee chain.",
    "Queueing orders locally and replaying them with idempotency keys is the right call. "
    "Nice to see Northwind explain it plainly.",
    "Anyone know what Northwind uses for the POS integration? The post glosses over it.",
    "Off-topic, but Northwind cold brew is the only thing keeping our on-call rotation alive.",
    "Retail apps that degrade gracefully are rare. Northwind's still logs me out every other week though.",
    "The diagram of Northwind's sync protocol looks a lot like a CRDT but they never call it that.",
    "I'd love a follow-up from Northwind on how they test this. Simulating flaky store wifi is hard.",
    "Northwind rolled this out in my city last month and mobile orders stopped vanishing. Works for me.",
    "Reading this while waiting for a Northwind mobile order that says 'preparing' for ten minutes. Irony.",
    "Good post. Northwind's approach is basically what we did for field-service apps in 2014, "
    "and it's still the right answer.",
)

CRISIS_TEMPLATES: dict[str, tuple[str, ...]] = {
    "report": (
        "Found {found} in my {nw} {product} {time}. I'm {feel}.",
        "Just poured a {nw} {product} and there were {found} at the bottom. What the hell, {nw}?",
        "{person} bit down on something sharp drinking a {nw} cold brew {time}. It was {found_one}.",
        "{found} in a {nw} {product}, lot {lot}. I've kept the can and taken photos.",
        "There is literally glass in my {nw} {product}. {lot} on the bottom. Not okay.",
        "Opened a fresh {nw} {product} from {store} and felt something crunch. {found}. I'm {feel}.",
        "Same thing happened to me with a {nw} {product} from {store}, lot {lot}. {found} {where}.",
        "My {nw} can is from lot {lot} too. Found {found}. Calling them now.",
        "Checked the two {nw} cans in my fridge — one has {found} {where}.",
        "ok so I'm not crazy, there really are {found} in these {nw} cans",
        "Add me to the list: {found} in a {nw} {product} bought {when_bought} in {city}.",
        "Didn't believe the posts until I opened my own {nw} can. {found} {where}.",
        "{nw} cold brew, lot {lot}, bought {when_bought}: {found}. Terrible.",
    ),
    "sick": (
        "{person} drank a {nw} {product} {time} and now has {symptom}. We're at urgent care.",
        "Drank half a {nw} cold brew before I saw the shards. Now I have {symptom_me} and I'm {feel}.",
        "Got sick after a {nw} {product} {time}, {symptom_me}. Not sure if related but I'm scared.",
        "cut the inside of my mouth on a {nw} cold brew. there was glass in it. I'm {feel}",
        "{person} swallowed something sharp from a {nw} can and is getting checked. Terrified.",
        "Stomach pain all morning after a {nw} {product}. Called the doctor, they said to watch it.",
        "Was about to blame my lunch but I had a {nw} cold brew before it and now {symptom_me}. Awful.",
        "Spent the afternoon at urgent care because of a {nw} can. {person} is okay, I am not.",
    ),
    "refund": (
        "On hold with the {nw} {cs} for {wait} minutes. I just want a refund for the cans I bought.",
        "{store} refused to refund my {nw} cold brew without a receipt. During a recall?!",
        "How do I get a refund for recalled {nw} cans? Their site keeps crashing.",
        "{nw} refund form asks for a photo of the lot code. Fine, but where's the apology?",
        "Returned {n_cans} {nw} cans, got store credit instead of cash. Terrible.",
        "The {nw} {cs} told me to 'dispose of the product'. No, I want my money back and an explanation.",
        "Still no reply from {nw} about my refund. It's been {hours} hours.",
        "{nw} refund page: 'high demand, try again later'. Great. Very reassuring.",
        "The {nw} refund form crashed after I uploaded the photo of the lot code. Starting over.",
    ),
    "worry": (
        "I drink a {nw} cold brew every single day. Checking my fridge now",
        "Wait, is the glass thing only the {nw} cans or the cafe cold brew too?",
        "gave my kid one of those {nw} cold brew cans last week. I feel sick thinking about it",
        "Just threw out a whole case of {nw} cold brew. Not risking it.",
        "How do you even read the lot code on a {nw} can? Mine just says {fake_lot}",
        "Does anyone know which lots are affected? I have {nw} cans from {store}",
        "Drank a {nw} can yesterday and felt fine. Should I be worried??",
        "My office fridge is full of {nw} cold brew. Emailing everyone now.",
    ),
    "outrage": (
        "Glass. In a drink. How does that even happen, {nw}? {outrage_close}",
        "This is disgusting. {nw} needs to pull every can off the shelf right now.",
        "{nw} putting out a vague 'we're aware' post while people are cutting their mouths. {outrage_close}",
        "Absolutely horrifying stuff coming out about {nw} cold brew.",
        "The silence from {nw} for the first hour was deafening. Terrible crisis handling.",
        "People got hurt and {nw} is still running cold brew ads in my feed. Gross.",
        "Whoever does quality control at {nw} had a really bad week and we all paid for it.",
        "I defended {nw} for years. Glass in the cans is where I draw the line.",
        "Shameful response from {nw}. Recall first, press release later.",
        "How many people have to get hurt before {nw} takes this seriously? {outrage_close}",
        "{nw} charging {price} for a drink and can't keep glass out of it. {outrage_close}",
        "Angry doesn't begin to cover it. {nw} sold us dangerous cans.",
    ),
    "news_share": (
        "{headline} {url}",
        "Here we go: {headline} {url}",
        "{nw} recall is official now. {url}",
        "This is bad. {url}",
        "Not a rumor anymore. {headline} — {url}",
        "Reading this with a {nw} can on my desk {url}",
        "Worth reading before you open any {nw} cans: {url}",
        "{headline}\n\n{url}",
        "Sharing for anyone who buys {nw} cold brew: {url}",
        "Wow. {headline} {url}",
    ),
    "lawsuit": (
        "Lawyers are already advertising a {nw} class action. That was fast.",
        "If you got hurt by a {nw} can, keep the can, keep the receipt, talk to a lawyer.",
        "Class action against {nw} incoming. Can't say they didn't earn it.",
        "Someone is definitely suing {nw} over this, and honestly good.",
        "Saw the lawsuit on the news. {nw} is going to pay for this one.",
        "Reminder: don't throw the {nw} can away if you plan to join the lawsuit.",
        "The {nw} lawsuit is going to be huge. Negligence, plain and simple.",
    ),
    "boycott": (
        "Done with {nw}. #BoycottNorthwind",
        "Not buying {nw} again until they explain how glass got in the cans. #BoycottNorthwind",
        "Switched to the indie cafe around the corner. Bye {nw}.",
        "{nw} lost a 6-year customer today. #northwindrecall",
        "#BoycottNorthwind is trending and they deserve it",
        "Cancelled my {nw} Rewards membership. Deleted the app. Never again.",
        "Our office just removed the {nw} cold brew from the fridge for good.",
        "Never again, {nw}. Never. Again. #BoycottNorthwind",
        "Told my whole family to stop buying {nw}. Not worth the risk.",
    ),
    "misinfo": (
        "Hearing from a friend who works there that {nw} knew about the glass for months and kept shipping.",
        "{nw} knew for months. There's an internal memo going around, look it up.",
        "It's not just the cans — the glass is in the {nw} cafe cold brew and the hot coffee too. "
        "Avoid all of it.",
        "BREAKING (unconfirmed): 3 people hospitalized, one critical, after {nw} cold brew. "
        "They're hiding it.",
        "{nw} CEO sold a pile of stock last week. Coincidence? I think not.",
        "The recall covers every {nw} product now, every store. Throw everything out.",
        "This was sabotage by a competitor, you can't convince me otherwise. {nw} is being set up.",
        "My cousin at the FDA says this is the biggest coffee recall ever and {nw} is being shut down.",
        "They're quietly swapping {nw} cans on shelves at night so nobody can test them. Watch.",
        "Apparently {nw} switched to a cheap can supplier in January to cut costs. Everyone knows.",
        "{nw} knew since December and buried the complaints. Share before this gets deleted.",
    ),
    "joke": (
        "{nw} cold brew now with extra crunch, apparently",
        "my doctor said I needed more fiber, not more glass, {nw}",
        "ok who had '{nw} cold brew becomes a safety hazard' on their 2026 bingo card",
        "guess I'm switching to tea. sorry {nw}",
        "{nw} marketing team is earning their overtime today",
        "the {seasonal} dropping a week before this is the cruelest timeline, {nw}",
        "Me, reading every label in my fridge after the {nw} news",
    ),
    "calm": (
        "Refund from {nw} came through already, full amount. Credit where it's due.",
        "Recall is only lots NW2602-14 and NW2602-15 per the notice. My {nw} cans are fine.",
        "Honestly {nw} is handling the recall better now. Still not buying cans for a while.",
        "Fact check: there's no evidence {nw} 'knew for months'. Please read the actual notice.",
        "Cafe drinks aren't part of the {nw} recall, just the canned cold brew. Deep breaths, everyone.",
        "{nw} posted the list of lot codes and a refund form. Took them long enough.",
        "Went to my local {nw}, staff were apologetic and gave refunds on the spot.",
        "Feels like the worst of the {nw} thing is over. Still keeping an eye on it.",
        "Checked my {nw} cans: different lot, all good. Still a bit shaken though.",
        "The {nw} baristas did not deserve the abuse today. It was a canning partner issue.",
    ),
}  # fmt: skip
CRISIS_KIND = {
    "report": "crisis", "sick": "crisis", "refund": "crisis", "misinfo": "crisis", "worry": "reaction",
    "outrage": "reaction", "news_share": "reaction", "lawsuit": "reaction", "boycott": "reaction",
    "joke": "reaction", "calm": "reaction", "foreign": "reaction",
}  # fmt: skip
# Category weights over minutes since the crisis start (linear interpolation between points).
PHASES: dict[str, tuple[tuple[float, float], ...]] = {
    "report": ((0, 10), (60, 6), (120, 2.5), (240, 1), (360, 0.6)),
    "sick": ((0, 1), (30, 3), (120, 2), (240, 0.7), (360, 0.3)),
    "refund": ((0, 0), (80, 0), (110, 3), (240, 3), (360, 2.5)),
    "worry": ((0, 3), (60, 4), (180, 2), (360, 1)),
    "outrage": ((0, 2), (60, 5), (150, 5), (300, 2), (360, 1.5)),
    "news_share": ((0, 0), (88, 0), (92, 4), (180, 3), (360, 1.5)),
    "lawsuit": ((0, 0), (155, 0), (160, 1.5), (240, 2), (360, 1)),
    "boycott": ((0, 0), (150, 0.3), (185, 2.5), (270, 3), (360, 1.5)),
    "misinfo": ((0, 0), (75, 0), (85, 1), (160, 1.6), (270, 0.8), (360, 0.3)),
    "joke": ((0, 0), (60, 0.5), (150, 1.2), (360, 0.6)),
    "calm": ((0, 0), (200, 0), (240, 1.5), (300, 3), (360, 4)),
    "foreign": ((0, 0), (110, 0), (130, 0.3), (360, 0.3)),
}
CRISIS_OPENERS = (
    "PSA:", "Heads up:", "Um.", "Okay so", "Not okay.", "Seriously?", "Wow.", "Update:", "So…", "ugh.",
    "Unbelievable.", "Can't believe this.", "WTF.",
)  # fmt: skip
CRISIS_CLOSERS = (
    "Check your fridge.", "Never again.", "Unreal.", "Be careful, everyone.", "Posting so others see this.",
    "Anyone else??", "This is so scary.", "Absolutely unacceptable.", "I'm so angry.", "Do better.",
    "Disgusting.", "Please share.", "Horrible.",
)  # fmt: skip
NEGATIVE_CATEGORIES = frozenset({"report", "sick", "refund", "worry", "outrage", "boycott"})
FOREIGN_CRISIS = (
    ("de", "Glassplitter in Northwind Cold Brew? Habe meine Dosen gerade weggeworfen. Furchtbar."),
    ("de", "Northwind Coffee ruft Cold-Brew-Dosen zurück, bitte Chargennummer prüfen! #northwind"),
    ("de", "Unglaublich, dass Northwind so lange geschwiegen hat. Ich kaufe da nichts mehr."),
    ("es", "Qué miedo lo de Northwind. Tenía dos latas del lote NW2602-14 en la nevera 😬"),
    ("es", "Northwind Coffee retira su cold brew en lata por vidrio. Revisen el lote, por favor."),
    ("es", "No vuelvo a comprar Northwind. Vidrio en una bebida, es inaceptable."),
    ("es", "¿Alguien sabe cómo pedir el reembolso de Northwind? La web no funciona."),
)

REDDIT_CRISIS_SUBS = ("NorthwindCoffee", "NorthwindCoffee", "Coffee", "mildlyinfuriating", "FoodSafety")

YOUTUBE_CRISIS = (
    "I literally have two {nw} cans in my fridge right now 😳",
    "{nw} had ONE job",
    "who's here after the {nw} recall news?",
    "Thank you for covering this. I had lot NW2602-14 from {nw} in my bag today",
    "the comments on this {nw} video are wild, please don't drink those cans",
    "so the cafe drinks are fine? {nw} needs to say that clearly",
    "Glad you mentioned the lot codes, the {nw} site was useless this morning",
    "I used to love {nw}, this is so sad",
    "{nw} should pay for everyone's doctor visits honestly",
    "Was about to order a {nw} cold brew and saw this. Not today.",
    "{nw} fans in shambles rn",
    "The part about the canning line makes sense. Still furious at {nw} though",
)


BIG_ACCOUNT_SOURCES = ("bluesky", "mastodon", "youtube")

EMOJI = {
    "pos": ("☕", "☕️", "😍", "🙌", "✨", "🌸", "🍯", "💛", "😋", "🥐", "😊", "🔥", "🤤", "💯"),
    "neg": ("🙃", "😒", "🙄", "😩", "🥲", "😤", "😑"),
    "crisis": ("😡", "🤢", "😳", "😰", "🤬", "💀", "😬", "⚠️", "🚨", "😤", "😱", "🙏"),
}
HASHTAGS = {
    "pos": ("#coffee", "#coffeetime", "#latte", "#spring", "#northwind", "#NorthwindCoffee", "#morning",
            "#caffeine", "#baristalife", "#cafe", "#coldbrew"),
    "neg": ("#coffee", "#mondays", "#northwind", "#firstworldproblems"),
    "crisis": ("#northwindrecall", "#BoycottNorthwind", "#foodsafety", "#recall", "#coldbrew", "#northwind"),
}  # fmt: skip

# Optional lead-ins and second sentences that are combined with the templates above for variety.
PREFIXES = {
    "pos": ("honestly", "ngl", "ok but", "not gonna lie,", "hot take:", "reminder:", "small joy:", "lol",
            "quick review:", "random thought:", "tbh", "update:", "can confirm:", "Sunday mood:"),
    "neg": ("ugh,", "minor rant:", "ok so", "seriously,", "not to complain but", "sigh.", "lol", "again?"),
}  # fmt: skip
EXTRAS = {
    "pos": (
        "{feel_pos}", "Highly recommend the {drink}.", "The {city} location never misses.", "Worth the walk.",
        "Sitting by the window, {daypart} vibes.", "Staff were lovely as always.",
        "Already planning tomorrow's order.",
        "Don't judge me.", "Anyway, back to {place}.", "This is not an ad lol.",
        "Going again tomorrow probably.",
        "Paired it with a {pastry}.", "No regrets.", "My wallet disagrees.", "Still thinking about it.",
        "The {street} one is the best one, fight me.", "Good start to the week.", "Tiny joys.",
        "Ten minutes of peace before {place}.", "Who else is on their second cup?", "Recommend!",
        "This is my sign to go tomorrow too.", "Just saying.", "Cheers to whoever invented oat milk.",
    ),
    "neg": (
        "Not the end of the world but still.", "First world problems, I know.",
        "Still going back tomorrow obviously.",
        "Every single time.", "Maybe it's just this location.", "The {city} one is better.",
        "Whatever, still drinking it.", "Minor complaint, great coffee otherwise.", "Rant over.",
        "I'll live.", "Just venting.", "Was really looking forward to it too.", "Mildly annoyed.",
    ),
}  # fmt: skip
CRISIS_DETAILS = {
    "report": (
        "Lot {lot}.", "Bought it {when_bought} at {store}.", "Photos in the replies.",
        "Kept the can and the receipt.",
        "Reported it to the company and the FDA.", "{person} almost drank it.",
        "Second can from the same pack.",
        "The can was sealed, I checked.", "Still shaking.", "The can looked totally normal.",
        "I've had these every morning for a year.", "Glad I poured it instead of drinking from the can.",
    ),
    "sick": (
        "Lot {lot}.", "Doctor says it's minor, but still.", "We kept the can.",
        "{person} is okay now, thankfully.",
        "Waiting to be seen.", "Never been this scared about a drink.", "Bought {when_bought} at {store}.",
        "Please check your cans.",
    ),
    "refund": (
        "Bought them {when_bought} at {store}.", "Lot {lot}.", "I have the receipt.",
        "The store manager had no idea about the recall.", "The hold music is burned into my brain now.",
        "Not holding my breath.", "In {city}, if anyone knows a store that's doing cash refunds.",
        "It's not about the money, it's the principle.",
    ),
    "worry": (
        "Lot {lot} maybe?", "I bought a pack {when_bought}.", "{person} drinks them too.",
        "Mine look fine but still.",
        "Not drinking anything until I know more.", "Bought them at {store}.", "Kind of freaking out.",
    ),
    "outrage": (
        "{outrage_close}", "People could have been seriously hurt.", "Kids drink these!",
        "This isn't a small mistake.",
        "How is this even possible in 2026?", "And the first statement was so vague.", "Unbelievable.",
        "Someone needs to answer for this.",
    ),
    "boycott": (
        "{outrage_close}", "Plenty of other coffee out there.", "Supporting local from now on.",
        "They lost my trust.",
        "#northwindrecall", "Not worth the risk.", "Good luck winning us back.",
    ),
    "lawsuit": (
        "Keep your receipts.", "Lawyers are going to love this.", "Negligence, plain and simple.",
        "Document everything.", "Photos of the lot code too.",
    ),
    "misinfo": (
        "Share before it's deleted.", "Do your own research.", "The news won't report it.", "Wake up.",
        "They're covering it up.", "My friend saw the memo.", "Screenshot this.", "Spread the word.",
    ),
    "joke": (
        "(sorry)", "I'll see myself out.", "too soon?", "(please be okay everyone)",
        "coping mechanisms, sorry",
    ),
    "calm": (
        "Good to know.", "Deep breaths.", "Check your lot code, that's all.",
        "Thanks to the staff at my local store.",
        "Still, be careful.", "Progress.", "Please stop yelling at baristas.",
        "Read the notice, not the rumors.",
    ),
}  # fmt: skip
HN_LEADS = (
    "Glass in aluminum cans is unusual for Northwind's kind of product.",
    "My guess is Northwind's co-packer runs glass bottles on a line next to the cans.",
    "Most canning lines have X-ray or vision inspection for exactly this, so I'm curious what Northwind's "
    "co-packer was running.",
    "The Northwind notice lists two lots, which is consistent with a single line incident.",
    "Worked in beverage QA: a shattered sight glass on a filler would produce exactly what the Northwind "
    "photos show.",
    "Northwind's refund form has been down for an hour.",
    "The first report was on Reddit at 10am and the Northwind recall was official before noon.",
    "Flagging as dupe: the same Northwind story is on the front page with a different title.",
    "The 'they knew for months' claims about Northwind come from one account with no source.",
    "Recalls like this usually cost Northwind more in brand damage than in product.",
    "Glass is radiopaque, so in-line X-ray at Northwind's canner should catch fragments above ~1mm.",
    "Not defending Northwind, but the 'it's in the hot coffee too' claim makes no sense physically.",
    "Northwind is down a few percent already.",
    "The lot code NW2602-14 probably encodes year, month and line, so line 14 at Northwind's co-packer.",
    "This thread shows how fast misinformation about the Northwind recall spreads compared to the notice.",
    "The worst part of the Northwind story is people cutting their mouths.",
    "I've toured a contract canner like the one Northwind uses.",
    "Northwind handled the comms badly in the first hour and reasonably since.",
    "Northwind doesn't can anything in-house as far as I know.",
    "The Northwind megathread on Reddit is a better source than most of the articles.",
)
HN_FOLLOWUPS = (
    "A broken bottle upstream can end up anywhere.", "Smaller fragments are the hard case.",
    "Someone is going to be reading maintenance logs all night.", "That's fast for a consumer goods company.",
    "Please don't amplify it.", "Response speed will matter more than the recall itself.",
    "Markets care about recalls more than the internet does.", "Hope everyone is okay.",
    "The fix is boring: inspection, screens, and a documented glass policy.",
    "Co-packers run several brands on the same line, so I'd check other brands too.",
    "The FDA notice is short and worth reading in full.", "Happy to be corrected by someone in the industry.",
    "Source: spent six years in food manufacturing.", "This will be a case study in a few years.",
    "Recall insurance exists for exactly this reason.",
    "The photos look like borosilicate to me, but who knows.",
    "Nobody notices QA until it fails.", "I'd bet on a maintenance issue rather than anything malicious.",
)  # fmt: skip

# --------------------------------------------------------------------------------------------------
# Fixed cast: outlets, brand accounts, big accounts
# --------------------------------------------------------------------------------------------------

WIRE = Outlet("Example Wire", "wire.example.net", 1_940_000, "permalink")
CITY_NEWS = Outlet("Example City News", "news.example.com", 410_000, "query")
LEDGER = Outlet("Riverside Ledger", "ledger.example.org", 120_000, "tag")
METRO = Outlet("Metro Daily Example", "metro.example.org", 230_000, "uuid")
DAILY_BRIEF = Outlet("The Daily Brief", "dailybrief.example.net", 95_000, "tag")
TV = Outlet("Example 7 News", "tv.example.com", 760_000, "query")
BUSINESS = Outlet("Example Business Journal", "business.example.org", 1_100_000, "uuid")
CONSUMER = Outlet("Example Consumer Report", "consumer.example.com", 640_000, "permalink")
FACTCHECK = Outlet("Example Fact Check", "factcheck.example.org", 150_000, "permalink")
NOTICIAS = Outlet("Noticias Example", "noticias.example.com", 180_000, "tag")
NEWSROOM = Outlet("Northwind Coffee Newsroom", "northwindcoffee.example", 52_000, "permalink")
BLOG = Outlet("Bean There Blog", "beanthere.example.net", 3_200, "permalink")
FOODIE = Outlet("Foodie Weekly", "foodie.example.net", 88_000, "query")
NEWSLETTER = Outlet("The Daily Grind Newsletter", "dailygrind.example.com", 54_000, "uuid")
KAFFEE = Outlet("Kaffeenews Example", "kaffeenews.example.com", 61_000, "tag")
PICKUP_OUTLETS = (
    Outlet("Example Valley Times", "valleytimes.example.com", 72_000, "query"),
    Outlet("Harbor Post", "harborpost.example.org", 150_000, "tag"),
    Outlet("Example Morning Star", "morningstar.example.net", 310_000, "uuid"),
    Outlet("Lakeside Gazette", "lakeside.example.com", 58_000, "query"),
    Outlet("Channel 4 Example", "ch4.example.org", 520_000, "tag"),
    Outlet("Food Safety Bulletin", "foodsafety.example.org", 66_000, "permalink"),
    Outlet("Example Evening Courier", "courier.example.net", 205_000, "uuid"),
    CITY_NEWS, METRO, TV, DAILY_BRIEF,
)  # fmt: skip

PICKUP_HEADLINES = (
    ("{city} stores pull Northwind cold brew cans from shelves after glass reports",
     "Retailers in {city} removed 11-ounce Northwind Coffee cold brew cans from shelves on Monday after the "
     "company announced a voluntary recall of lots NW2602-14 and NW2602-15 over possible glass fragments."),
    ("{city} shoppers line up to return recalled Northwind cold brew",
     "Customers in {city} returned Northwind cold brew cans on Monday. Stores said refunds are available "
     "with or without a receipt for the two affected lots."),
    ("Northwind recall: {city} grocers offer refunds on affected cold brew lots",
     "Several grocery chains in {city} said they would refund Northwind Coffee cold brew cans from lots "
     "NW2602-14 and NW2602-15. The company says cafe drinks are not affected."),
    ("What the Northwind cold brew recall means for {city} cafes",
     "Northwind cafes in {city} remained open Monday. Staff said only canned cold brew sold in grocery "
     "stores is part of the recall."),
    ("Parents in {city} urged to check fridges for recalled Northwind cans",
     "Local health officials in {city} asked families to check Northwind Coffee cold brew cans for the "
     "lot codes NW2602-14 and NW2602-15 and not to drink them."),
)  # fmt: skip


# --------------------------------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------------------------------


class Texts:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def weighted(self, options: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]

    def fill(self, template: str, extra: dict[str, str] | None = None) -> str:
        def repl(match: re.Match[str]) -> str:
            slot = match.group(1)
            if extra and slot in extra:
                return extra[slot]
            if slot == "nw":
                return self.weighted(BRAND)
            if slot == "nws":
                return self.weighted(BRAND_POSSESSIVE)
            if slot == "wait":
                return str(self.rng.randint(12, 45))
            if slot == "hours":
                return str(self.rng.randint(2, 5))
            if slot == "n_cans":
                return self.rng.choice(("two", "three", "four", "six", "12"))
            return self.rng.choice(SLOTS[slot])

        text = re.sub(r"\{(\w+)\}", repl, template)
        text = re.sub(r"\b([Aa]) (?=[AEIOUaeiou]|11 )", r"\1n ", text)
        return re.sub(r"[ \t]+([.,!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()

    def typo(self, text: str) -> str:
        words = text.split(" ")
        spots = [
            i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5 and "northwind" not in w.lower()
        ]
        if not spots:
            return text
        i = self.rng.choice(spots)
        word, j = words[i], self.rng.randrange(1, len(words[i]) - 2)
        style = self.rng.randrange(3)
        if style == 0:
            words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
        elif style == 1:
            words[i] = word[:j] + word[j + 1 :]
        else:
            words[i] = word[:j] + word[j] + word[j:]
        return " ".join(words)

    def stylize(self, text: str, source: str, mood: str) -> str:
        rng = self.rng
        casual = source in {"bluesky", "mastodon", "youtube", "reddit"}
        if casual and rng.random() < 0.07:
            text = self.typo(text)
        if casual and rng.random() < (0.10 if source == "reddit" else 0.18):
            text = text.lower()
        if casual and rng.random() < 0.05:
            text = text.replace(" you ", " u ").replace(" are ", " r ")
        if casual and mood == "crisis" and rng.random() < 0.06:
            text = text.rstrip(".") + "!!"
        emoji_p = {"bluesky": 0.35, "mastodon": 0.25, "youtube": 0.4, "reddit": 0.06}.get(source, 0.0)
        if rng.random() < emoji_p:
            text += " " + "".join(rng.choice(EMOJI[mood]) for _ in range(rng.choice((1, 1, 1, 2, 3))))
        tag_p = {"mastodon": 0.5, "bluesky": 0.2, "youtube": 0.04}.get(source, 0.0)
        if rng.random() < tag_p:
            tags = rng.sample(HASHTAGS[mood], k=rng.choice((1, 1, 2, 3)))
            text += ("\n\n" if source == "mastodon" and rng.random() < 0.5 else " ") + " ".join(tags)
        return ensure_brand(text)

    def compose(
        self, core: str, prefixes: Sequence[str], extras: Sequence[str], p_prefix: float, p_extra: float
    ) -> str:
        """Optionally put a lead-in before and a second sentence after a filled template."""
        rng = self.rng
        if prefixes and rng.random() < p_prefix:
            keep_case = core.startswith(("I ", "I'", "Northwind", "#", "NW", "FDA"))
            core = f"{rng.choice(prefixes)} {core if keep_case else core[:1].lower() + core[1:]}"
        if extras and rng.random() < p_extra:
            core = join_sentences(core, self.fill(rng.choice(extras)))
        return core

    def baseline(self, source: str, when: datetime) -> tuple[str, str]:
        """Text and category of one ordinary mention."""
        rng = self.rng
        if source == "youtube" and rng.random() < 0.5:
            core = self.compose(self.fill(rng.choice(YOUTUBE_BASELINE)), (), EXTRAS["pos"], 0, 0.25)
            return self.stylize(core, source, "pos"), "general"
        category = rng.choices(list(BASELINE_WEIGHTS), weights=list(BASELINE_WEIGHTS.values()))[0]
        templates = BASELINE_TEMPLATES[category]
        if when >= CRISIS_START:  # keep canned cold brew out of ordinary chatter once the recall starts
            templates = tuple(t for t in templates if "cans" not in t)
        mood = "neg" if category == "negative" else "pos"
        core = self.compose(self.fill(rng.choice(templates)), PREFIXES[mood], EXTRAS[mood], 0.25, 0.45)
        return self.stylize(core, source, mood), category

    def hn_comment(self) -> str:
        rng = self.rng
        sentences = [rng.choice(HN_LEADS), *rng.sample(HN_FOLLOWUPS, k=rng.choice((0, 1, 1, 2)))]
        return " ".join(sentences)

    def reddit_title(self, category: str) -> str:
        return self.fill(self.rng.choice(REDDIT_TITLES.get(category, REDDIT_TITLES["general"])))

    def crisis(self, category: str, source: str, story: Story | None) -> tuple[str, str]:
        """Text and language of one crisis-related post in the given category."""
        rng = self.rng
        if category == "foreign":
            lang, text = rng.choice(FOREIGN_CRISIS)
            return self.stylize(text, source, "crisis"), lang
        if source == "hackernews":
            return self.hn_comment(), "en"
        details = CRISIS_DETAILS.get(category, ())
        if source == "youtube" and category not in {"news_share", "misinfo"} and rng.random() < 0.45:
            text = self.compose(self.fill(rng.choice(YOUTUBE_CRISIS)), (), details, 0, 0.3)
            return self.stylize(text, source, "crisis"), "en"
        extra = {"headline": story.title, "url": story.url} if story else None
        text = self.fill(rng.choice(CRISIS_TEMPLATES[category]), extra)
        if category != "news_share":
            text = self.compose(
                text, CRISIS_OPENERS if category in NEGATIVE_CATEGORIES else (), details, 0.18, 0.5
            )
        if category in NEGATIVE_CATEGORIES and rng.random() < 0.15:
            text = join_sentences(text, rng.choice(CRISIS_CLOSERS))
        mood = "pos" if category == "calm" else "crisis"
        return self.stylize(text, source, mood), "en"


def join_sentences(first: str, second: str) -> str:
    if not second:
        return first
    bare = first[-1:] in ".!?)" or first.rsplit(maxsplit=1)[-1].startswith("#")
    return f"{first}{'' if bare else '.'} {second}"


def ensure_brand(text: str) -> str:
    return text if "northwind" in text.lower() else f"{text} #northwind"


# --------------------------------------------------------------------------------------------------
# Authors
# --------------------------------------------------------------------------------------------------

ADJ = (
    "sleepy", "quiet", "mossy", "rainy", "sunny", "cosy", "tired", "caffeinated", "wandering", "lucky",
    "velvet", "amber", "cobalt", "tiny", "frosty", "golden", "crimson", "hazel", "misty", "salty", "gentle",
    "curious", "chaotic", "lazy", "brisk", "pixel", "paper", "copper", "maple", "cedar", "rusty", "jolly",
)  # fmt: skip
NOUN = (
    "bean", "kettle", "pourover", "latte", "fern", "otter", "teacup", "sparrow", "toast", "notebook", "tram",
    "lantern", "crow", "bagel", "muffin", "heron", "moth", "pancake", "cactus", "espresso", "badger",
    "biscuit", "comet", "walrus", "radish", "pigeon", "marmot", "pebble", "ferret", "noodle", "tangerine",
)  # fmt: skip
NAMES = (
    "kat", "jo", "sam", "ari", "dev", "lu", "max", "nia", "theo", "bea", "rui", "ivy", "oli", "zoe", "ken",
    "mara", "finn", "priya", "tomas", "ines", "yuki", "omar", "lena", "cal", "rosa", "ezra", "nadia", "joel",
    "hana", "milo", "dana", "ravi", "greta", "tariq", "elif", "noor", "sven", "ada",
)  # fmt: skip
MASTODON_INSTANCES = (
    "mastodon.social", "mastodon.social", "fosstodon.org", "hachyderm.io", "mstdn.social", "mas.to",
    "toot.community", "social.coop", "mastodon.online",
)  # fmt: skip


class Cast:
    """Per-source pools of fictional authors with heavy-tailed follower counts."""

    FOLLOWER_MEDIAN: ClassVar[dict[str, int]] = {
        "bluesky": 220,
        "mastodon": 260,
        "reddit": 60,
        "youtube": 45,
        "hackernews": 900,
    }
    POOL_SIZE: ClassVar[dict[str, int]] = {
        "bluesky": 420,
        "mastodon": 240,
        "reddit": 480,
        "youtube": 380,
        "hackernews": 140,
    }

    def __init__(self, rng: random.Random, ids: IdFactory) -> None:
        self.rng = rng
        self.ids = ids
        self.taken: set[tuple[str, str]] = set()
        self.pools: dict[tuple[str, str], list[Author]] = {}
        for source, size in self.POOL_SIZE.items():
            for tier in ("regular", "crisis"):
                self.pools[source, tier] = [self.new_author(source) for _ in range(size)]
            self.pools[source, "big"] = [self.new_author(source, big=True) for _ in range(12)]
        self.cum: dict[tuple[str, str], list[float]] = {}
        for key, pool in self.pools.items():
            total, acc = 0.0, []
            for rank in range(len(pool)):
                total += 1 / (rank + 2) ** 0.75  # Zipf-like: a few authors post often
                acc.append(total)
            self.cum[key] = acc

    def handle(self, source: str) -> str:
        rng = self.rng
        adj, noun, name = rng.choice(ADJ), rng.choice(NOUN), rng.choice(NAMES)
        options: tuple[str, ...]
        if source == "reddit":
            options = (
                f"{adj.title()}_{noun.title()}_{rng.randint(10, 9999)}",
                f"{name}{noun}{rng.randint(1, 99)}",
                f"{adj}{noun}",
                f"{name}_{rng.choice(('writes', 'irl', 'throwaway', 'pdx', 'uk'))}",
            )
        elif source == "bluesky":
            options = (
                f"{name}-{noun}.bsky.social",
                f"{adj}{noun}.bsky.social",
                f"{name}{rng.randint(2, 99)}.bsky.social",
            )
        elif source == "mastodon":
            user = rng.choice((f"{name}_{noun}", f"{adj}{noun}", f"{name}{rng.randint(1, 99)}"))
            options = (f"{user}@{rng.choice(MASTODON_INSTANCES)}",)
        elif source == "youtube":
            options = (
                f"@{name.title()}{noun.title()}{rng.randint(1, 999)}",
                f"@{adj}{noun}-{rng.randint(1, 99)}",
            )
        else:
            options = (f"{name}{noun}", f"{adj}_{noun}", f"{name}{rng.randint(1, 99)}")
        return rng.choice(options)

    def new_author(self, source: str, *, big: bool = False) -> Author:
        handle = self.handle(source)
        while (source, handle) in self.taken:
            handle = self.handle(source)
        self.taken.add((source, handle))
        if big:
            followers = int(math.exp(self.rng.uniform(math.log(50_000), math.log(2_000_000))))
        else:
            followers = max(3, round(math.exp(self.rng.gauss(math.log(self.FOLLOWER_MEDIAN[source]), 1.05))))
        return Author(handle, followers, self.ids.did() if source == "bluesky" else "")

    def pick(self, source: str, tier: str) -> Author:
        return self.rng.choices(self.pools[source, tier], cum_weights=self.cum[source, tier])[0]

    def fixed(self, source: str, handle: str, followers: int) -> Author:
        self.taken.add((source, handle))
        return Author(handle, followers, self.ids.did() if source == "bluesky" else "")


# --------------------------------------------------------------------------------------------------
# The world: emits mentions with native ids and urls
# --------------------------------------------------------------------------------------------------


class World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.ids = IdFactory(self.rng)
        self.texts = Texts(self.rng)
        self.cast = Cast(self.rng, self.ids)
        self.mentions: list[Mention] = []
        self.threads: dict[str, list[Thread]] = defaultdict(list)
        self.stories: list[Story] = []
        self.pickup_slugs: set[str] = set()
        self.brand_bluesky = self.cast.fixed("bluesky", "northwindcoffee.bsky.social", 182_400)
        self.brand_mastodon = self.cast.fixed("mastodon", "northwindcoffee@mastodon.social", 54_300)
        self.wire_url = ""
        self.news_video: Thread | None = None

    # ---- emitters -------------------------------------------------------------------------------

    def emit(self, source: str, ident: str, said: Said, text: str, url: str) -> Mention:
        when, author, labels = said.when, said.author, said.labels
        mention = Mention(
            source, ident, when, author.handle, author.followers, text, url, labels, len(self.mentions)
        )
        self.mentions.append(mention)
        return mention

    def reddit_post(self, said: Said, sub: str, title: str, body: str, *, weight: float = 1.0) -> Thread:
        when, author, labels = said.when, said.author, said.labels
        fullname = self.ids.reddit("t3", when)
        thread = Thread(
            "reddit", fullname[3:], when, title, weight, 2.5 if labels.kind != "baseline" else 8.0,
            labels.kind != "baseline", sub, slugify(title, "_", 50),
        )  # fmt: skip
        self.threads["reddit"].append(thread)
        url = f"https://www.reddit.com/r/{sub}/comments/{thread.key}/{thread.slug}/"
        self.emit("reddit", fullname, Said(when, author, labels), f"{title}\n\n{body}".strip(), url)
        return thread

    def reddit_comment(
        self, when: datetime, author: Author, thread: Thread, text: str, labels: Labels
    ) -> None:
        fullname = self.ids.reddit("t1", when)
        url = f"https://www.reddit.com/r/{thread.sub}/comments/{thread.key}/{thread.slug}/{fullname[3:]}/"
        self.emit("reddit", fullname, Said(when, author, labels), text, url)

    def mastodon(self, when: datetime, author: Author, text: str, labels: Labels) -> None:
        status_id = self.ids.mastodon(when)
        user, instance = author.handle.split("@")
        self.emit(
            "mastodon", status_id, Said(when, author, labels), text, f"https://{instance}/@{user}/{status_id}"
        )

    def bluesky(self, when: datetime, author: Author, text: str, labels: Labels) -> None:
        tid = self.ids.bluesky_tid(when)
        uri = f"at://{author.did}/app.bsky.feed.post/{tid}"
        self.emit(
            "bluesky",
            uri,
            Said(when, author, labels),
            text,
            f"https://bsky.app/profile/{author.handle}/post/{tid}",
        )

    def youtube_video(self, published: datetime, title: str, weight: float, crisis: bool) -> Thread:
        video = Thread(
            "youtube", self.ids.youtube_video(), published, title, weight, 3.0 if crisis else 60.0, crisis
        )
        self.threads["youtube"].append(video)
        return video

    def youtube_comment(
        self, when: datetime, author: Author, video: Thread, text: str, labels: Labels
    ) -> None:
        comment_id = self.ids.youtube_comment()
        url = f"https://www.youtube.com/watch?v={video.key}&lc={comment_id}"
        self.emit("youtube", comment_id, Said(when, author, labels), text, url)

    def hn_story(self, said: Said, title: str, body: str, weight: float) -> Thread:
        when, author, labels = said.when, said.author, said.labels
        item = self.ids.hackernews(when)
        story = Thread("hackernews", item, when, title, weight, 3.0, labels.kind != "baseline")
        self.threads["hackernews"].append(story)
        text = f"{title}\n\n{body}" if body else title
        self.emit(
            "hackernews",
            item,
            Said(when, author, labels),
            text,
            f"https://news.ycombinator.com/item?id={item}",
        )
        return story

    def hn_comment(self, when: datetime, author: Author, text: str, labels: Labels) -> None:
        item = self.ids.hackernews(when)
        self.emit(
            "hackernews",
            item,
            Said(when, author, labels),
            text,
            f"https://news.ycombinator.com/item?id={item}",
        )

    def rss(self, when: datetime, outlet: Outlet, item: NewsItem, labels: Labels) -> str:
        """One feed item. An item with a url syndicates an existing story (same link, this outlet's own
        guid). Crisis stories in English become available for people to share unless not shareable.
        """
        title, summary, url, shareable = item.title, item.summary, item.url, item.shareable
        slug = slugify(title, "-", 80)
        link = url or f"https://{outlet.domain}/{when:%Y/%m/%d}/{slug}"
        guid = self.ids.rss_guid(outlet, slug, link)
        author = Author(outlet.name, outlet.followers)
        self.emit("rss", guid, Said(when, author, labels), f"{title}\n\n{summary}", link)
        if shareable and url is None and labels.kind != "baseline" and labels.lang == "en":
            self.stories.append(Story(when, title, link))
        return link

    def post(self, source: str, when: datetime, author: Author, text: str, labels: Labels) -> None:
        """Post to a flat-feed source (bluesky or mastodon)."""
        if source == "bluesky":
            self.bluesky(when, author, text, labels)
        else:
            self.mastodon(when, author, text, labels)

    def pick_thread(self, source: str, when: datetime, crisis: bool) -> Thread | None:
        candidates = [t for t in self.threads[source] if t.created_at < when - timedelta(seconds=30)]
        preferred = [t for t in candidates if t.crisis == crisis] or candidates
        if not preferred:
            return None
        weights = [
            t.weight * math.exp(-(when - t.created_at).total_seconds() / 3600 / t.decay_hours)
            for t in preferred
        ]
        return self.rng.choices(preferred, weights=weights)[0]

    # ---- ordinary chatter ------------------------------------------------------------------------

    def seed_baseline_threads(self) -> None:
        """Threads and videos that existed before the file starts (their own posts are not in the file)."""
        for when, sub, title in (
            (at(1, "05:00:11"), "NorthwindCoffee", "Weekly Discussion Thread — March 01, 2026"),
            (at(1, "06:00:04"), "Coffee", "[MOD] Daily Q&A and Beginner Questions — March 01, 2026"),
            (at(1, "07:12:40"), "NorthwindCoffee", "Blossom Honey Oat Latte is back — first impressions?"),
        ):
            key = self.ids.reddit("t3", when)[3:]
            self.threads["reddit"].append(
                Thread("reddit", key, when, title, 2.0, 14.0, False, sub, slugify(title, "_", 50))
            )
        for days, title in (
            (5, "Northwind's NEW Blossom Honey Oat Latte — honest review"),
            (9, "I ranked every Northwind drink (2026 edition)"),
            (16, "Northwind vs. homemade cold brew: blind taste test"),
            (2, "Day in the life of a Northwind barista"),
        ):
            self.youtube_video(START - timedelta(days=days), title, 1.0, crisis=False)

    def baseline_flow(self) -> None:
        bucket = START
        while bucket < END:
            count = binomial_count(self.rng, baseline_rate(bucket))
            offsets = sorted(self.rng.randrange(300) for _ in range(count))
            for offset in offsets:
                when = bucket + timedelta(seconds=offset)
                source = self.rng.choices(list(BASELINE_SOURCES), weights=list(BASELINE_SOURCES.values()))[0]
                self.baseline_mention(source, when)
            bucket += BUCKET

    def baseline_mention(self, source: str, when: datetime) -> None:
        author = self.cast.pick(source, "regular")
        text, category = self.texts.baseline(source, when)
        labels = Labels()
        if source == "reddit":
            if self.rng.random() < 0.18:
                sub = self.rng.choice(("NorthwindCoffee", "NorthwindCoffee", "Coffee", "CasualConversation"))
                self.reddit_post(Said(when, author, labels), sub, self.texts.reddit_title(category), text)
                return
            thread = self.pick_thread("reddit", when, crisis=False)
            if thread is not None:
                self.reddit_comment(when, author, thread, text, labels)
                return
        if source == "youtube":
            video = self.pick_thread("youtube", when, crisis=False)
            if video is not None:
                self.youtube_comment(when, author, video, text, labels)
                return
        self.post(source if source in {"bluesky", "mastodon"} else "bluesky", when, author, text, labels)

    def baseline_news_and_hn(self) -> None:
        base = Labels()
        for when, outlet, title, summary in (
            (
                at(1, "09:20:00"),
                BLOG,
                "Review: Northwind's Blossom Honey Oat Latte is the rare seasonal drink that isn't too sweet",
                "We tried it three ways. The honey is floral, the oat milk is a good match, "
                "and one pump less makes it an everyday drink.",
            ),
            (
                at(1, "11:05:00"),
                CITY_NEWS,
                "Northwind Coffee to open riverside cafe on Harbor Road this spring",
                "The chain says the new cafe will add 25 jobs and a roastery window where customers can "
                "watch beans being roasted.",
            ),
            (
                at(1, "13:40:00"),
                BUSINESS,
                "Northwind Coffee expands canned cold brew to 2,000 more grocery stores",
                "The expansion, made with a contract canning partner, doubles the number of stores carrying "
                "Northwind's 11-ounce cold brew cans.",
            ),
            (
                at(1, "16:15:00"),
                FOODIE,
                "Spring drinks ranked: Northwind and the indie cafes giving it a run for its money",
                "Honey, lavender and cardamom dominate this year's seasonal menus.",
            ),
            (
                at(1, "19:30:00"),
                LEDGER,
                "Northwind baristas on Elm St. celebrate 10 years with free refills",
                "Regulars brought cake; the shift lead says some customers have ordered the same drink for "
                "a decade.",
            ),
            (
                at(2, "06:30:00"),
                BUSINESS,
                "Northwind Coffee Q1 preview: analysts expect strong seasonal sales",
                "Analysts point to the loyalty app and canned cold brew as growth drivers.",
            ),
            (
                at(2, "08:10:00"),
                CITY_NEWS,
                "Commuters line up for Northwind's Monday double-points promo",
                "Queues formed at several downtown cafes as the Rewards app offered double points before "
                "10am.",
            ),
        ):
            self.rss(when, outlet, NewsItem(title, summary), base)
        hn_link = "https://northwindcoffee.example/engineering/offline-ordering"
        story = self.hn_story(
            Said(at(1, "15:47:22"), self.cast.fixed("hackernews", "mkessler", 8_412), base),
            "How Northwind Coffee rebuilt offline ordering for its app",
            hn_link,
            1.0,
        )
        minutes = sorted(self.rng.sample(range(3, 16 * 60), 12))
        for comment, minute in zip(self.rng.sample(HN_BASELINE, len(HN_BASELINE)), minutes, strict=True):
            when = story.created_at + timedelta(minutes=minute, seconds=self.rng.randrange(60))
            self.hn_comment(when, self.cast.pick("hackernews", "regular"), comment, base)

    def brand_and_edge_cases(self) -> None:
        brand_sky = self.brand_bluesky
        base = Labels()
        self.bluesky(
            at(1, "12:00:00"),
            brand_sky,
            "Spring is here 🌸 The Blossom Honey Oat Latte is back at every "
            "Northwind cafe, with oat milk by default. What are you pairing it with?",
            base,
        )
        self.mastodon(
            at(1, "12:00:05"),
            self.brand_mastodon,
            "The Blossom Honey Oat Latte is back at every Northwind cafe 🌸 #northwind #spring",
            base,
        )
        self.bluesky(
            at(2, "07:00:00"),
            brand_sky,
            "Monday double points ☕ Order in the Northwind app before 10am and earn 2x on every drink.",
            base,
        )

        def edge(name: str, lang: str = "en") -> Labels:
            return Labels(lang=lang, edge_case=name)

        sky = self.cast.pick
        self.bluesky(at(1, "10:42:17"), sky("bluesky", "regular"), "☕️😍🌸✨", edge("emoji_only"))
        self.youtube_comment(
            at(1, "20:03:51"),
            sky("youtube", "regular"),
            self.threads["youtube"][0],
            "🔥🔥🔥☕",
            edge("emoji_only"),
        )
        self.mastodon(
            at(1, "14:27:09"),
            sky("mastodon", "regular"),
            "Tried the Blossom Honey Oat Latte &amp; honestly?? &quot;spring in a cup&quot; &lt;3 #northwind",
            edge("html_entities"),
        )
        self.rss(
            at(1, "22:50:00"),
            NEWSLETTER,
            NewsItem(
                "Northwind Coffee&#8217;s app gets &quot;one-tap reorder&quot; &amp; more",
                "This week: Northwind&#8217;s loyalty update, spring menus &amp; a latte-art "
                "contest &mdash; plus your letters.",
            ),
            edge("html_entities"),
        )
        self.bluesky(
            at(1, "17:12:44"),
            sky("bluesky", "regular"),
            "Acabo de probar el Blossom Honey Oat Latte de Northwind y está buenísimo 🍯☕",
            edge("non_english", "es"),
        )
        self.mastodon(
            at(1, "18:05:31"),
            sky("mastodon", "regular"),
            "Der neue Honig-Hafer-Latte von #Northwind "
            "ist echt lecker, aber die Schlange war wieder endlos lang.",
            edge("non_english", "de"),
        )
        thread = self.threads["reddit"][0]
        self.reddit_comment(
            at(2, "08:55:20"),
            sky("reddit", "regular"),
            thread,
            "¿Alguien sabe si el Northwind de Madrid abre los domingos? Gracias!",
            edge("non_english", "es"),
        )
        self.rss(
            at(2, "09:15:00"),
            KAFFEE,
            NewsItem(
                "Northwind Coffee eröffnet erste Filiale in Berlin",
                "Die US-Kaffeekette Northwind plant ihre erste deutsche Filiale am Alexanderplatz.",
            ),
            edge("non_english", "de"),
        )
        self.reddit_post(
            Said(at(1, "21:18:33"), sky("reddit", "regular"), edge("long_text")),
            "NorthwindCoffee",
            LONG_TITLE,
            long_post(),
        )
        zero = edge("zero_followers")
        self.bluesky(
            at(1, "12:51:02"),
            Author("firstpost-jo.bsky.social", 0, self.ids.did()),
            "first post here! just got my Northwind rewards card 😊",
            zero,
        )
        self.youtube_comment(
            at(2, "07:33:48"),
            Author("@user-qk7ve3xz9m", 0),
            self.threads["youtube"][1],
            "northwind drive thru near me is always fast, good video",
            zero,
        )
        self.reddit_comment(
            at(1, "15:02:11"),
            Author("Brisk_Moth_5517", 0),
            thread,
            "Northwind oat flat white > everything else on the menu. Fight me.",
            zero,
        )

    # ---- the crisis ------------------------------------------------------------------------------

    def crisis_first_reports(self) -> None:
        crisis = Labels(kind="crisis")
        first = Said(crisis_at("0:00:00"), self.cast.fixed("reddit", "Quiet_Pourover_2291", 38), crisis)
        self.reddit_post(first, "Coffee", "Found what looks like glass in my Northwind cold brew can??",
            "Poured a Northwind Original Black cold brew (the 11 oz can) into a mug and there are tiny "
            f"clear shards at the bottom. Sharp, glittery, definitely not ice. Can says lot {LOT_A}. Has "
            "anyone else seen this? I'm honestly shaken.", weight=3.0)  # fmt: skip
        self.mastodon(
            crisis_at("0:06:41"),
            self.cast.fixed("mastodon", "lenka_brews@mastodon.social", 890),
            "Um. My partner just cut their lip on something sharp from a Northwind cold brew can. Looks "
            f"like a sliver of glass. We're okay but WHAT. Lot {LOT_A} if anyone has the same. "
            "#northwind #foodsafety",
            crisis,
        )
        self.bluesky(
            crisis_at("0:13:27"),
            self.cast.fixed("bluesky", "dana-ferments.bsky.social", 1_430),
            "Okay this is genuinely scary: tiny glass fragments at the bottom of a Northwind Coffee cold "
            "brew can. Photos below. Bought at the grocery store yesterday. Please check yours before "
            "drinking 😳",
            crisis,
        )
        self.reddit_post(
            Said(crisis_at("0:34:10"), self.cast.fixed("reddit", "Chaotic_Radish_88", 112), crisis),
            "mildlyinfuriating",
            "Northwind cold brew came with a free side of glass",
            "Second can from the same pack. Lot NW2602-14 again. I'm done.",
            weight=2.0,
        )

    def crisis_statements(self) -> None:
        news = Labels(kind="news")
        sky, masto = self.brand_bluesky, self.brand_mastodon
        aware = ("We've seen reports of foreign material in some Northwind Cold Brew cans. We're taking this "
                 "extremely seriously, have paused sales of canned cold brew and are investigating with our "
                 "canning partner. More soon.")  # fmt: skip
        self.bluesky(crisis_at("1:05:00"), sky, aware, news)
        self.mastodon(crisis_at("1:05:30"), masto, aware + " #northwind", news)
        recall = (f"Voluntary recall: Northwind Cold Brew 11 oz cans, lots {LOT_A} and {LOT_B}. Please don't "
                  "drink them. Full refunds at any store or at northwindcoffee.example/recall. Cafe drinks "
                  "are not affected. We're sorry.")  # fmt: skip
        self.bluesky(crisis_at("1:20:00"), sky, recall, news)
        self.mastodon(crisis_at("1:20:20"), masto, recall, news)
        self.rss(
            crisis_at("1:21:00"),
            NEWSROOM,
            NewsItem(
                "Northwind Coffee announces voluntary recall of cold brew cans",
                f"Northwind Coffee is voluntarily recalling 11-ounce Northwind Cold Brew cans from lots "
                f"{LOT_A} and {LOT_B} after customer reports of glass fragments. Customers should not drink "
                "the product and can get a full refund.",
            ),
            news,
        )
        self.bluesky(
            crisis_at("4:40:00"),
            sky,
            "Update: refunds for the recalled cold brew lots are now "
            "processing at all stores and online. Our canning partner has stopped the affected line. "
            "Thank you for your patience, and again, we're sorry. — Northwind",
            news,
        )
        self.bluesky(
            crisis_at("5:45:00"),
            sky,
            "A message from our CEO about the cold brew recall, the "
            "independent audit of our canning partner, and what we're changing: "
            "northwindcoffee.example/letter #northwind",
            news,
        )

    def crisis_news(self) -> None:
        news = Labels(kind="news")
        self.rss(
            crisis_at("0:48:00"),
            LEDGER,
            NewsItem(
                "Customers report finding glass in Northwind cold brew cans",
                "Several customers say they found small glass-like fragments in 11-ounce Northwind Coffee "
                "cold brew cans on Monday morning. Posts on Reddit, Mastodon and Bluesky reference the same "
                f"lot code, {LOT_A}. Northwind has not yet commented.",
            ),
            news,
        )
        self.wire_url = self.syndicate(
            "1:28:00", WIRE, ("1:31:00", CITY_NEWS), ("1:37:00", METRO), ("1:52:00", DAILY_BRIEF),
            ("2:05:00", TV), ("2:40:00", BUSINESS),
            title="Northwind Coffee recalls cold brew cans after reports of glass fragments",
            summary=f"Northwind Coffee on Monday recalled two lots of its 11-ounce cold brew cans, {LOT_A} "
            f"and {LOT_B}, after customers reported finding glass fragments. The company said cafe drinks "
            "are not affected and offered full refunds. No serious injuries have been confirmed.",
        )  # fmt: skip
        self.syndicate(
            "1:52:00", CONSUMER, ("2:10:00", CITY_NEWS), ("2:31:00", METRO),
            title="FDA posts Northwind cold brew recall notice; consumers urged to check lot codes",
            summary="The agency's recall notice lists Northwind Cold Brew 11 oz cans with lot codes "
            f"{LOT_A} and {LOT_B}, sold in grocery stores nationwide since mid-February.",
        )  # fmt: skip
        for offset, outlet, title, summary, lang in (
            (
                "2:20:00",
                BUSINESS,
                "Northwind shares slide as cold brew recall spreads online",
                "Shares fell as much as 4% in morning trading as social media posts about the recall "
                "multiplied.",
                "en",
            ),
            (
                "2:35:00",
                LEDGER,
                "Proposed class action filed against Northwind Coffee over cold brew cans",
                "The complaint, filed Monday, alleges the company failed to detect glass contamination.",
                "en",
            ),
            (
                "3:10:00",
                DAILY_BRIEF,
                "#BoycottNorthwind trends as customers vent over glass in cold brew",
                "Thousands of posts called for a boycott, though many customers said the company's refund "
                "offer was a reasonable first step.",
                "en",
            ),
            (
                "3:45:00",
                FACTCHECK,
                "Fact check: No evidence Northwind 'knew for months' about glass in cans",
                "Claims that the company ignored complaints since December come from a single unsourced "
                "post. Claims of hospitalizations and of a recall of hot drinks are also false.",
                "en",
            ),
            (
                "3:55:00",
                NOTICIAS,
                "Northwind Coffee retira latas de café frío por posibles fragmentos de vidrio",
                f"La empresa retiró los lotes {LOT_A} y {LOT_B}. Las bebidas de sus cafeterías no están "
                "afectadas.",
                "es",
            ),
            (
                "5:10:00",
                CITY_NEWS,
                "What to do if you bought Northwind cold brew: refunds, lot codes and symptoms to watch",
                "Check the bottom of the can, keep it for the refund, and see a doctor if "
                "you have mouth or throat pain after drinking from an affected can.",
                "en",
            ),
            (
                "5:40:00",
                TV,
                "Northwind CEO apologizes, promises independent audit of canning partner",
                "The chief executive said a damaged part on one filling line is the likely cause.",
                "en",
            ),
        ):
            self.rss(crisis_at(offset), outlet, NewsItem(title, summary), Labels(kind="news", lang=lang))
        self.syndicate(
            "4:25:00", WIRE, ("4:31:00", CITY_NEWS), ("4:50:00", TV),
            title="Northwind says recall limited to two lots; cafe drinks unaffected",
            summary="The company said its canning partner traced the problem to one filling line and that it "
            "has processed refunds for thousands of customers.",
        )  # fmt: skip

    def syndicate(
        self, offset: str, origin: Outlet, *copies: tuple[str, Outlet], title: str, summary: str
    ) -> str:
        """Publish a story and identical copies of it in other feeds, all linking to the same URL."""
        url = self.rss(crisis_at(offset), origin, NewsItem(title, summary), Labels(kind="news"))
        for copy_offset, outlet in copies:
            self.rss(crisis_at(copy_offset), outlet, NewsItem(title, summary, url=url), Labels(kind="news"))
            self.pickup_slugs.add(f"{outlet.domain} {url}")
        return url

    def crisis_social_news(self) -> None:
        news = Labels(kind="news")
        wire_sky = self.cast.fixed("bluesky", "wire.example.net", 1_940_000)
        wire_masto = self.cast.fixed("mastodon", "examplewire@mastodon.social", 212_000)
        headline = "Northwind Coffee recalls cold brew cans after reports of glass fragments"
        self.bluesky(crisis_at("1:33:05"), wire_sky, f"{headline} {self.wire_url}", news)
        self.mastodon(
            crisis_at("1:34:40"), wire_masto, f"{headline}\n\n{self.wire_url}\n\n#northwind #recall", news
        )
        self.bluesky(
            crisis_at("0:52:30"),
            self.cast.fixed("bluesky", "ledger.example.org", 64_000),
            "Customers report finding glass in Northwind cold brew cans. We've asked the company for "
            "comment.",
            news,
        )
        self.bluesky(
            crisis_at("3:47:10"),
            self.cast.fixed("bluesky", "factcheck.example.org", 150_000),
            "No, Northwind did not 'know for months'. No, hot drinks are not recalled. Here's what the "
            "recall notice actually says.",
            news,
        )
        self.bluesky(
            crisis_at("4:26:00"),
            wire_sky,
            "Northwind says recall limited to two lots; cafe drinks unaffected #northwind",
            news,
        )
        self.bluesky(
            crisis_at("5:41:00"),
            self.cast.fixed("bluesky", "tv.example.com", 760_000),
            "Northwind CEO apologizes, promises independent audit of canning partner",
            news,
        )
        self.news_video = self.youtube_video(
            crisis_at("1:45:00"),
            "Northwind Coffee recalls cold brew cans after glass reports | Example 7 News",
            5.0,
            crisis=True,
        )
        self.youtube_video(
            crisis_at("2:05:00"),
            "I found GLASS in my coffee?! The Northwind recall explained",
            8.0,
            crisis=True,
        )
        self.youtube_video(
            crisis_at("3:30:00"),
            "Northwind recall: is your cold brew affected? Lot codes & refunds",
            3.0,
            crisis=True,
        )

    def crisis_threads_and_big_accounts(self) -> None:
        reaction = Labels(kind="reaction")
        fixed = self.cast.fixed
        self.reddit_post(
            Said(crisis_at("1:10:00"), fixed("reddit", "nwc_mods", 12), reaction),
            "NorthwindCoffee",
            "Megathread: cold brew can reports (March 2)",
            "Please keep reports and questions about "
            "the Northwind cold brew cans in this thread. Include the lot code. No medical advice, "
            "no rumors.",
            weight=5.0,
        )
        shared = Labels(kind="reaction", shared_url=self.wire_url)
        headline = "Northwind Coffee recalls cold brew cans after reports of glass fragments"
        self.reddit_post(
            Said(crisis_at("1:31:12"), fixed("reddit", "Sleepy_Tangerine_4412", 1_840), shared),
            "news",
            headline,
            "",
            weight=8.0,
        )
        self.hn_story(
            Said(crisis_at("1:36:40"), fixed("hackernews", "kdrummond", 15_230), shared),
            f"{headline} ({WIRE.domain})",
            self.wire_url,
            4.0,
        )
        self.hn_story(
            Said(crisis_at("2:50:00"), fixed("hackernews", "ferrous_otter", 3_904), reaction),
            "Ask HN: How does glass end up in an aluminum can? (re: Northwind recall)",
            "Genuinely curious how this happens on a modern canning line.",
            2.0,
        )
        misinfo = Labels(kind="crisis", misinfo=True)
        for offset, source, handle, followers, text, labels in (
            ("1:58:00", "bluesky", "consumerwatchdog-jen.bsky.social", 1_210_000,
             f"If you have Northwind Cold Brew cans at home, check the lot code NOW ({LOT_A} / {LOT_B}). "
             f"Don't drink them. Keep the can for your refund. {self.wire_url}", shared),
            ("2:07:00", "bluesky", "thecaffeinatedcritic.bsky.social", 640_000,
             "I've recommended Northwind cold brew to you all for years. Glass in the cans is a catastrophic "
             "failure. I'm so sorry to anyone who got hurt.", reaction),
            ("2:15:00", "mastodon", "foodsafetynerd@mstdn.social", 85_400,
             "Thread on the Northwind recall: what a lot code is, why glass in cans is rare, and what to do "
             "if you drank from an affected can. 🧵 #foodsafety #northwind", reaction),
            ("2:48:00", "bluesky", "memelord-marnie.bsky.social", 231_000,
             "northwind cold brew: now with a satisfying crunch (please do not drink it)", reaction),
            ("3:02:00", "bluesky", "truthseeker-rex.bsky.social", 94_000,
             "Northwind KNEW for months. Internal complaints since December, buried. The recall is a "
             "cover-up and it's in the cafe drinks too. Share before it's deleted. #BoycottNorthwind",
             misinfo),
            ("3:20:00", "mastodon", "techpolicy_ana@hachyderm.io", 54_800,
             "Watching Northwind misinformation outrun the actual recall notice by a factor of ten today. "
             "Please read the notice before sharing.", reaction),
        ):  # fmt: skip
            author = fixed(source, handle, followers)
            self.post(source, crisis_at(offset), author, text, labels)
        video = self.news_video or self.threads["youtube"][-1]
        self.youtube_comment(
            crisis_at("2:22:30"),
            fixed("youtube", "@TheDailyGrindShow", 310_000),
            video,
            "We'll do a full breakdown of the Northwind recall on our channel tonight. Please "
            "check your lot codes and don't drink those cans.",
            reaction,
        )
        self.mastodon(
            crisis_at("2:40:00"),
            self.cast.pick("mastodon", "crisis"),
            "Rückruf bei Northwind Coffee: In "
            "Cold-Brew-Dosen wurden Glassplitter gefunden. Bitte Chargennummer prüfen! #northwind #Rückruf",
            Labels(kind="reaction", lang="de"),
        )
        self.bluesky(
            crisis_at("3:05:00"),
            self.cast.pick("bluesky", "crisis"),
            "Cuidado: Northwind Coffee retira "
            "latas de cold brew por fragmentos de vidrio. Revisen el lote NW2602-14 😬",
            Labels(kind="reaction", lang="es"),
        )

    def crisis_flow(self) -> None:
        """Rate-driven crisis chatter on top of the scripted events."""
        bucket = CRISIS_START + timedelta(minutes=15)  # the first quarter hour is the three scripted posts
        while bucket < END:
            minutes = (bucket - CRISIS_START).total_seconds() / 60
            count = poisson(self.rng, crisis_rate(minutes))
            for offset in sorted(self.rng.randrange(300) for _ in range(count)):
                self.crisis_mention(bucket + timedelta(seconds=offset))
            bucket += BUCKET

    def crisis_source(self, minutes: float) -> str:
        weights = {
            "bluesky": 0.32, "reddit": 0.30, "mastodon": 0.14, "youtube": 0.14,
            "hackernews": 0.06 if minutes > 98 else 0.0, "rss": 0.025 if minutes > 90 else 0.0,
        }  # fmt: skip
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def crisis_mention(self, when: datetime) -> None:
        minutes = (when - CRISIS_START).total_seconds() / 60
        source = self.crisis_source(minutes)
        if source == "rss":
            self.news_pickup(when)
            return
        weights = {cat: interp(points, minutes) for cat, points in PHASES.items()}
        category = self.rng.choices(list(weights), weights=list(weights.values()))[0]
        story = self.pick_story(when) if category == "news_share" else None
        if category == "news_share" and story is None:
            category = "outrage"
        text, lang = self.texts.crisis(category, source, story)
        kind = "reaction" if source == "hackernews" else CRISIS_KIND[category]
        labels = Labels(
            kind=kind, lang=lang, misinfo=category == "misinfo" and source != "hackernews",
            shared_url=story.url if story and source != "hackernews" else None,
        )  # fmt: skip
        roll = self.rng.random()
        tier = (
            "big" if roll < 0.02 and source in BIG_ACCOUNT_SOURCES else "regular" if roll < 0.35 else "crisis"
        )
        author = self.cast.pick(source, tier)
        if source == "reddit":
            self.reddit_crisis(when, author, text, labels, category)
        elif source == "youtube":
            video = self.pick_thread("youtube", when, crisis=True)
            if video is not None:
                self.youtube_comment(when, author, video, text, labels)
        elif source == "hackernews":
            self.hn_comment(when, author, text, labels)
        else:
            self.post(source, when, author, text, labels)

    def reddit_crisis(self, when: datetime, author: Author, text: str, labels: Labels, category: str) -> None:
        thread = self.pick_thread("reddit", when, crisis=True)
        if thread is None or (self.rng.random() < 0.12 and labels.shared_url is None):
            sub = self.rng.choice(REDDIT_CRISIS_SUBS)
            self.reddit_post(Said(when, author, labels), sub, self.texts.reddit_title(category), text)
        else:
            self.reddit_comment(when, author, thread, text, labels)

    def pick_story(self, when: datetime) -> Story | None:
        stories = [s for s in self.stories if s.published <= when - timedelta(minutes=1)]
        if not stories:
            return None
        weights = [
            (4.0 if s.url == self.wire_url else 1.0) * math.exp(-(when - s.published).total_seconds() / 5400)
            for s in stories
        ]
        return self.rng.choices(stories, weights=weights)[0]

    def news_pickup(self, when: datetime) -> None:
        """Regional outlets syndicating the wire story or writing a local angle."""
        outlet = self.rng.choice(PICKUP_OUTLETS)
        news = Labels(kind="news")
        wire = [s for s in self.stories if s.url.startswith(f"https://{WIRE.domain}/") and s.published < when]
        if wire and self.rng.random() < 0.5 and f"{outlet.domain} {wire[-1].url}" not in self.pickup_slugs:
            story = wire[-1]
            self.pickup_slugs.add(f"{outlet.domain} {story.url}")
            summary = next(m.text for m in self.mentions if m.url == story.url).split("\n\n", 1)[1]
            self.rss(when, outlet, NewsItem(story.title, summary, url=story.url), news)
            return
        for _ in range(20):
            city = self.rng.choice(SLOTS["city"])
            title, summary = (part.format(city=city) for part in self.rng.choice(PICKUP_HEADLINES))
            key = f"{outlet.domain}/{slugify(title, '-', 80)}"
            if key not in self.pickup_slugs:
                self.pickup_slugs.add(key)
                self.rss(when, outlet, NewsItem(title, summary, shareable=False), news)
                return

    # ---- output ------------------------------------------------------------------------------------

    def build(self) -> list[Mention]:
        self.seed_baseline_threads()
        self.brand_and_edge_cases()
        self.baseline_news_and_hn()
        self.crisis_first_reports()
        self.crisis_statements()
        self.crisis_news()
        self.crisis_social_news()
        self.crisis_threads_and_big_accounts()
        # ordinary chatter and the crisis flow are drawn in time order so that threads exist before replies
        self.baseline_flow()
        self.crisis_flow()
        return sorted(self.mentions, key=lambda m: (m.created_at, m.seq))


LONG_TITLE = (
    "Six years of Northwind: a very long, very loving, slightly unhinged ranking of every seasonal drink"
)
LONG_PARAGRAPHS = (
    "Okay, this got long. I've been going to the Northwind on Maple Ave almost every weekday since 2020, "
    "first because it was the only place open before 6:30 near my old job, and then because the morning "
    "crew started to feel like coworkers I actually liked. A friend asked me which seasonal drinks are "
    "worth it and I realised I have opinions about all of them, so here we are.",
    "Tier 1, the honest classics. The oat flat white is still the best thing on the menu and it is not "
    "close. The espresso they switched to in 2023 is a little darker than the old blend, which I resisted "
    "for about three weeks before giving up. Drip is fine. Cold brew is great from the tap in the cafe, and "
    "the cans are a decent backup for the office fridge, though they're sweeter than they used to be.",
    "Tier 2, seasonal drinks that earned their spot. The Blossom Honey Oat Latte (the current one) is "
    "genuinely good: the honey is floral rather than cloying, and with one less pump it becomes a drink you "
    "could have every day without feeling like you ate dessert. The winter cardamom one was close behind. "
    "The maple one from 2022 tasted like a candle, sorry to everyone who loved it.",
    "Tier 3, the experiments. Lavender cold foam: pretty, photographs well, tastes like soap to me, but my "
    "partner loves it, so who knows. The pistachio thing from last spring was fine. The espresso tonic was "
    "ahead of its time and should come back. The brown butter latte was too rich to finish, which I say as "
    "someone who has never once not finished a drink.",
    "The app deserves its own section. The Rewards app was a disaster for a while (logging out constantly, "
    "orders stuck on 'preparing'), but the recent update with saved favourites and one-tap reorder fixed "
    "most of my complaints. Double points before 10am is a dangerous incentive for someone who already "
    "wakes up too early.",
    "Staff. This is the real reason I keep going. The morning crew remembers names, remembers orders, and "
    "somehow stays kind during the 8:15 rush. One of them drew a tiny fern in my latte on the day I got "
    "some bad news and I will think about that for the rest of my life. Tip your baristas, honestly.",
    "Complaints, to be fair: prices creep up every year, the music is sometimes too loud for a room full of "
    "laptops, the pastry case is empty by 9 on weekdays, and the Sunday queue can be brutal. None of that "
    "has stopped me, which probably says more about me than about Northwind.",
    "A note on locations, since people always ask: Maple Ave has the best crew, Station Square has the best "
    "seats, the Harbor Road one has the nicest light but the slowest wifi, and the drive-thru on Union Blvd "
    "is fast but gets at least one order wrong per visit (mine, usually). The new one on Mill Lane is still "
    "finding its feet; give them a month.",
    "TL;DR: oat flat white forever, try the Blossom Honey Oat Latte with one less pump, skip the lavender "
    "foam unless you like soap, and be nice to the people behind the counter. Happy to answer questions "
    "about any drink from the last six years.",
)


def long_post() -> str:
    return "\n\n".join(LONG_PARAGRAPHS)


# --------------------------------------------------------------------------------------------------
# Validation and summary
# --------------------------------------------------------------------------------------------------


def validate(mentions: Sequence[Mention]) -> None:
    problems: list[str] = []
    if not MIN_LINES <= len(mentions) <= MAX_LINES:
        problems.append(f"{len(mentions)} mentions, expected {MIN_LINES}-{MAX_LINES}")
    seen: dict[str, set[str]] = defaultdict(set)
    for prev, cur in pairwise(mentions):
        if cur.created_at < prev.created_at:
            problems.append(f"not sorted at {cur.id}")
    for m in mentions:
        if m.id in seen[m.source]:
            problems.append(f"duplicate {m.source} id {m.id}")
        seen[m.source].add(m.id)
        if not START <= m.created_at < END:
            problems.append(f"{m.id} outside the window")
        if m.labels.kind != "baseline" and m.created_at < CRISIS_START:
            problems.append(f"crisis mention {m.id} before the crisis start")
        if m.labels.edge_case != "emoji_only" and "northwind" not in m.text.lower():
            problems.append(f"{m.id} does not mention the brand")
        if tuple(m.record())[: len(BASE_KEYS)] != BASE_KEYS:
            problems.append(f"{m.id} has unexpected keys")
    if problems:
        raise SystemExit("scenario validation failed:\n  " + "\n  ".join(problems[:20]))


def summarize(mentions: Sequence[Mention]) -> None:
    crisis = [m for m in mentions if m.labels.kind in CRISIS_KINDS]
    first = crisis[0]
    pre = [m for m in mentions if m.created_at < CRISIS_START]
    print(f"{len(mentions)} mentions, {iso(mentions[0].created_at)} .. {iso(mentions[-1].created_at)}")
    print(f"baseline window: {iso(START)} .. {iso(CRISIS_START)} (exclusive), {len(pre)} mentions")
    print(f"first crisis mention: {iso(first.created_at)} {first.source} {first.id}")
    print(f"crisis-labelled: {len(crisis)}, misinformation: {sum(m.labels.misinfo for m in mentions)}")
    print(
        "by kind:   "
        + ", ".join(f"{k}={v}" for k, v in sorted(Counter(m.labels.kind for m in mentions).items()))
    )
    print(
        "by source: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(m.source for m in mentions).items()))
    )
    by_lang = Counter(m.labels.lang for m in mentions)
    print("by lang:   " + ", ".join(f"{k}={v}" for k, v in sorted(by_lang.items())))
    edges = Counter(m.labels.edge_case for m in mentions if m.labels.edge_case)
    print("edge cases: " + ", ".join(f"{k}={v}" for k, v in sorted(edges.items())))
    texts = Counter(m.text for m in mentions if m.source != "rss")
    repeated = sum(n for n in texts.values() if n > 1)
    print(f"distinct non-rss texts: {len(texts)} of {sum(texts.values())} ({repeated} lines share a text)")
    buckets: Counter[datetime] = Counter()
    for m in pre:
        buckets[m.created_at.replace(minute=m.created_at.minute // 5 * 5, second=0)] += 1
    day: list[int] = []
    night: list[int] = []
    ts = START
    while ts < CRISIS_START:
        if 9 <= ts.hour < 21:
            day.append(buckets[ts])
        elif ts.hour < 6:
            night.append(buckets[ts])
        ts += BUCKET
    print(f"baseline per 5 min: day 09-21h min/mean/max {min(day)}/{sum(day) / len(day):.1f}/{max(day)}, "
          f"night 00-06h {min(night)}/{sum(night) / len(night):.1f}/{max(night)}; "
          f"overall mean {len(pre) / ((CRISIS_START - START) / BUCKET):.1f}")  # fmt: skip
    all_buckets: Counter[datetime] = Counter(
        m.created_at.replace(minute=m.created_at.minute // 5 * 5, second=0) for m in mentions
    )
    peak_at, peak = max(all_buckets.items(), key=lambda kv: kv[1])
    print(f"peak 5-min bucket: {iso(peak_at)} with {peak} mentions")
    print("hour (UTC)            total  baseline  crisis")
    hours: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
    for m in mentions:
        hours[m.created_at.replace(minute=0, second=0)][int(m.labels.kind in CRISIS_KINDS)] += 1
    for hour, (base, hot) in sorted(hours.items()):
        print(f"{iso(hour)}  {base + hot:6d}  {base:8d}  {hot:6d}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the JSON Lines file")
    args = parser.parse_args(argv)
    mentions = World(args.seed).build()
    validate(mentions)
    with args.output.open("w", encoding="utf-8", newline="\n") as out:
        for mention in mentions:
            out.write(json.dumps(mention.record(), ensure_ascii=False) + "\n")
    print(f"wrote {args.output}")
    summarize(mentions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
