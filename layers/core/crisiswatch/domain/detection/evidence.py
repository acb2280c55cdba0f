"""What people are saying when an alert fires: its top terms and its most-reached negative posts.

The scoring function sees one stream batch at a time, and the posts that make an alert often arrive in
several. So the detector's state keeps a small ring of notable posts (negative or carrying a crisis
type) from the last 15 minutes, merged batch by batch, and an alert's evidence is read from it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..clock import BUCKET, bucket_start, parse_iso, to_iso
from ..listening.mentions import Mention
from .scoring import NEGATIVE_COMPOUND, MentionScore

EVIDENCE_WINDOW = timedelta(minutes=15)
"""The alert's bucket and the two before it: the posts that made the alert."""
NOTABLE_POSTS = 12
"""Posts kept in the ring: enough for the top terms, small enough for the state (about 4 KB)."""
TOP_TERMS = 10
TOP_POSTS = 3
POST_EXCERPT_CHARS = 280

_WORD = re.compile(r"[#@]?[^\W\d_][\w'’-]{2,}")
"""A word of three or more characters in any alphabet (Zugausfall, Rückruf, recall), hashtags included."""
_URL = re.compile(r"https?://\S+|www\.\S+")
_STOPWORDS_TEXT = """
the and for are but not you all any can had her was one our out has have been were they their them
this that these those with from your what when where which who why how will would could should just
about into over than then there here its it's i'm im i've ive don't dont can't cant didn't didnt
doesn't doesnt isn't isnt wasn't wasnt won't wont got get gets getting going gonna really very much
more most some such only also even still like lol ngl tbh omg yes yeah okay amp http https www com
net org today now new one two him his hers ours too anyone someone something everyone anything looks
look know think thing things people
"""
_STOPWORDS_DE_TEXT = """
der die das den dem des ein eine einen einem einer eines und oder aber doch denn sondern als wie wenn
weil dass ob ich du er sie es wir ihr mich dich sich uns euch mir dir ihm ihn ihnen mein meine meinen
meinem meiner dein deine sein seine ihre unser unsere euer eure nicht kein keine keinen keinem keiner
nur auch noch schon immer wieder mal jetzt heute gestern morgen hier dort da dann so sehr ganz gar
viel mehr etwas nichts alles alle jeder jede jedes man ist sind war waren bin bist hat haben hatte
hatten wird werden wurde wurden kann können konnte muss müssen musste soll sollen will wollen würde
habe hab gibt geht gehen macht machen mit von zu zum zur bei nach vor aus auf für über unter um an am
im in ins vom durch gegen ohne bis seit weg hin her was wer wie wo warum wann welche welcher welches
diese dieser dieses diesem diesen jetzt echt halt eben eigentlich einfach irgendwie ja nein doch mal
bitte danke lol omg haha
"""
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split()) | frozenset(_STOPWORDS_DE_TEXT.split())
"""English and German words too common to say what a crisis is about (our own lists)."""


def top_terms(texts: Iterable[str], ignore: Iterable[str] = (), limit: int = TOP_TERMS) -> list[list[Any]]:
    """The commonest words (by how many texts use them), without stop words or the brand's own name."""
    ignored = {word.lower() for phrase in ignore for word in _WORD.findall(phrase.lower())}
    counts: Counter[str] = Counter()
    for text in texts:
        words = {word.strip("'’-") for word in _WORD.findall(_URL.sub(" ", text.lower()))}
        counts.update(word for word in words if word not in _STOPWORDS and word.lstrip("#@") not in ignored)
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))  # ties: alphabetical, stable
    return [[word, count] for word, count in ranked[:limit]]


def _post(mention: Mention, score: MentionScore) -> dict[str, Any]:
    return {
        "mention_id": mention.mention_id,
        "created_at": to_iso(mention.created_at),
        "source": mention.source,
        "author": mention.author,
        "reach": score.reach,
        "sentiment": score.sentiment,
        "crisis_types": list(score.crisis_types),
        "lang": score.lang,
        "url": mention.url,
        "text": mention.text[:POST_EXCERPT_CHARS],
    }


def _rank(post: dict[str, Any]) -> tuple[bool, int, str]:
    return (bool(post["crisis_types"]), int(post["reach"]), str(post["mention_id"]))


def remember_notable(
    notable: Sequence[dict[str, Any]], batch: Sequence[tuple[Mention, MentionScore]], newest: datetime
) -> list[dict[str, Any]]:
    """The ring after `batch`: posts of the last 15 minutes before `newest`'s bucket ends, crisis-typed
    first, then by reach; a post seen again (a replayed record) is kept once."""
    since = bucket_start(newest) + BUCKET - EVIDENCE_WINDOW
    posts = {post["mention_id"]: post for post in notable}
    for mention, score in batch:
        if score.negative or score.crisis_types:
            posts.setdefault(mention.mention_id, _post(mention, score))
    recent = [post for post in posts.values() if parse_iso(post["created_at"]) >= since]
    return sorted(recent, key=_rank, reverse=True)[:NOTABLE_POSTS]


def _by_reach(posts: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(posts, key=lambda post: (-int(post["reach"]), post["mention_id"]))


def _by_relevance(posts: Iterable[dict[str, Any]], fired: set[str]) -> list[dict[str, Any]]:
    """Posts carrying more of the fired types first (glass in a can is a product failure and a safety
    issue; the wifi being down is only the first), then by reach."""
    return sorted(
        posts,
        key=lambda post: (-len(fired & set(post["crisis_types"])), -int(post["reach"]), post["mention_id"]),
    )


def gather_evidence(
    bucket: datetime,
    notable: Sequence[dict[str, Any]],
    brand_words: Iterable[str] = (),
    crisis_types: Iterable[str] = (),
) -> dict[str, Any]:
    """Evidence for an alert in `bucket` from the notable posts of its window.

    When the alert fired on crisis types, the posts carrying them come first and give the top terms:
    a first-hand "glass in my can" report can read as upbeat to VADER and still be the story. Its crisis
    posts are those carrying the most of the fired types, then the most reached.
    """
    start, end = bucket + BUCKET - EVIDENCE_WINDOW, bucket + BUCKET
    posts = [post for post in notable if start <= parse_iso(post["created_at"]) < end]
    fired = set(crisis_types)
    typed = [post for post in posts if fired & set(post["crisis_types"])]
    negative = [
        post for post in posts if post["sentiment"] is not None and post["sentiment"] <= NEGATIVE_COMPOUND
    ]
    return {
        "window": {"from": to_iso(start), "to": to_iso(end), "notable_posts": len(posts)},
        "top_terms": top_terms((post["text"] for post in typed or posts), brand_words),
        "crisis_posts": _by_relevance(typed, fired)[:TOP_POSTS],
        "negative_posts": _by_reach(negative)[:TOP_POSTS],
    }
