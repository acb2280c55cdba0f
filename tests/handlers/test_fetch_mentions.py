"""FetchMentionsFunction on its schedule: replays from S3 (moto), stores and quarantine in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.builders.lambdas import FakeLambdaContext, clone, load_event, load_function
from tests.fakes import FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

app = load_function("fetch_mentions")
BUCKET = "crisiswatch-dev-replaybucket-1x2y3z"
KEY = "replays/acme-coffee/glass-crisis.jsonl"


def line(n: int, minute: int, text: str = "my latte had glass in it") -> str:
    return json.dumps(
        {"source": "social", "id": str(n), "created_at": f"2024-05-23T12:{minute:02d}:00Z", "text": text}
    )


LINES = [
    line(1, 1),
    line(2, 4),
    "{this is not json",
    "",
    line(3, 9, "<b>recall</b> announced"),
    line(4, 20),  # not yet due at 12:10
    line(5, 25),
]


def manifest(brand: str = "Acme Coffee", key: str = KEY, **extra: Any) -> str:
    return json.dumps(
        {
            "brand": brand,
            "key": key,
            "scenario_start": "2024-05-23T12:00:00Z",
            "clock_start": "2024-05-23T12:00:00Z",
            "speed": 1,
            **extra,
        }
    )


@pytest.fixture
def s3(aws_offline: None) -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        client.put_object(Bucket=BUCKET, Key=KEY, Body="\n".join(LINES).encode())
        client.put_object(
            Bucket=BUCKET, Key="replays/acme-coffee/glass-crisis.manifest.json", Body=manifest()
        )
        yield client


@pytest.fixture
def services(s3: Any) -> FakeServices:
    world = FakeServices(s3=s3)
    world.settings = type(world.settings)(**{**world.settings.__dict__, "replay_bucket": BUCKET})
    return world


def tick(services: FakeServices, at: str = "2024-05-23T12:10:00Z") -> dict[str, Any]:
    event = clone(load_event("fetch_mentions", "scheduled"))
    event["time"] = at
    return app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def test_a_tick_stores_what_is_due_and_quarantines_bad_lines(services: FakeServices) -> None:
    result = tick(services)

    (report,) = result["reports"]
    assert result["time"] == "2024-05-23T12:10:00Z"
    assert (report["brand"], report["stored"], report["quarantined"]) == ("Acme Coffee", 3, 1)
    assert sorted(services.mentions.items) == ["social#1", "social#2", "social#3"]
    assert services.mentions.items["social#3"].text == "recall announced"
    ((source, raw, reason),) = services.quarantine.items
    assert (source, raw) == ("replay", "{this is not json")
    assert reason.startswith("line 3:")


def test_the_same_tick_again_stores_nothing_new(services: FakeServices) -> None:
    tick(services)

    (report,) = tick(services)["reports"]

    assert (report["fetched"], report["stored"], report["quarantined"]) == (0, 0, 0)
    assert len(services.mentions.items) == 3
    assert len(services.quarantine.items) == 1


def test_later_ticks_pick_up_where_the_cursor_stopped(services: FakeServices) -> None:
    tick(services)

    (report,) = tick(services, "2024-05-23T12:30:00Z")["reports"]

    assert report["stored"] == 2
    assert sorted(services.mentions.items) == [f"social#{n}" for n in range(1, 6)]


def test_the_sample_event_runs(services: FakeServices) -> None:
    result = app.lambda_handler(
        load_event("fetch_mentions", "scheduled"), FakeLambdaContext(), services=services
    )

    assert result["reports"][0]["brand"] == "Acme Coffee"


@pytest.mark.parametrize(
    "bad_manifest",
    [
        "{not json",
        "[]",
        json.dumps({"brand": "Bolt"}),
        manifest("Bolt", scenario_start=20240523),
        manifest("Bolt", speed="fast"),
    ],
    ids=["not-json", "array", "missing-keys", "numeric-start", "bad-speed"],
)
def test_an_unreadable_manifest_is_skipped_and_the_others_still_run(
    services: FakeServices, s3: Any, bad_manifest: str
) -> None:
    s3.put_object(Bucket=BUCKET, Key="replays/bolt/broken.manifest.json", Body=bad_manifest)

    result = tick(services)

    assert [r["brand"] for r in result["reports"]] == ["Acme Coffee"]
    assert len(services.mentions.items) == 3


def test_a_failing_store_fails_the_tick_and_keeps_the_cursor(services: FakeServices) -> None:
    services.mentions.fail_after = 1

    with pytest.raises(RuntimeError):
        tick(services)

    assert services.cursors.cursors == {}
    services.mentions.fail_after = None
    (report,) = tick(services)["reports"]
    assert (report["stored"], report["duplicates"]) == (2, 1)
