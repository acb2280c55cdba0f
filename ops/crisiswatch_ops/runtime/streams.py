"""DynamoDB Streams -> Lambda, the way Lambda's event source mapping does it.

One poller thread per enabled mapping (a table stream has one shard in moto, and Lambda processes
a shard one batch at a time). It reads with the real ``dynamodbstreams`` API (GetShardIterator,
GetRecords) against moto, batches with ``BatchSize`` and ``MaximumBatchingWindowInSeconds``,
drops records that do not match ``FilterCriteria`` (moto's EventBridge pattern matcher, the same
pattern language), and invokes the function synchronously through moto's Lambda API with the
event AWS sends.

Failures, as documented for stream sources:

* the function errors: the whole batch is retried; with ``BisectBatchOnFunctionError`` it is split
  in two and each half retried (splitting does not use up retries);
* with ``FunctionResponseTypes: [ReportBatchItemFailures]`` a response with ``batchItemFailures``
  checkpoints before the lowest failed sequence number and retries from there; an unknown,
  empty or missing ``itemIdentifier`` fails the whole batch;
* after ``MaximumRetryAttempts`` retries the records are dropped (counted in ``failures``). AWS's
  default (-1, retry until the record expires after 24 h) would stall a local stream forever, so
  an unset or -1 value means :data:`DEFAULT_MAX_RETRIES` here;
* a dropped batch goes to the mapping's ``DestinationConfig.OnFailure`` queue or topic, if any, as
  AWS's invocation record with batch metadata (:mod:`.destinations`): the sequence range of the
  records still failing, not the records (``dead_lettered`` counts those records).

Retries are counted, never timed: the short pause between attempts only keeps a failing function from
spinning, so how many attempts a batch gets does not depend on how loaded the machine is.

The stream patch wakes pollers on every write, so a record reaches the function in milliseconds;
``wait_until_idle`` returns once every stream is read to its end and no invocation is running.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..stream_records import EventFilter, lambda_event_record, sequence_number
from . import destinations
from .constants import get_logger
from .patches.dynamodb_streams import ACTIVITY, StreamActivity
from .server import make_client

LOG = get_logger("streams")

DEFAULT_MAX_RETRIES = 10
#: How often an idle poller re-reads without being woken (a safety net: every stream write wakes it).
IDLE_POLL_SECONDS = 5.0
#: How often the mapping list is re-read (new, disabled or deleted mappings).
REFRESH_SECONDS = 2.0


@dataclass
class MappingStats:
    """Counters of one event source mapping."""

    function_arn: str
    event_source_arn: str
    batches: int = 0  # batches taken off the stream
    records: int = 0  # records taken off the stream
    invocations: int = 0
    retries: int = 0
    failures: int = 0  # records dropped after exhausting retries
    dead_lettered: int = 0  # of those, records whose batch metadata reached the on-failure destination
    destination_errors: int = 0  # failed batches that could not be delivered to the destination
    filtered: int = 0  # records that did not match FilterCriteria
    function_errors: int = 0
    partial_failures: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class MappingConfig:
    uuid: str
    function_arn: str
    event_source_arn: str
    batch_size: int
    batching_window: float
    starting_position: str
    report_item_failures: bool
    max_retries: int
    bisect: bool
    filters: tuple[str, ...] = field(default=())
    on_failure: str | None = None

    @classmethod
    def from_api(cls, mapping: dict[str, Any], default_max_retries: int) -> MappingConfig:
        retries = mapping.get("MaximumRetryAttempts")
        if retries is None or int(retries) < 0:
            retries = default_max_retries
        patterns = tuple(
            str(entry["Pattern"]) for entry in (mapping.get("FilterCriteria") or {}).get("Filters", []) or []
        )
        return cls(
            uuid=mapping["UUID"],
            function_arn=mapping["FunctionArn"],
            event_source_arn=mapping["EventSourceArn"],
            batch_size=int(mapping.get("BatchSize") or 100),
            batching_window=float(mapping.get("MaximumBatchingWindowInSeconds") or 0),
            starting_position=str(mapping.get("StartingPosition") or "TRIM_HORIZON"),
            report_item_failures="ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []),
            max_retries=int(retries),
            bisect=bool(mapping.get("BisectBatchOnFunctionError")),
            filters=patterns,
            on_failure=destinations.on_failure_destination(mapping.get("DestinationConfig")),
        )


class _Poller(threading.Thread):
    """Reads one mapping's stream; ``checkpoint`` is the last sequence number fully handled."""

    def __init__(
        self,
        config: MappingConfig,
        endpoint_url: str,
        activity: StreamActivity,
        checkpoint: str | None = None,
    ) -> None:
        super().__init__(name=f"stream-poller-{config.uuid[:8]}", daemon=True)
        self.config = config
        self.stats = MappingStats(config.function_arn, config.event_source_arn)
        self._activity = activity
        self._streams = make_client(endpoint_url, "dynamodbstreams")
        self._lambda = make_client(
            endpoint_url,
            "lambda",
            read_timeout=960,
            connect_timeout=5,
            retries={"total_max_attempts": 1},  # an invocation must never be silently repeated
        )
        self._filter = EventFilter(config.filters)
        self._shard_id: str | None = None
        self._stopping = threading.Event()
        self._state = threading.Condition()
        self._idle = False
        self._idle_generation = -1
        self._iterator: str | None = None
        self.checkpoint = checkpoint
        self.table_arn = config.event_source_arn.split("/stream/", 1)[0]

    # -- state seen by wait_until_idle
    def idle_at(self) -> int | None:
        """The stream generation at which this poller found its stream drained, if it is idle."""
        with self._state:
            return self._idle_generation if self._idle else None

    def _set_idle(self, generation: int | None) -> None:
        with self._state:
            self._idle = generation is not None
            self._idle_generation = generation if generation is not None else -1
            self._state.notify_all()

    def stop(self) -> None:
        self._stopping.set()
        self._activity.wake()

    # -- the loop
    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._poll_once()
            except Exception as error:  # keep polling: a transient moto error must not kill the mapping
                LOG.warning("stream poller %s: %s", self.config.uuid, error, exc_info=True)
                self.stats.last_error = repr(error)
                self._set_idle(None)
                self._iterator = None
                self._stopping.wait(0.5)

    def _poll_once(self) -> None:
        generation = self._activity.generation_of(self.table_arn)
        if self._iterator is None:
            self._iterator = self._open_iterator()
        records = self._read(self.config.batch_size)
        if not records:
            self._set_idle(generation)
            self._activity.wait_for_change(self.table_arn, generation, IDLE_POLL_SECONDS, self._stopping)
            return
        self._set_idle(None)
        if self.config.batching_window > 0 and len(records) < self.config.batch_size:
            deadline = time.monotonic() + self.config.batching_window
            while len(records) < self.config.batch_size and not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                seen = self._activity.generation_of(self.table_arn)
                more = self._read(self.config.batch_size - len(records))
                if more:
                    records += more
                else:
                    self._activity.wait_for_change(self.table_arn, seen, remaining, self._stopping)
        self.stats.batches += 1
        self.stats.records += len(records)
        events = [lambda_event_record(record, self.config.event_source_arn) for record in records]
        matching = [event for event in events if self._matches(event)]
        self.stats.filtered += len(events) - len(matching)
        if matching:
            self._deliver(matching, self.config.max_retries)
        # Delivered or dropped: a restarted poller continues after this batch, never before it.
        self.checkpoint = str(records[-1]["dynamodb"]["SequenceNumber"])

    def _open_iterator(self) -> str:
        stream = self._streams.describe_stream(StreamArn=self.config.event_source_arn)["StreamDescription"]
        shard_id = self._shard_id = str(stream["Shards"][0]["ShardId"])
        arguments = {"StreamArn": self.config.event_source_arn, "ShardId": shard_id}
        if self.checkpoint is not None:
            arguments.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=self.checkpoint)
        elif self.config.starting_position == "LATEST":
            arguments["ShardIteratorType"] = "LATEST"
        else:
            arguments["ShardIteratorType"] = "TRIM_HORIZON"
        iterator: str = self._streams.get_shard_iterator(**arguments)["ShardIterator"]
        return iterator

    def _read(self, limit: int) -> list[dict[str, Any]]:
        response = self._streams.get_records(ShardIterator=self._iterator, Limit=limit)
        records: list[dict[str, Any]] = response.get("Records", [])
        if records:  # an empty read returns an iterator for the same position: keep ours
            self._iterator = response.get("NextShardIterator")
        return records

    def _matches(self, event: dict[str, Any]) -> bool:
        return self._filter.matches(event)

    # -- delivery with retries
    def _deliver(self, records: list[dict[str, Any]], retries_left: int, invoked_before: int = 0) -> None:
        """Invoke until the records succeed or their retries run out; ``invoked_before`` counts the
        invocations that already included them (before a bisection)."""
        pending = records
        attempt = 0
        invocations = invoked_before
        while pending and not self._stopping.is_set():
            outcome = self._invoke(pending)
            invocations += 1
            if outcome.failed_from is None:
                return
            if outcome.function_error and self.config.bisect and len(pending) > 1:
                middle = len(pending) // 2
                self._deliver(pending[:middle], retries_left - attempt, invocations)
                self._deliver(pending[middle:], retries_left - attempt, invocations)
                return
            retry = pending[outcome.failed_from :]
            if attempt >= retries_left:
                self.stats.failures += len(retry)
                LOG.warning(
                    "%s: dropping %d record(s) from %s after %d retries",
                    self.config.function_arn,
                    len(retry),
                    sequence_number(retry[0]),
                    attempt,
                )
                self._dead_letter(retry, invocations, outcome)
                return
            attempt += 1
            self.stats.retries += 1
            self._stopping.wait(min(0.05 * 2 ** (attempt - 1), 1.0))
            pending = retry

    def _dead_letter(self, records: list[dict[str, Any]], invocations: int, last: _Outcome) -> None:
        """Send the batch's metadata to the mapping's on-failure destination, as Lambda does."""
        destination = self.config.on_failure
        if destination is None:
            return
        record = destinations.stream_failure_record(
            records=records,
            shard_id=self._shard_id or "",
            stream_arn=self.config.event_source_arn,
            function_arn=self.config.function_arn,
            request_id=last.request_id,
            invoke_count=invocations,
            status_code=last.status_code,
            function_error=destinations.UNHANDLED if last.function_error else None,
            executed_version=last.executed_version,
        )
        try:
            destinations.send(destination, record)
        except destinations.DestinationError as error:
            self.stats.destination_errors += 1
            self.stats.last_error = str(error)
            LOG.warning("%s: %s", self.config.function_arn, error)
            return
        self.stats.dead_lettered += len(records)

    def _invoke(self, records: list[dict[str, Any]]) -> _Outcome:
        """Invoke once; the outcome says where to retry from (None: done) and whether it errored."""
        self.stats.invocations += 1
        try:
            response = self._lambda.invoke(
                FunctionName=self.config.function_arn,
                InvocationType="RequestResponse",
                Payload=json.dumps({"Records": records}).encode("utf-8"),
            )
            body = response["Payload"].read()
        except (BotoCoreError, ClientError) as error:  # throttled, deleted function...: retried like an error
            self.stats.function_errors += 1
            self.stats.last_error = f"{type(error).__name__}: {error}"
            status = 500
            if isinstance(error, ClientError):
                status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
            return _Outcome(0, True, str(uuid.uuid4()), status)
        metadata = response.get("ResponseMetadata", {})
        request_id = str(metadata.get("RequestId") or uuid.uuid4())
        status = int(response.get("StatusCode") or 200)
        version = str(response.get("ExecutedVersion") or "$LATEST")
        if response.get("FunctionError"):
            self.stats.function_errors += 1
            self.stats.last_error = body.decode("utf-8", errors="replace")[:1000]
            return _Outcome(0, True, request_id, status, version)
        if not self.config.report_item_failures:
            return _Outcome(None, False, request_id, status, version)
        failed_from = _first_failure(body, records)
        if failed_from is not None:
            self.stats.partial_failures += 1
        return _Outcome(failed_from, False, request_id, status, version)


@dataclass(frozen=True)
class _Outcome:
    """One invocation of a batch: where to retry from (None: all done) and its response context."""

    failed_from: int | None
    function_error: bool
    request_id: str
    status_code: int = 200
    executed_version: str = "$LATEST"


def _first_failure(body: bytes, records: list[dict[str, Any]]) -> int | None:
    """Index of the lowest failed record per a ``batchItemFailures`` response (None: success)."""
    try:
        response = json.loads(body) if body else None
    except ValueError:
        return 0  # invalid JSON: the whole batch failed
    if not isinstance(response, dict):
        return None
    failures = response.get("batchItemFailures")
    if not failures:
        return None
    positions = {sequence_number(record): index for index, record in enumerate(records)}
    indexes: list[int] = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, dict) else None
        if not identifier or str(identifier) not in positions:
            return 0  # malformed or unknown identifier: the whole batch failed
        indexes.append(positions[str(identifier)])
    return min(indexes)


class StreamPollers:
    """Every DynamoDB-stream event source mapping in moto, polled like Lambda does."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        activity: StreamActivity = ACTIVITY,
        default_max_retries: int = DEFAULT_MAX_RETRIES,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.default_max_retries = default_max_retries
        self._activity = activity
        self._lambda = make_client(endpoint_url, "lambda")
        self._lock = threading.Lock()
        self._pollers: dict[str, _Poller] = {}
        self._retired: dict[str, _Poller] = {}
        self._refresh_lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.refresh()
        self._thread = threading.Thread(target=self._refresh_loop, name="stream-mappings", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            pollers = list(self._pollers.values())
        for poller in pollers:
            poller.stop()
        for poller in pollers:
            poller.join(timeout=5)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def refresh(self) -> None:
        """Start pollers for new enabled mappings, stop those of deleted or disabled ones.

        A mapping whose configuration changed gets a new poller that continues from the old one's
        checkpoint, as Lambda keeps a mapping's position across UpdateEventSourceMapping.
        """
        mappings: list[dict[str, Any]] = []
        for page in self._lambda.get_paginator("list_event_source_mappings").paginate():
            mappings.extend(page.get("EventSourceMappings", []))
        wanted = {
            mapping["UUID"]: MappingConfig.from_api(mapping, self.default_max_retries)
            for mapping in mappings
            if ":dynamodb:" in mapping.get("EventSourceArn", "")
            and mapping.get("State", "Enabled") in ("Enabled", "Enabling", "Updating")
        }
        with self._refresh_lock:
            with self._lock:
                retiring = {
                    uuid: poller
                    for uuid, poller in self._pollers.items()
                    if uuid not in wanted or wanted[uuid] != poller.config
                }
                for uuid, poller in retiring.items():
                    del self._pollers[uuid]
                    poller.stop()
            for uuid, poller in retiring.items():
                poller.join(timeout=30)
                if poller.is_alive():
                    LOG.warning("poller for %s did not stop in time", poller.config.function_arn)
                with self._lock:
                    self._retired[uuid] = poller
            with self._lock:
                for uuid, config in wanted.items():
                    if uuid in self._pollers or self._stopping.is_set():
                        continue
                    previous = self._retired.pop(uuid, None)
                    poller = _Poller(
                        config, self.endpoint_url, self._activity, previous.checkpoint if previous else None
                    )
                    if previous is not None:
                        poller.stats = previous.stats
                    self._pollers[uuid] = poller
                    poller.start()
                    LOG.info("polling %s for %s", config.event_source_arn, config.function_arn)

    def _refresh_loop(self) -> None:
        while not self._stopping.wait(REFRESH_SECONDS):
            try:
                self.refresh()
            except Exception:
                LOG.debug("refreshing event source mappings failed", exc_info=True)

    def wait_until_idle(self, timeout: float = 30.0) -> None:
        """Return once every stream is drained and no invocation is in flight.

        Raises TimeoutError (naming the busy mappings) if that does not happen within ``timeout``.
        """
        self.refresh()
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                pollers = list(self._pollers.values())
            busy = [
                poller
                for poller in pollers
                if poller.idle_at() != self._activity.generation_of(poller.table_arn)
            ]
            if not busy:
                return
            if time.monotonic() > deadline:
                names = ", ".join(poller.config.function_arn.rsplit(":", 1)[-1] for poller in busy)
                raise TimeoutError(f"streams still busy after {timeout:.1f}s: {names}")
            time.sleep(0.01)

    @property
    def stats(self) -> dict[str, MappingStats]:
        """Counters per mapping UUID."""
        with self._lock:
            retired = {uuid: poller.stats for uuid, poller in self._retired.items()}
            current = {uuid: poller.stats for uuid, poller in self._pollers.items()}
            return {**retired, **current}

    def stats_for(self, function: str) -> MappingStats:
        """Counters of the (first) mapping whose function ARN ends with ``function``."""
        for stats in self.stats.values():
            if stats.function_arn == function or stats.function_arn.endswith(f":{function}"):
                return stats
        raise KeyError(f"no stream mapping for function {function}")
