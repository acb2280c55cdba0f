"""ScoreMentionsFunction on the mentions table's stream: partial failures, replays, one incident."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from crisiswatch.adapters.tables import MentionItem
from crisiswatch.domain.clock import BUCKET, bucket_start
from crisiswatch.domain.detection.detector import BucketStats, DetectorState
from crisiswatch.domain.response.incidents import incident_id_for
from tests.builders.lambdas import FakeLambdaContext, clone, load_event, load_function
from tests.fakes import FakeServices, StoreDownError

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

app = load_function("score_mentions")
BRAND = "Acme Coffee"


def sample() -> dict[str, Any]:
    return clone(load_event("score_mentions", "mentions_insert"))


def call(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def failures(response: dict[str, Any]) -> list[str]:
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]


def counted(services: FakeServices) -> tuple[int, int]:
    """(mentions, negative mentions) counted for the brand, over all time."""
    totals = services.aggregates.buckets(
        BRAND, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return sum(s.volume for s in totals.values()), sum(s.negative for s in totals.values())


def spike_batch(at: datetime, size: int = 40) -> dict[str, Any]:
    """`size` angry INSERT records in one bucket, shaped exactly like the sample's records."""
    template = sample()["Records"][0]
    records = []
    for n in range(size):
        record = clone(template)
        created = at + timedelta(seconds=5 * n % 240)
        image = MentionItem.from_raw_data(record["dynamodb"]["NewImage"])
        image.mention_id = f"social#spike{n}"
        image.native_id = f"spike{n}"
        image.created_at = created
        image.text = f"Glass in my latte again, terrible #{n}"
        record["dynamodb"]["NewImage"] = image.serialize()
        record["dynamodb"]["Keys"] = {"mention_id": {"S": image.mention_id}}
        record["dynamodb"]["SequenceNumber"] = f"9{n:027d}"
        record["eventID"] = f"spike-{n}"
        records.append(record)
    return {"Records": records}


def test_the_sample_batch_is_scored_and_counted(services: FakeServices) -> None:
    response = call(sample(), services)

    assert failures(response) == []
    # glass/terrible and recall are negative, "love" is not (the fake analyzer's keywords).
    assert counted(services) == (3, 2)
    assert services.detector_states.load(BRAND)[1] is not None  # the detector ran for the brand


def test_a_malformed_record_fails_alone(services: FakeServices) -> None:
    event = sample()
    broken = event["Records"][1]
    broken["dynamodb"]["NewImage"]["created_at"] = {"S": "not a time"}
    del event["Records"][2]["dynamodb"]["NewImage"]

    response = call(event, services)

    assert failures(response) == [
        broken["dynamodb"]["SequenceNumber"],
        event["Records"][2]["dynamodb"]["SequenceNumber"],
    ]
    assert counted(services) == (1, 1)


def test_a_replayed_batch_counts_nothing_twice(services: FakeServices) -> None:
    call(sample(), services)

    response = call(sample(), services)

    assert failures(response) == []
    assert counted(services) == (3, 2)


def warm_detector(services: FakeServices, spike_at: datetime) -> None:
    """A brand the detector knows well: two days of ~5 mentions per bucket, up to the spike."""
    state = DetectorState()
    start = spike_at - 576 * BUCKET
    for i in range(576):
        services.detector.observe(
            state, BucketStats(start + i * BUCKET, volume=5, negative=i % 2, scored=5, sources={"social": 5})
        )
    services.detector_states.items[BRAND] = (state.to_dict(), 7)


def test_a_spike_opens_one_incident_and_its_replay_opens_none(services: FakeServices) -> None:
    spike_at = bucket_start(datetime(2024, 5, 23, 12, 30, tzinfo=UTC))
    warm_detector(services, spike_at)
    batch = spike_batch(spike_at)

    first = call(batch, services)
    replay = call(clone(batch), services)

    assert failures(first) == failures(replay) == []
    assert list(services.incidents.items) == [incident_id_for(BRAND, spike_at)]
    assert services.audit.kinds() == ["incident.opened"]
    assert counted(services) == (40, 40)
    opened = services.incidents.items[incident_id_for(BRAND, spike_at)]
    assert opened.explanation["observed"]["volume"] == 40


def test_a_detection_failure_does_not_fail_the_counted_records(services: FakeServices) -> None:
    class BrokenStates(type(services.detector_states)):  # type: ignore[misc]
        def load(self, brand: str) -> Any:
            raise StoreDownError("detector table unavailable")

    services.detector_states = BrokenStates()

    response = call(sample(), services)

    assert failures(response) == []
    assert counted(services) == (3, 2)


def test_a_mention_stored_deflated_is_read_from_the_stream_as_lambda_sends_it() -> None:
    event = spike_batch(datetime(2024, 5, 23, 12, 0, tzinfo=UTC), size=2)
    for record in event["Records"]:
        image = MentionItem.from_raw_data(record["dynamodb"]["NewImage"])
        image.packed = {
            "text": image.text,
            "author": image.author,
            "url": image.url,
            "extra": {"raw": {"id": 1}},
            "engagement": {"likes": 3},
        }
        image.group = "g1"
        image.text = image.author = image.url = image.extra = image.engagement = None
        serialized = image.serialize()
        # JSON has no bytes: Lambda's event carries binary attributes as base64 text.
        serialized["packed"] = {"B": base64.b64encode(serialized["packed"]["B"]).decode("ascii")}
        record["dynamodb"]["NewImage"] = json.loads(json.dumps(serialized))
    services = FakeServices()

    assert failures(call(event, services)) == []
    assert counted(services) == (2, 2)


def test_only_mentions_stored_without_a_language_are_identified() -> None:
    event = spike_batch(datetime(2024, 5, 23, 12, 0, tzinfo=UTC), size=3)
    images = [MentionItem.from_raw_data(record["dynamodb"]["NewImage"]) for record in event["Records"]]
    images[0].lang, images[0].text = "und", "Der Kaffee war heute kalt und sehr schrecklich"
    images[1].lang, images[1].lang_tag = "de", "en"  # resolved at ingest: a German post tagged "en"
    images[2].lang = "en"
    for record, image in zip(event["Records"], images, strict=True):
        record["dynamodb"]["NewImage"] = image.serialize()
    services = FakeServices()
    identifier = services.languages.identifier

    assert failures(call(event, services)) == []

    assert identifier.calls == 1  # type: ignore[union-attr]
    assert counted(services) == (3, 1)  # both German ones unknown until a German analyzer comes


def test_a_severity_raise_tells_the_raised_route_and_a_failed_notice_fails_nothing() -> None:
    from crisiswatch.domain.detection.severity import Severity  # noqa: PLC0415
    from tests.fakes import make_incident, make_settings  # noqa: PLC0415

    assert app.raise_notifier(FakeServices()) is None  # no policy file: the raise is only recorded
    services = FakeServices(settings=make_settings(policy_file="/opt/watchlist/escalation_policy.toml"))
    tell = app.raise_notifier(services)
    assert tell is not None
    incident = make_incident(brand=BRAND, severity=Severity.SEV1)
    tell(incident, Severity.SEV2, "volume, crisis_type: 300 mentions", datetime(2026, 3, 2, tzinfo=UTC))
    assert "exec-duty" in {message.recipient for message in services.notifier.sent}

    services.notifier.fail = True
    tell(incident, Severity.SEV2, "again", datetime(2026, 3, 2, tzinfo=UTC))  # logged, not raised
