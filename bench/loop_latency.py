"""Embedded-runtime figures: start-up, schedule tick -> first notification, approval POST -> SUCCEEDED.

Each run uses a fresh brand on one runtime: 40 quiet buckets warm the detector, then one tick brings a
burst of negative mentions. The clock starts when that tick fires and stops when tier 1's first message
reaches the outbox. The approval is then posted through the action link exactly as a browser would.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import requests

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch_ops.contacts import sync_local
from crisiswatch_ops.pages import LINK, read_page
from crisiswatch_ops.replay import ReplayFile, incidents_of, scenario_clock_start, upload
from crisiswatch_ops.runtime import Delivery, LocalRuntime, RuntimeOptions
from crisiswatch_ops.stack import Stack
from crisiswatch_ops.synthetic import burst_scenario, write_jsonl

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3
QUIET_BUCKETS = 40
PARAMETERS = {"WatchlistFile": ""}  # the shipped escalation policy: tier 1 has 15 minutes


def _email_about(brand: str, delivery: Delivery) -> bool:
    return delivery.protocol == "email" and brand in str(delivery.subject)


def _median(values: list[float]) -> str:
    return (
        f"{statistics.median(values) * 1000:7.0f} ms (runs: {', '.join(f'{v * 1000:.0f}' for v in values)})"
    )


def _one_hop(runtime: LocalRuntime) -> float:
    """The reference: one warm Lambda invocation through moto, the floor of every hop in the loop."""
    began = time.monotonic()
    runtime.invoke("CrisisPlanFunction", {"step": "noop"})  # refused at once: the hop alone
    return time.monotonic() - began


def main() -> None:
    startups: list[float] = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as state:
            began = time.monotonic()
            with LocalRuntime(
                ROOT,
                Path(state),
                RuntimeOptions(parameter_overrides=PARAMETERS, build=False, start_scheduler=False),
            ):
                startups.append(time.monotonic() - began)
    tick_to_notify: list[float] = []
    post_to_published: list[float] = []
    with (
        tempfile.TemporaryDirectory() as state,
        LocalRuntime(
            ROOT,
            Path(state),
            RuntimeOptions(parameter_overrides=PARAMETERS, build=False, start_scheduler=False),
        ) as runtime,
    ):
        os.environ.update(runtime.environ())
        stack = Stack(runtime.stack_name, runtime.outputs)
        stack.bind()
        sync_local(runtime)
        _one_hop(runtime)  # warm the worker
        reference = [_one_hop(runtime) for _ in range(RUNS)]
        for run in range(RUNS):
            brand = f"Bench Brand {run}"
            start = datetime(2026, 1, 5 + run, 8, 0, tzinfo=UTC)
            path = write_jsonl(
                Path(state) / f"bench-{run}.jsonl", burst_scenario(brand, start, QUIET_BUCKETS)
            )
            replay = ReplayFile.read(path, brand)
            clock = scenario_clock_start(replay)
            upload(runtime.client("s3"), stack.output("ReplayBucketName"), replay, clock, speed=1.0)
            for bucket in range(1, QUIET_BUCKETS + 1):
                runtime.scheduler.tick(at=clock + timedelta(minutes=5 * bucket))
            runtime.streams.wait_until_idle(timeout=120)
            began = time.monotonic()
            runtime.scheduler.tick(at=clock + timedelta(minutes=5 * (QUIET_BUCKETS + 1)))
            message = runtime.outbox.wait_for(partial(_email_about, brand), timeout=60)
            tick_to_notify.append(time.monotonic() - began)
            match = LINK.search(str(message.message))
            assert match, "no link in the notification"
            page = read_page(requests.get(match.group(0), timeout=30).text)
            began = time.monotonic()
            requests.post(match.group(0), data=page.press("approve", page.statements[0]), timeout=30)
            (incident,) = incidents_of(brand)
            while time.monotonic() - began < 60:
                published = DynamoIncidentStore().get(incident.incident_id)
                if published is not None and published.statement and published.statement.ref:
                    break
                time.sleep(0.02)
            post_to_published.append(time.monotonic() - began)
    print("Embedded runtime (the whole crisis loop)")
    print(f"  start-up (moto + patches + deploy, no build)  median {_median(startups)}")
    print(f"  reference: one warm Lambda hop through moto   median {_median(reference)}")
    print(f"  schedule tick -> first notification           median {_median(tick_to_notify)}")
    print(f"  approval POST -> statement published         median {_median(post_to_published)}")
    print()


if __name__ == "__main__":
    main()
