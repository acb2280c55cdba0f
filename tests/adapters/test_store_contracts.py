"""One contract, two implementations: every test runs against the in-memory fake and against the
DynamoDB adapter in moto, so the fakes the unit tests trust behave like the real thing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crisiswatch.adapters import dynamodb as ddb
from crisiswatch.domain.detection.detector import DetectorState
from crisiswatch.domain.detection.scoring import MentionScore, score_mention
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch.domain.errors import IncidentNotFoundError
from crisiswatch.domain.response.incidents import (
    ApprovedStatement,
    Decision,
    IncidentChanges,
    IncidentRoute,
    IncidentStatus,
    RoutedRound,
)
from crisiswatch.domain.response.links import ActionLink, DecisionRequest, LinkState, link_key, new_link_id
from crisiswatch.domain.response.statements import Channel, Draft, StatementKind
from tests import fakes
from tests.fakes import T0, FakeSentiment, make_incident, make_mention

ROUTE = IncidentRoute((RoutedRound(("responders",), 900),), includes_legal=False, minute_seconds=60)
DRAFT = Draft(
    key="holding-social",
    kind=StatementKind.HOLDING,
    channel=Channel.SOCIAL,
    label="Holding statement",
    text="We are looking into it.",
    template_key="holding-social",
)


@dataclass
class Stores:
    kind: str
    mentions: Any
    aggregates: Any
    detector_states: Any
    incidents: Any
    links: Any


@pytest.fixture(params=["fake", "dynamo"])
def stores(request: pytest.FixtureRequest) -> Iterator[Stores]:
    if request.param == "fake":
        incidents = fakes.FakeIncidentStore()
        yield Stores(
            "fake",
            fakes.FakeMentionStore(),
            fakes.FakeAggregateStore(),
            fakes.FakeDetectorStateStore(incidents.open_by_brand),
            incidents,
            fakes.FakeActionLinkStore(),
        )
    else:
        request.getfixturevalue("dynamo")
        yield Stores(
            "dynamo",
            ddb.DynamoMentionStore(timedelta(days=90)),
            ddb.DynamoAggregateStore(),
            ddb.DynamoDetectorStateStore(),
            ddb.DynamoIncidentStore(),
            ddb.DynamoActionLinkStore(),
        )


def score(mention: Any, compound: float | None = -0.8) -> MentionScore:
    return MentionScore(mention.mention_id, mention.brand, mention.source, compound, mention.author_followers)


# ----- mentions -------------------------------------------------------------------------------------


def test_a_mention_is_added_once(stores: Stores) -> None:
    mention = make_mention(1)

    assert stores.mentions.add(mention) is True
    assert stores.mentions.add(mention) is False
    assert stores.mentions.add(make_mention(1, text="edited later")) is False


def test_the_same_native_id_from_another_source_is_another_mention(stores: Stores) -> None:
    assert stores.mentions.add(make_mention(7, source="social")) is True
    assert stores.mentions.add(make_mention(7, source="news")) is True


# ----- aggregates -----------------------------------------------------------------------------------


def test_a_replayed_mention_is_counted_once(stores: Stores) -> None:
    mention = make_mention(1, followers=500)

    assert stores.aggregates.record_batch([(mention, score(mention))]) == 1
    assert stores.aggregates.record_batch([(mention, score(mention))]) == 0

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert (stats.volume, stats.negative, stats.scored, stats.negative_reach) == (1, 1, 1, 500)


def test_a_batch_with_some_mentions_counted_before_counts_only_the_new_ones(stores: Stores) -> None:
    old = [make_mention(n, followers=100) for n in range(3)]
    new = [make_mention(n, followers=100) for n in range(3, 60)]
    stores.aggregates.record_batch([(mention, score(mention)) for mention in old])

    # A replayed stream batch: the first three again, in the middle of 57 new ones, across chunks.
    batch = new[:20] + old + new[20:]
    assert stores.aggregates.record_batch([(mention, score(mention)) for mention in batch]) == 57
    assert stores.aggregates.record_batch([(mention, score(mention)) for mention in batch]) == 0

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert (stats.volume, stats.negative, stats.negative_reach) == (60, 60, 6000)


def test_buckets_sum_every_source(stores: Stores) -> None:
    at = T0 + timedelta(minutes=1)
    counted = [
        (make_mention(1, source="social", at=at, followers=10), -0.8),
        (make_mention(2, source="social", at=at + timedelta(minutes=3), followers=20), 0.4),
        (make_mention(3, source="news", at=at, followers=1000), -0.5),
        (make_mention(4, source="forum", at=at, lang="de"), None),
    ]
    assert (
        stores.aggregates.record_batch([(mention, score(mention, compound)) for mention, compound in counted])
        == 4
    )

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()

    assert stats.bucket == T0
    assert stats.volume == 4
    assert stats.scored == 3
    assert stats.negative == 2
    assert stats.negative_reach == 1010
    assert stats.sources == {"social": 2, "news": 1, "forum": 1}


def test_bucket_queries_are_inclusive_and_per_brand(stores: Stores) -> None:
    step = timedelta(minutes=5)
    for n, offset in enumerate([-1, 0, 1, 2, 3]):
        mention = make_mention(n, at=T0 + offset * step + timedelta(seconds=30))
        stores.aggregates.record_batch([(mention, score(mention))])
    other = make_mention(99, brand="Bolt Bikes", at=T0)
    stores.aggregates.record_batch([(other, score(other))])

    found = stores.aggregates.buckets("Acme Coffee", T0, T0 + 2 * step)

    assert sorted(found) == [T0, T0 + step, T0 + 2 * step]
    assert all(stats.volume == 1 for stats in found.values())


def test_counts_follow_the_real_scoring(stores: Stores) -> None:
    analyzer = FakeSentiment()
    for n, text in enumerate(["terrible", "love it", "meh"]):
        mention = make_mention(n, text=text)
        stores.aggregates.record_batch([(mention, score_mention(mention, analyzer, default_taxonomy()))])

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert (stats.volume, stats.negative, stats.scored) == (3, 1, 3)


def test_crisis_types_are_counted_per_source_and_a_replayed_batch_counts_once(stores: Stores) -> None:
    taxonomy, analyzer = default_taxonomy(), FakeSentiment()
    batch = [
        (mention, score_mention(mention, analyzer, taxonomy))
        for mention in [
            make_mention(1, source="reddit", text="glass in my can, is there a recall?"),
            make_mention(2, source="reddit", text="Acme recall announced"),
            make_mention(3, source="bluesky", text="data breach at Acme"),
            make_mention(4, source="bluesky", text="no recall here, relax"),
        ]
    ]
    assert stores.aggregates.record_batch(batch) == 4
    assert stores.aggregates.record_batch(batch[1:]) == 0  # the stream redelivers part of it
    assert stores.aggregates.record_batch(list(reversed(batch))) == 0

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert stats.volume == 4
    assert stats.sources == {"reddit": 2, "bluesky": 2}
    assert stats.crisis_types == {
        "product_failure": {"reddit": 2},
        "legal_safety": {"reddit": 1},
        "data_breach": {"bluesky": 1},
    }


def test_grouped_mentions_are_counted_once_however_the_stream_splits_them(stores: Stores) -> None:
    # Mentions as the mention store hands them to the stream: in groups of those stored together, and
    # a few from before groups (no group). Retries, bisected halves and redrives deliver any subset.
    grouped = [replace(make_mention(n, followers=10), group=f"g{n // 30}") for n in range(60)]
    legacy = [make_mention(n, followers=10) for n in range(60, 65)]
    pairs = [(mention, score(mention)) for mention in grouped + legacy]

    assert stores.aggregates.record_batch(pairs[:15] + pairs[40:45] + pairs[61:62]) == 21
    assert stores.aggregates.record_batch(pairs[10:50]) == 30  # a quarter of it counted before
    assert stores.aggregates.record_batch(list(reversed(pairs))) == 65 - 51
    assert stores.aggregates.record_batch(pairs) == 0
    assert stores.aggregates.record_batch(pairs[29:31]) == 0  # across two groups

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert (stats.volume, stats.negative, stats.negative_reach) == (65, 65, 650)


def test_a_batch_too_big_for_one_transaction_is_counted_once(stores: Stores) -> None:
    # 160 groups (stored one by one, say) over 160 sources: more than DynamoDB's 100 items a transaction.
    mentions = [replace(make_mention(n, source=f"s{n}"), group=f"g{n}") for n in range(160)]
    pairs = [(mention, score(mention)) for mention in mentions]

    assert stores.aggregates.record_batch(pairs[:70]) == 70
    assert stores.aggregates.record_batch(pairs) == 90
    assert stores.aggregates.record_batch(pairs[50:120]) == 0

    (stats,) = stores.aggregates.buckets("Acme Coffee", T0, T0).values()
    assert stats.volume == 160
    assert stats.sources == {f"s{n}": 1 for n in range(160)}


# ----- detector state -------------------------------------------------------------------------------


def test_detector_state_uses_optimistic_locking(stores: Stores) -> None:
    state, version = stores.detector_states.load("Acme Coffee")
    assert (state, version) == (DetectorState(), None)

    first = DetectorState(last_bucket="2024-05-23T12:00:00Z", buckets_seen=1, source_levels={"reddit": 4.0})
    assert stores.detector_states.save("Acme Coffee", first, None) is True
    assert stores.detector_states.save("Acme Coffee", first, None) is False  # created meanwhile

    loaded, v1 = stores.detector_states.load("Acme Coffee")
    assert loaded == first and v1 is not None

    second = DetectorState(
        last_bucket="2024-05-23T12:05:00Z",
        buckets_seen=2,
        type_rates={"recall": 0.25},
        recent_types=[{"recall": {"reddit": 1}}],
    )
    assert stores.detector_states.save("Acme Coffee", second, v1) is True
    assert stores.detector_states.save("Acme Coffee", DetectorState(), v1) is False  # a stale writer loses

    assert stores.detector_states.load("Acme Coffee")[0] == second


def test_a_detector_state_save_keeps_the_open_incident_lock(stores: Stores) -> None:
    stores.detector_states.save("Acme Coffee", DetectorState(buckets_seen=1), None)
    assert stores.incidents.open(make_incident(bucket=T0))
    state, version = stores.detector_states.load("Acme Coffee")
    assert state == DetectorState(buckets_seen=1)

    assert stores.detector_states.save("Acme Coffee", DetectorState(buckets_seen=2), version) is True

    assert stores.incidents.open(make_incident(bucket=T0 + timedelta(hours=3))) is False


def test_one_read_finds_the_detector_state_and_the_incident_holding_the_brand(stores: Stores) -> None:
    assert stores.detector_states.read("Acme Coffee").open_incident_id is None
    stores.detector_states.save("Acme Coffee", DetectorState(buckets_seen=1), None)
    incident = make_incident(bucket=T0)
    assert stores.incidents.open(incident)

    stored = stores.detector_states.read("Acme Coffee")
    assert (stored.state, stored.open_incident_id) == (DetectorState(buckets_seen=1), incident.incident_id)
    assert stored.version == stores.detector_states.load("Acme Coffee")[1]

    stores.incidents.close(incident)
    assert stores.detector_states.read("Acme Coffee").open_incident_id is None


# ----- incidents ------------------------------------------------------------------------------------


def test_one_open_incident_per_brand_until_it_is_closed(stores: Stores) -> None:
    first = make_incident(bucket=T0)
    second = make_incident(bucket=T0 + timedelta(hours=3))

    assert stores.incidents.open(first) is True
    assert stores.incidents.open(second) is False
    assert stores.incidents.get(second.incident_id) is None
    assert stores.incidents.open(make_incident(brand="Bolt Bikes")) is True

    stores.incidents.close(first)
    stores.incidents.close(first)  # a retried task: harmless

    assert stores.incidents.open(second) is True
    assert stores.incidents.open(first) is False  # an incident id is never reused


def test_an_incident_round_trips_and_records_its_decision(stores: Stores) -> None:
    incident = make_incident(summary="60 mentions <script>")
    incident.explanation = {"observed": {"volume": 60}, "signals": ["volume", "negativity"]}
    stores.incidents.open(incident)

    loaded = stores.incidents.get(incident.incident_id)
    assert loaded is not None
    assert (loaded.brand, loaded.severity, loaded.summary, loaded.explanation) == (
        incident.brand,
        incident.severity,
        incident.summary,
        incident.explanation,
    )
    assert (loaded.opened_at, loaded.detected_bucket) == (incident.opened_at, incident.detected_bucket)

    decided_at = T0 + timedelta(minutes=9)
    result = stores.incidents.update(
        incident.incident_id,
        IncidentChanges(
            status=IncidentStatus.APPROVED,
            decision="approve",
            decided_by="tier1-primary",
            decided_at=decided_at,
            owner="tier1-primary",
            route=ROUTE,
            drafts=(DRAFT,),
            statement=ApprovedStatement(DRAFT, approved_by="tier1-primary", approved_at=decided_at),
        ),
    )
    stores.incidents.set_execution(incident.incident_id, "arn:aws:states:eu-west-1:1:execution:E:x")

    assert (result.status, result.decision, result.decided_by, result.decided_at) == (
        IncidentStatus.APPROVED,
        "approve",
        "tier1-primary",
        decided_at,
    )
    again = stores.incidents.get(incident.incident_id)
    assert again is not None and again.execution_arn == "arn:aws:states:eu-west-1:1:execution:E:x"
    assert again.status is IncidentStatus.APPROVED and again.owner == "tier1-primary"
    assert again.drafts == (DRAFT,)
    assert again.statement == ApprovedStatement(DRAFT, approved_by="tier1-primary", approved_at=decided_at)
    assert again.route == ROUTE and again.tiers_of_round(1) == ["responders"]
    assert again.summary == incident.summary, "an update leaves the other fields alone"


def test_updating_an_unknown_incident_is_an_error(stores: Stores) -> None:
    with pytest.raises(IncidentNotFoundError):
        stores.incidents.update("inc-nobody-20240523T1200Z", IncidentChanges(status=IncidentStatus.RESOLVED))
    with pytest.raises(IncidentNotFoundError):
        stores.incidents.tick("inc-nobody-20240523T1200Z", "acknowledged", "r1", T0)


def test_a_checklist_item_is_ticked_once_and_keeps_its_first_actor(stores: Stores) -> None:
    incident = make_incident()
    stores.incidents.open(incident)

    assert stores.incidents.tick(incident.incident_id, "acknowledged", "tier1-primary", T0) is True
    assert (
        stores.incidents.tick(incident.incident_id, "acknowledged", "tier2-primary", T0 + timedelta(1))
        is False
    )
    assert stores.incidents.tick(incident.incident_id, "published", "crisiswatch", T0) is True

    loaded = stores.incidents.get(incident.incident_id)
    assert loaded is not None
    assert loaded.checklist == {
        "acknowledged": {"by": "tier1-primary", "at": "2024-05-23T12:00:00Z"},
        "published": {"by": "crisiswatch", "at": "2024-05-23T12:00:00Z"},
    }


def test_incidents_are_listed_newest_first(stores: Stores) -> None:
    for n, brand in enumerate(["A", "B", "C"]):
        incident = make_incident(brand=brand)
        incident.opened_at = T0 + timedelta(minutes=[5, 1, 9][n])
        stores.incidents.open(incident)

    assert [i.brand for i in stores.incidents.list()] == ["C", "A", "B"]


# ----- action links ---------------------------------------------------------------------------------


NOTIFICATION = "inc-acme-coffee-20240523T1200Z/tiers1/abcd1234"


def a_request(
    notification_id: str = NOTIFICATION, expires_at: datetime = T0 + timedelta(minutes=15)
) -> DecisionRequest:
    return DecisionRequest(
        notification_id=notification_id,
        incident_id="inc-acme-coffee-20240523T1200Z",
        phase="tiers",
        tier=1,
        recipients=("tier1-primary", "tier1-backup"),
        allowed=(Decision.APPROVE, Decision.DISMISS),
        expires_at=expires_at,
    )


def two_links(stores: Stores) -> tuple[ActionLink, ActionLink]:
    stores.links.open_request(a_request(), "token-of-the-first-wait")
    made = []
    for recipient in ("tier1-primary", "tier1-backup"):
        link = ActionLink(
            key=link_key(new_link_id()),
            incident_id="inc-acme-coffee-20240523T1200Z",
            notification_id=NOTIFICATION,
            tier=1,
            recipient=recipient,
            expires_at=T0 + timedelta(minutes=15),
            allowed=(Decision.APPROVE, Decision.DISMISS),
        )
        stores.links.add(link)
        made.append(link)
    return made[0], made[1]


def test_a_request_round_trips_with_its_token_and_is_the_incidents_current_one(stores: Stores) -> None:
    primary, _ = two_links(stores)

    assert stores.links.get(primary.key) == primary
    assert stores.links.request(NOTIFICATION) == a_request()
    assert stores.links.current_request("inc-acme-coffee-20240523T1200Z") == a_request()
    assert stores.links.task_token(NOTIFICATION) == "token-of-the-first-wait"
    assert stores.links.get(link_key(new_link_id())) is None
    assert stores.links.task_token("inc-acme-coffee-20240523T1200Z/tiers1/unknown") is None
    assert stores.links.current_request("inc-nobody-20240523T1200Z") is None


def test_a_rebound_request_resumes_the_new_wait_and_expires_later(stores: Stores) -> None:
    two_links(stores)
    later = T0 + timedelta(minutes=25)

    stores.links.rebind(NOTIFICATION, "token-of-the-reminder-wait", later)

    assert stores.links.task_token(NOTIFICATION) == "token-of-the-reminder-wait"
    rebound = stores.links.request(NOTIFICATION)
    assert rebound is not None and rebound.expires_at == later


def test_a_closed_request_expires_then_and_closing_never_moves_an_expiry_later(stores: Stores) -> None:
    two_links(stores)
    closed_at = T0 + timedelta(minutes=2)

    stores.links.close_request(NOTIFICATION, closed_at)
    stores.links.close_request(NOTIFICATION, T0 + timedelta(hours=1))  # a late close changes nothing
    stores.links.close_request("inc-acme-coffee-20240523T1200Z/tiers9/unknown", closed_at)

    closed = stores.links.request(NOTIFICATION)
    assert closed is not None and closed.expires_at == closed_at and closed.is_expired(closed_at)
    assert stores.links.task_token(NOTIFICATION) == "token-of-the-first-wait"
    assert stores.links.request("inc-acme-coffee-20240523T1200Z/tiers9/unknown") is None


def test_a_newer_request_becomes_the_current_one(stores: Stores) -> None:
    two_links(stores)
    newer = a_request("inc-acme-coffee-20240523T1200Z/tiers2/ffff0000")

    stores.links.open_request(newer, "token-of-round-two")

    assert stores.links.current_request("inc-acme-coffee-20240523T1200Z") == newer
    assert stores.links.task_token(NOTIFICATION) == "token-of-the-first-wait", "the old request keeps its own"


def test_a_link_key_or_request_cannot_be_added_twice(stores: Stores) -> None:
    primary, _ = two_links(stores)

    with pytest.raises(Exception):  # noqa: B017 - the fake and PynamoDB raise different types
        stores.links.add(primary)
    with pytest.raises(Exception):  # noqa: B017
        stores.links.open_request(a_request(), "another token")
    assert stores.links.task_token(NOTIFICATION) == "token-of-the-first-wait"


def test_requests_pointers_and_locks_are_never_taken_for_links(stores: Stores) -> None:
    primary, _ = two_links(stores)
    stores.links.claim(primary, "approve", "tier1-primary", T0)

    for key in (
        f"request#{NOTIFICATION}",
        "current#inc-acme-coffee-20240523T1200Z",
        f"decision#{NOTIFICATION}",
    ):
        assert stores.links.get(key) is None


def test_a_claim_has_one_winner_per_notification(stores: Stores) -> None:
    primary, backup = two_links(stores)
    at = T0 + timedelta(minutes=4)

    assert stores.links.claim(primary, "approve", "tier1-primary", at) is True
    assert stores.links.claim(backup, "dismiss", "tier1-backup", at) is False
    assert stores.links.claim(primary, "dismiss", "tier1-primary", at) is False

    winner = stores.links.decision_for(primary.notification_id)
    assert winner is not None
    assert (winner.key, winner.decision, winner.decided_by, winner.decided_at) == (
        primary.key,
        "approve",
        "tier1-primary",
        at,
    )
    used = stores.links.get(primary.key)
    assert used is not None and used.state is LinkState.USED
    untouched = stores.links.get(backup.key)
    assert untouched is not None and untouched.state is LinkState.PENDING
    assert stores.links.get(f"decision#{primary.notification_id}") is None  # the lock is no link


def test_a_released_claim_lets_the_link_work_again(stores: Stores) -> None:
    primary, backup = two_links(stores)
    at = T0 + timedelta(minutes=4)
    stores.links.claim(primary, "approve", "tier1-primary", at)

    stores.links.release(primary)

    assert stores.links.decision_for(primary.notification_id) is None
    released = stores.links.get(primary.key)
    assert released is not None
    assert (released.state, released.decision, released.decided_by, released.decided_at) == (
        LinkState.PENDING,
        None,
        None,
        None,
    )
    assert stores.links.claim(backup, "dismiss", "tier1-backup", at) is True


def test_claiming_an_unknown_link_fails(stores: Stores) -> None:
    primary, _ = two_links(stores)
    ghost = ActionLink(
        key=link_key(new_link_id()),
        incident_id=primary.incident_id,
        notification_id="inc-acme-coffee-20240523T1200Z/tiers1/other",
        tier=1,
        recipient="mallory",
        expires_at=primary.expires_at,
        allowed=primary.allowed,
    )

    assert stores.links.claim(ghost, "approve", "mallory", datetime.now(UTC)) is False
    assert stores.links.decision_for(ghost.notification_id) is None
