"""An alert's evidence: top terms of its window and its most-reached negative posts, kept across batches."""

from __future__ import annotations

from datetime import timedelta

from crisiswatch.domain.detection.evidence import NOTABLE_POSTS, gather_evidence, remember_notable, top_terms
from crisiswatch.domain.detection.scoring import MentionScore
from crisiswatch.domain.listening.mentions import Mention
from tests.fakes import T0, make_mention


def scored(
    n: int, text: str, sentiment: float, reach: int, minutes: float = 0, types: tuple[str, ...] = ()
) -> tuple[Mention, MentionScore]:
    mention = make_mention(n, text=text, followers=reach, at=T0 + timedelta(minutes=minutes))
    return mention, MentionScore(mention.mention_id, mention.brand, mention.source, sentiment, reach, types)


def test_top_terms_skip_stop_words_links_and_the_brand_and_count_each_text_once() -> None:
    terms = top_terms(
        [
            "Glass glass GLASS in my Acme bottle https://x.example/glass",
            "glass fragments in an acme bottle",
            "Acme coffee is fine",
        ],
        ignore=["Acme Coffee"],
    )
    assert terms[:2] == [["bottle", 2], ["glass", 2]]
    assert all(word not in {"acme", "coffee", "in", "my", "https"} for word, _ in terms)


def test_top_terms_read_german_words_whole_and_skip_german_stop_words() -> None:
    terms = top_terms(
        [
            "Rückruf bei Lindenhof: Listerien im Joghurt, das ist echt nicht gut",
            "Ich habe noch drei Becher vom Rückruf im Kühlschrank. #LindenhofRückruf",
            "Listerien? Bei uns sind zwei Leute im Krankenhaus",
        ],
        ignore=["Lindenhof"],
    )
    words = dict((word, count) for word, count in terms)
    assert words["rückruf"] == 2 and words["listerien"] == 2  # umlauts kept, each text counted once
    assert "#lindenhofrückruf" in words and "krankenhaus" in words
    assert not {"ich", "habe", "noch", "bei", "das", "ist", "echt", "nicht", "uns", "sind", "im"} & set(words)
    assert "lindenhof" not in words


def test_notable_posts_are_gathered_across_batches_and_kept_once() -> None:
    first = [
        scored(1, "glass in my can", 0.2, 100, minutes=1, types=("legal_safety",)),
        scored(2, "love it", 0.8, 10**6),
    ]
    second = [
        scored(3, "terrible, glass again", -0.7, 90_000, minutes=6),
        scored(4, "so bad", -0.2, 2_000, minutes=7),
    ]

    ring = remember_notable([], first, T0 + timedelta(minutes=1))
    ring = remember_notable(ring, second, T0 + timedelta(minutes=7))
    ring = remember_notable(ring, second, T0 + timedelta(minutes=7))  # a replayed batch

    assert [post["mention_id"] for post in ring] == [
        "social#1",
        "social#3",
        "social#4",
    ]  # typed first, then reach
    evidence = gather_evidence(T0 + timedelta(minutes=5), ring, ["Acme Coffee"])
    assert [post["reach"] for post in evidence["negative_posts"]] == [90_000, 2_000]
    assert ["glass", 2] in evidence["top_terms"]
    assert evidence["window"]["notable_posts"] == 3
    assert evidence["crisis_posts"] == []  # the alert did not fire on a crisis type


def test_posts_of_the_fired_crisis_types_lead_the_evidence_even_when_upbeat() -> None:
    batch = [
        scored(1, "lol found glass in my latte, wild", 0.6, 40, types=("legal_safety",)),
        scored(2, "glass shards in my can", 0.1, 900, minutes=2, types=("legal_safety",)),
        scored(3, "slow service again", -0.4, 5_000, minutes=3),
    ]
    ring = remember_notable([], batch, T0 + timedelta(minutes=3))
    evidence = gather_evidence(T0, ring, ["Acme"], crisis_types=("legal_safety",))
    assert [post["mention_id"] for post in evidence["crisis_posts"]] == ["social#2", "social#1"]
    assert evidence["top_terms"][0] == ["glass", 2]
    assert [post["mention_id"] for post in evidence["negative_posts"]] == ["social#3"]


def test_the_ring_forgets_old_posts_and_stays_bounded() -> None:
    old = [scored(n, "awful", -0.9, n, minutes=0) for n in range(30)]
    ring = remember_notable([], old, T0)
    assert len(ring) == NOTABLE_POSTS
    assert remember_notable(ring, [], T0 + timedelta(minutes=30)) == []


def test_long_posts_are_cut_to_an_excerpt() -> None:
    ring = remember_notable([], [scored(1, "awful " * 200, -0.9, 10)], T0)
    assert len(gather_evidence(T0, ring)["negative_posts"][0]["text"]) == 280


def test_crisis_posts_carrying_more_of_the_fired_types_come_first() -> None:
    from crisiswatch.domain.detection.evidence import _by_relevance  # noqa: PLC0415

    posts = [
        {"mention_id": "wifi", "reach": 5_000, "crisis_types": ["product_failure"]},
        {"mention_id": "glass", "reach": 100, "crisis_types": ["product_failure", "legal_safety"]},
        {"mention_id": "shard", "reach": 300, "crisis_types": ["legal_safety", "product_failure"]},
    ]
    ranked = _by_relevance(posts, {"product_failure", "legal_safety"})
    assert [post["mention_id"] for post in ranked] == ["shard", "glass", "wifi"]
