"""Failures that outlive their retries, on the real template in the embedded runtime.

A scoring function broken by its configuration (its buckets table renamed to one that does not exist)
fails every batch: after the retries the stream mapping sends each batch's metadata to the ScoreMentions
dead-letter queue, whose depth shows as CloudWatch would see it, as do the function's errors. Once the
configuration is fixed, `crisiswatch redrive` (run as an operator runs it, in a shell pointed at the
runtime) re-reads the records from the stream and scores them. The same for a broken fetch: its
asynchronous event lands in the FetchSource dead-letter queue and is fetched again.

Nothing may be lost and nothing counted twice: the bucket counters must equal the distinct mentions
stored, also after the same dead letters are replayed a second time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from moto.sqs.models import sqs_backends

from crisiswatch.adapters.dynamodb import mention_hash
from crisiswatch.adapters.tables import BucketItem, MentionItem
from crisiswatch_ops.fakesources import FakeSourceServer, WatchlistOptions, make_corpus
from crisiswatch_ops.replay import ReplayFile, scenario_clock_start, tick_and_settle, upload
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.runtime.constants import ACCOUNT_ID, REGION
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.synthetic import burst_scenario, write_jsonl

pytestmark = pytest.mark.runtime
ROOT = Path(__file__).resolve().parents[2]
SCORED_BRAND = "Redrive Roasters"
FETCHED_BRAND = "Northwind Redrive"
FETCH_START = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
FETCH_END = FETCH_START + timedelta(hours=1)
PERIOD = timedelta(minutes=5)


@pytest.fixture(scope="module")
def server() -> Iterator[FakeSourceServer]:
    corpus = make_corpus(FETCHED_BRAND, total=60, seed=5, span=(FETCH_START, FETCH_END))
    # The server's clock stays before the corpus until the fetch test: no RSS item shows earlier.
    with FakeSourceServer(corpus.data, now=FETCH_START - timedelta(days=1)) as fake:
        fake.expected = {pair for pair in corpus.expected if pair[0] == "rss"}  # type: ignore[attr-defined]
        yield fake


@pytest.fixture(scope="module")
def runtime(server: FakeSourceServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    state = tmp_path_factory.mktemp("dead-letters")
    watchlist = state / "watchlist.toml"
    watchlist.write_text(
        server.watchlist_toml(FETCHED_BRAND, WatchlistOptions(sources=["rss"], timeout_seconds=30)), "utf-8"
    )
    saved = dict(os.environ)
    try:
        with LocalRuntime(
            ROOT,
            state / "runtime",
            RuntimeOptions(
                parameter_overrides={"WatchlistFile": str(watchlist), "ScoreBatchingWindowSeconds": "0"},
                build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
                start_scheduler=False,
            ),
        ) as rt:
            os.environ.update(rt.environ())
            Stack(rt.stack_name, rt.outputs).bind()
            yield rt
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ----- helpers ----------------------------------------------------------------------------------------
def reconfigure(runtime: LocalRuntime, function: str, **changes: str) -> dict[str, str]:
    """Set environment variables of a function (UpdateFunctionConfiguration); returns the old ones."""
    client = runtime.client("lambda")
    name = runtime.resources[function]
    # str(): moto hands back a Number parameter's value as a number (AWS: a string), which Update refuses
    configured = client.get_function_configuration(FunctionName=name)["Environment"]["Variables"]
    variables = {key: str(value) for key, value in configured.items()}
    client.update_function_configuration(
        FunctionName=name, Environment={"Variables": {**variables, **changes}}
    )
    return dict(variables)


def restore(runtime: LocalRuntime, function: str, variables: dict[str, str]) -> None:
    client = runtime.client("lambda")
    client.update_function_configuration(
        FunctionName=runtime.resources[function], Environment={"Variables": variables}
    )


def queue_name(runtime: LocalRuntime, output: str) -> str:
    return runtime.outputs[output].rsplit("/", 1)[-1]


def dead_letters(runtime: LocalRuntime, output: str) -> list[dict[str, Any]]:
    """The bodies of a dead-letter queue's messages, visible or in flight, read without receiving them."""
    queue = sqs_backends[ACCOUNT_ID][REGION].queues[queue_name(runtime, output)]
    return [json.loads(message.body) for message in queue._messages]


def requeue(runtime: LocalRuntime, output: str, records: list[dict[str, Any]]) -> None:
    """Put copies of replayed dead letters back: a redrive that crashed before deleting them."""
    for record in records:
        runtime.client("sqs").send_message(QueueUrl=runtime.outputs[output], MessageBody=json.dumps(record))


def redrive(runtime: LocalRuntime, *arguments: str) -> subprocess.CompletedProcess[str]:
    """`crisiswatch redrive`, as an operator runs it in a shell pointed at the runtime."""
    return subprocess.run(
        [sys.executable, "-m", "crisiswatch_ops.cli", "redrive", *arguments],
        env={**os.environ, **runtime.environ()},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def latest_metric(
    runtime: LocalRuntime, namespace: str, name: str, dimension: tuple[str, str], stat: str
) -> float:
    now = datetime.now(UTC)
    points = runtime.client("cloudwatch").get_metric_statistics(
        Namespace=namespace,
        MetricName=name,
        Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
        StartTime=now - timedelta(hours=2),
        EndTime=now + timedelta(minutes=5),
        Period=60,
        Statistics=[stat],
    )["Datapoints"]
    assert points, f"no datapoints of {namespace} {name} for {dimension[1]}"
    return float(max(points, key=lambda point: point["Timestamp"])[stat])


def mentions_of(brand: str) -> Counter[str]:
    return Counter(item.mention_id for item in MentionItem.scan() if item.brand == brand)


def counted(brand: str) -> int:
    """Mentions the buckets counted for `brand` (bucket items; per-source items before them)."""
    return sum(int(item.volume) for item in BucketItem.query(brand) if item.sk.count("#") <= 1)


def marked_counted(mention_ids: set[str]) -> int:
    """Mentions their ledger (or, stored before groups, their own marker) holds as counted."""
    groups = {item.mention_id: item.group for item in MentionItem.scan() if item.mention_id in mention_ids}
    marked = 0
    for mention_id in mention_ids:
        if not groups.get(mention_id):
            marked += BucketItem.count(f"seen#{mention_id}") == 1
            continue
        ledger = BucketItem.get(f"ledger#{groups[mention_id]}", "-", consistent_read=True)
        marked += mention_hash(mention_id) in (ledger.counted or set())
    return marked


# ----- the tests --------------------------------------------------------------------------------------
def test_a_broken_scoring_function_dead_letters_its_batches_and_redrive_counts_each_mention_once(
    runtime: LocalRuntime, tmp_path: Path
) -> None:
    stack = Stack(runtime.stack_name, runtime.outputs)
    start = datetime(2026, 4, 6, 9, 0, tzinfo=UTC)
    lines = burst_scenario(SCORED_BRAND, start, quiet_buckets=5, per_bucket=3, burst=0)
    replay = ReplayFile.read(write_jsonl(tmp_path / "quiet.jsonl", lines), SCORED_BRAND)
    clock = scenario_clock_start(replay)
    upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock, speed=1.0)
    ticks = [clock + PERIOD * step for step in range(1, 8)]

    for moment in ticks[:2]:  # healthy: these mentions are counted as they arrive
        tick_and_settle(runtime, moment)
    counted_healthy = counted(SCORED_BRAND)
    assert 0 < counted_healthy == len(mentions_of(SCORED_BRAND))

    working = reconfigure(runtime, "ScoreMentionsFunction", BUCKETS_TABLE="crisiswatch-no-such-table")
    for moment in ticks[2:]:
        tick_and_settle(runtime, moment)
    stored = mentions_of(SCORED_BRAND)
    assert len(stored) == len(lines) and set(stored.values()) == {1}
    assert counted(SCORED_BRAND) == counted_healthy, "a broken function counts nothing"

    letters = dead_letters(runtime, "ScoreMentionsDeadLetterQueueUrl")
    assert letters and all(
        letter["requestContext"]["condition"] == "RetryAttemptsExhausted" for letter in letters
    )
    assert (
        sum(letter["DDBStreamBatchInfo"]["batchSize"] for letter in letters) == len(stored) - counted_healthy
    )
    # bisected down to single records (BisectBatchOnFunctionError), each tried 1 + 5 times
    assert all(letter["DDBStreamBatchInfo"]["batchSize"] == 1 for letter in letters)
    assert min(letter["requestContext"]["approximateInvokeCount"] for letter in letters) >= 6

    # What an alarm on the queue (and on the function's errors) would see.
    runtime.queue_depths.sample()
    dlq = queue_name(runtime, "ScoreMentionsDeadLetterQueueUrl")
    assert latest_metric(
        runtime, "AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", dlq), "Maximum"
    ) == len(letters)
    function = runtime.resources["ScoreMentionsFunction"]
    assert latest_metric(runtime, "AWS/Lambda", "Errors", ("FunctionName", function), "Sum") >= 1

    preview = redrive(runtime, "--queue", "score", "--dry-run", "--json")
    assert preview.returncode == 0, preview.stderr
    document = json.loads(preview.stdout)
    planned, summary = document["messages"], document["summary"]
    assert {item["status"] for item in planned} == {"would_replay"} and len(planned) == len(letters)
    assert summary["would_replay"] == len(letters)
    assert len(dead_letters(runtime, "ScoreMentionsDeadLetterQueueUrl")) == len(letters), "dry run keeps all"

    failed_again = redrive(runtime, "--queue", "score")  # the cause is not fixed yet
    assert failed_again.returncode == 1, failed_again.stdout
    assert failed_again.stdout.count("FAILED AGAIN") == len(letters)
    assert len(dead_letters(runtime, "ScoreMentionsDeadLetterQueueUrl")) == len(letters)

    restore(runtime, "ScoreMentionsFunction", working)
    replayed = redrive(runtime, "--queue", "score")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert replayed.stdout.count("REPLAYED") == len(letters)
    runtime.wait_until_idle(timeout=120)
    assert dead_letters(runtime, "ScoreMentionsDeadLetterQueueUrl") == []
    assert counted(SCORED_BRAND) == len(stored), "every mention counted once"
    assert marked_counted(set(stored)) == len(stored)
    runtime.queue_depths.sample()
    assert (
        latest_metric(runtime, "AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", dlq), "Minimum")
        == 0
    )

    # A redrive that replayed but crashed before deleting: the same dead letters again change nothing.
    requeue(runtime, "ScoreMentionsDeadLetterQueueUrl", letters)
    again = redrive(runtime, "--queue", "score")
    assert again.returncode == 0 and again.stdout.count("REPLAYED") == len(letters), again.stdout
    runtime.wait_until_idle(timeout=120)
    assert counted(SCORED_BRAND) == len(stored) and mentions_of(SCORED_BRAND) == stored

    nothing = redrive(runtime, "--queue", "score")
    assert nothing.returncode == 0 and "Nothing to redrive" in nothing.stdout


def test_a_broken_fetch_dead_letters_its_event_and_redrive_fetches_it_once(
    runtime: LocalRuntime, server: FakeSourceServer
) -> None:
    expected = server.expected  # type: ignore[attr-defined]
    assert expected, "the corpus has RSS items"
    working = reconfigure(runtime, "FetchSourceFunction", MENTIONS_TABLE="crisiswatch-no-such-table")
    moment = FETCH_END + timedelta(minutes=10)
    server.set_time(moment)
    tick_and_settle(runtime, moment)
    assert mentions_of(FETCHED_BRAND) == Counter()

    [letter] = dead_letters(runtime, "FetchSourceDeadLetterQueueUrl")
    assert letter["requestContext"]["condition"] == "RetriesExhausted"
    assert letter["requestContext"]["approximateInvokeCount"] == 1  # MaximumRetryAttempts: 0
    tick_time = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert letter["requestPayload"] == {"brand": FETCHED_BRAND, "source_id": "rss", "time": tick_time}
    assert letter["responsePayload"]["errorType"]  # what went wrong, for the operator
    runtime.queue_depths.sample()
    dlq = queue_name(runtime, "FetchSourceDeadLetterQueueUrl")
    assert (
        latest_metric(runtime, "AWS/SQS", "ApproximateNumberOfMessagesVisible", ("QueueName", dlq), "Maximum")
        == 1
    )
    function = runtime.resources["FetchSourceFunction"]
    assert latest_metric(runtime, "AWS/Lambda", "Errors", ("FunctionName", function), "Sum") >= 1

    restore(runtime, "FetchSourceFunction", working)
    replayed = redrive(runtime, "--queue", "fetch")
    assert replayed.returncode == 0 and "REPLAYED" in replayed.stdout, replayed.stdout + replayed.stderr
    runtime.wait_until_idle(timeout=120)
    stored = mentions_of(FETCHED_BRAND)
    pairs = {(item.source, item.native_id) for item in MentionItem.scan() if item.brand == FETCHED_BRAND}
    assert pairs == expected and set(stored.values()) == {1}, "nothing lost, nothing twice"
    assert counted(FETCHED_BRAND) == len(stored)

    requeue(runtime, "FetchSourceDeadLetterQueueUrl", [letter])
    again = redrive(runtime, "--queue", "fetch")
    assert again.returncode == 0, again.stdout
    runtime.wait_until_idle(timeout=120)
    assert mentions_of(FETCHED_BRAND) == stored and counted(FETCHED_BRAND) == len(stored)
