"""Listening figures: mentions ingested per second through the embedded runtime, DynamoDB write and read
units per 1,000 mentions, and the Lambda time and log volume they took (the inputs of `bench.cost`).

A corpus of known mentions on the fake-source server (seven sources, no faults) is fetched through the
real path: schedule tick -> FetchMentionsFunction -> one asynchronous FetchSourceFunction per source ->
mentions table -> stream -> ScoreMentionsFunction. Write units are counted inside moto the way DynamoDB
bills them: each write costs its item size rounded up to 1 KB, twice inside a transaction. The
reference printed beside them is the floor: one 1 KB write per mention and nothing else.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from moto.dynamodb.models import DynamoDBBackend

from crisiswatch.adapters.tables import MentionItem
from crisiswatch_ops.fakesources import FakeSourceServer, WatchlistOptions, make_corpus
from crisiswatch_ops.fakesources.server import PREFIXES
from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions
from crisiswatch_ops.runtime.lambda_runner import FunctionCode, Invocation, LambdaRunner
from crisiswatch_ops.stack import Stack

ROOT = Path(__file__).resolve().parents[1]
BRAND = "Northwind"
START = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
MENTIONS = 3_000
_UNMETERED_GET_ITEM = DynamoDBBackend.get_item
"""Sizing a write must not count as a read."""


@dataclass
class IngestFigures:
    mentions: int
    seconds: float
    write_units: dict[str, int]
    read_units: int
    gb_seconds: dict[str, float]
    invocations: dict[str, int]
    log_bytes: int
    read_units_by_table: dict[str, int] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, int] = field(default_factory=dict)


def _short(function_name: str) -> str:
    """`<stack>-ScoreMentionsFunction-<suffix>` -> `ScoreMentionsFunction`."""
    return function_name.split("-")[-2] if function_name.count("-") >= 2 else function_name


class LambdaBilling:
    """Billed duration (rounded up to 1 ms) times memory, per function, as Lambda's REPORT line bills it."""

    def __init__(self) -> None:
        self.gb_seconds: Counter[str] = Counter()
        self.invocations: Counter[str] = Counter()
        self.memory_mb: dict[str, int] = {}
        self.log_bytes = 0
        self._lock = threading.Lock()
        self._original: Callable[..., Invocation] | None = None

    def install(self) -> None:
        original = LambdaRunner.invoke
        self._original = original
        meter = self

        def billed(runner: LambdaRunner, function: FunctionCode, event: Any) -> Invocation:
            invocation = original(runner, function, event)
            name = _short(function.name)
            with meter._lock:
                meter.gb_seconds[name] += math.ceil(invocation.duration_ms) / 1000 * function.memory_mb / 1024
                meter.invocations[name] += 1
                meter.memory_mb[name] = function.memory_mb
                meter.log_bytes += len(invocation.logs.encode("utf-8"))
            return invocation

        setattr(LambdaRunner, "invoke", billed)  # noqa: B010

    def uninstall(self) -> None:
        if self._original is not None:
            setattr(LambdaRunner, "invoke", self._original)  # noqa: B010


class ReadUnits:
    """Strongly consistent read units: each read costs its items' size rounded up to 4 KB."""

    def __init__(self) -> None:
        self.units = 0
        self.by_table: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._originals: dict[str, Callable[..., Any]] = {}

    def install(self) -> None:
        meter = self

        def charge(size: int, table: str = "") -> None:
            units = max(1, math.ceil(size / 4096))
            with meter._lock:
                meter.units += units
                meter.by_table[table.split("-")[1] if "-" in table else table] += units

        get_item = DynamoDBBackend.get_item
        query = DynamoDBBackend.query
        self._originals = {"get_item": get_item, "query": query}

        def counted_get(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            item = get_item(backend, *args, **kwargs)
            charge(item.size() if item is not None else 0, str(args[0]) if args else "")
            return item

        def counted_query(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
            result = query(backend, *args, **kwargs)
            charge(sum(item.size() for item in result[0]), str(args[0]) if args else "")
            return result

        setattr(DynamoDBBackend, "get_item", counted_get)  # noqa: B010
        setattr(DynamoDBBackend, "query", counted_query)  # noqa: B010

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(DynamoDBBackend, name, original)


class WriteUnits:
    """Counts billed write units per table by wrapping moto's DynamoDB backend (this process only)."""

    def __init__(self) -> None:
        self.units: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._originals: dict[str, Callable[..., Any]] = {}
        self._in_transaction = threading.local()

    def _charge(self, backend: DynamoDBBackend, table: str, key_or_item: dict[str, Any]) -> None:
        item = _UNMETERED_GET_ITEM(backend, table, _key_of(backend, table, key_or_item))
        size = item.size() if item is not None else 1
        factor = 2 if getattr(self._in_transaction, "active", False) else 1
        with self._lock:
            self.units[table.split("-")[1] if "-" in table else table] += factor * max(
                1, math.ceil(size / 1024)
            )

    def install(self) -> None:
        meter = self

        def wrap(name: str, table_arg: int, item_arg: int) -> None:
            original = getattr(DynamoDBBackend, name)
            self._originals[name] = original

            def counted(backend: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
                result = original(backend, *args, **kwargs)
                meter._charge(backend, args[table_arg], args[item_arg])
                return result

            setattr(DynamoDBBackend, name, counted)

        wrap("put_item", 0, 1)
        wrap("update_item", 0, 1)
        transact = DynamoDBBackend.transact_write_items
        self._originals["transact_write_items"] = transact

        def counted_transaction(backend: DynamoDBBackend, items: list[dict[str, Any]]) -> Any:
            meter._in_transaction.active = True
            try:
                return transact(backend, items)
            finally:
                meter._in_transaction.active = False

        setattr(DynamoDBBackend, "transact_write_items", counted_transaction)  # noqa: B010

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(DynamoDBBackend, name, original)


def _key_of(backend: DynamoDBBackend, table_name: str, item: dict[str, Any]) -> dict[str, Any]:
    table = backend.get_table(table_name)
    key = {table.hash_key_attr: item[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = item[table.range_key_attr]
    return key


def main() -> IngestFigures:
    corpus = make_corpus(BRAND, total=MENTIONS, seed=3, span=(START, START + timedelta(hours=6)))
    meter = WriteUnits()
    billing = LambdaBilling()
    reads = ReadUnits()
    with tempfile.TemporaryDirectory() as state, FakeSourceServer(corpus.data, now=START) as server:
        watchlist = Path(state) / "watchlist.toml"
        watchlist.write_text(
            server.watchlist_toml(BRAND, WatchlistOptions(max_pages=20, timeout_seconds=60)), encoding="utf-8"
        )
        with LocalRuntime(
            ROOT,
            Path(state) / "runtime",
            RuntimeOptions(
                parameter_overrides={
                    "WatchlistFile": str(watchlist),
                    "FetchScheduleRate": "rate(10 minutes)",
                },
                build=False,
                start_scheduler=False,
            ),
        ) as runtime:
            saved = dict(os.environ)
            os.environ.update(runtime.environ())
            try:
                Stack(runtime.stack_name, runtime.outputs).bind()
                ssm = runtime.client("ssm")
                for source in PREFIXES:
                    if secret := server.secret_for(source):
                        ssm.put_parameter(
                            Name=f"/crisiswatch/fake/{source}", Value=json.dumps(secret), Type="SecureString"
                        )
                # Warm-up ticks: each connector's first poll only reads the newest page, by design.
                for step in range(1, 4):
                    moment = START + timedelta(minutes=10 * step)
                    server.set_time(moment)
                    runtime.scheduler.tick(at=moment)
                    runtime.wait_until_idle(timeout=120)
                before = MentionItem.count()
                meter.install()
                billing.install()
                reads.install()
                cpu_before = runtime.lambda_runner.cpu_seconds()
                began = time.monotonic()
                for step in range(1, 40):
                    moment = START + timedelta(minutes=30 + 10 * step)
                    server.set_time(moment)
                    runtime.scheduler.tick(at=moment)
                    runtime.wait_until_idle(timeout=300)  # the fake's clock must not outrun a fetch
                elapsed = time.monotonic() - began
                peaks = {_short(name): mb for name, mb in runtime.lambda_runner.peak_memory_mb().items()}
                cpu = {
                    _short(name): seconds - cpu_before.get(name, 0.0)
                    for name, seconds in runtime.lambda_runner.cpu_seconds().items()
                }
                meter.uninstall()
                billing.uninstall()
                reads.uninstall()
                stored = MentionItem.count() - before
            finally:
                os.environ.clear()
                os.environ.update(saved)
    total_units = sum(meter.units.values())
    per_thousand = 1000 * total_units / max(stored, 1)
    print("Listening (seven fake sources through the embedded runtime, no faults)")
    rate = stored / elapsed
    print(f"  mentions ingested and scored                {stored} in {elapsed:.1f} s: {rate:.0f} per second")
    print(f"  DynamoDB write units per 1,000 mentions     {per_thousand:.0f}")
    for table, units in meter.units.most_common():
        print(f"    {table:<40} {1000 * units / max(stored, 1):7.0f}")
    print("  reference: one 1 KB write per mention       1000")
    print(f"  DynamoDB read units per 1,000 mentions      {1000 * reads.units / max(stored, 1):.0f}")
    for table, units in reads.by_table.most_common():
        print(f"    {table:<40} {1000 * units / max(stored, 1):7.0f}")
    print("  Lambda GB-seconds per 1,000 mentions (billed duration x memory), and what sizes the memory")
    print("  (CPU ms: the workers' CPU time per call, with a whole core; the rest of the mean is waiting)")
    print(
        f"    {'':<28} {'GB-s':>7}  {'calls':>6} {'mean ms':>8} {'CPU ms':>7} {'memory':>7} {'peak RSS':>9}"
    )
    for name, gb_seconds in billing.gb_seconds.most_common():
        calls, memory = billing.invocations[name], billing.memory_mb[name]
        mean_ms = 1000 * gb_seconds * 1024 / memory / max(calls, 1)
        print(
            f"    {name:<28} {1000 * gb_seconds / max(stored, 1):7.2f}  {calls:>6} {mean_ms:8.0f}"
            f" {1000 * cpu.get(name, 0.0) / max(calls, 1):7.0f}"
            f" {memory:>4} MB {peaks.get(name, 0.0):6.0f} MB"
        )
    print()
    return IngestFigures(
        mentions=stored,
        seconds=elapsed,
        write_units=dict(meter.units),
        read_units=reads.units,
        gb_seconds=dict(billing.gb_seconds),
        invocations=dict(billing.invocations),
        log_bytes=billing.log_bytes,
        read_units_by_table=dict(reads.by_table),
        peak_mb=peaks,
        memory_mb=dict(billing.memory_mb),
    )
