"""Replay dead-lettered work once its cause is fixed: `crisiswatch redrive`.

The stack's dead-letter queues hold invocation records, as Lambda writes them to an on-failure
destination (the same code runs against AWS and the embedded runtime; boto3 finds the endpoint):

* **stream failures** (``ScoreMentions...``, ``StartEscalation...``): batch metadata only
  (``DDBStreamBatchInfo``: stream, shard, first and last sequence number). The records are read again
  from the stream (GetShardIterator ``AT_SEQUENCE_NUMBER``, then GetRecords up to the last sequence
  number), passed through the mapping's ``FilterCriteria`` and sent to the function synchronously as
  the DynamoDB-stream event Lambda would build. With ``ReportBatchItemFailures`` a response naming
  failed records is a failure, as for Lambda. DynamoDB Streams keeps records 24 hours: a batch whose
  records are gone cannot be replayed and is reported as expired;
* **asynchronous failures** (``FetchSource...``): the record holds the original event
  (``requestPayload``); the function is invoked again with it, synchronously.

A message is deleted only after its replay succeeded. Anything else (failed again, expired, not an
invocation record) stays in the queue and is reported; ``--drop-expired`` deletes expired ones after
reporting them. Replaying twice is safe where the function is idempotent: scoring counts each mention
once (its hash added to its group's ledger, on condition, in the transaction of the counters),
fetching writes mentions with conditional puts, starting the crisis plan names the execution by the
incident.

While a run works through a queue its messages are in flight (invisible to others) for
:data:`VISIBILITY_SECONDS`; kept messages are made visible again when the run ends.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .stream_records import EventFilter, lambda_event_record

#: Queue choice -> the stack output with its URL.
QUEUES: dict[str, str] = {
    "fetch": "FetchSourceDeadLetterQueueUrl",
    "score": "ScoreMentionsDeadLetterQueueUrl",
    "escalation": "StartEscalationDeadLetterQueueUrl",
}
#: How long a run keeps the messages it works on invisible (a replay runs at most a function timeout).
VISIBILITY_SECONDS = 900
#: Consecutive empty GetRecords answers after which a range is taken as no longer in the stream.
EMPTY_READS = 3
STREAM_RETENTION = "24 hours"
EXPIRED_ADVICE = (
    f"Expired batches cannot be replayed: DynamoDB Streams keeps records {STREAM_RETENTION}, and a "
    "message holds only their sequence range and arrival times (shown above). The items are still in "
    "their table, but what the function should have done is missing for that window: for `score`, "
    "the mentions that arrived then are not in the bucket counts (reports and the dashboard show "
    "fewer, and the detector judged those buckets without them); for `escalation`, incidents opened "
    "then may have no escalation running (`crisiswatch incidents --from DAY`, then `crisiswatch show`): "
    "invoking StartEscalationFunction with a one-record stream event holding the incident_id key "
    "starts one, and does nothing if one runs. The messages stay in the queue (up to 14 "
    "days) as the record of what was missed, and keep its alarm raised; once handled, "
    "`crisiswatch redrive --drop-expired` deletes them."
)


class Status(StrEnum):
    REPLAYED = "replayed"
    WOULD_REPLAY = "would_replay"  # --dry-run
    FAILED = "failed"  # failed again: kept
    EXPIRED = "expired"  # records gone from the stream: kept
    DROPPED = "dropped"  # expired, deleted on --drop-expired
    UNREADABLE = "unreadable"  # not an invocation record: kept

    @property
    def label(self) -> str:
        return {"failed": "failed again", "would_replay": "would replay", "dropped": "expired, dropped"}.get(
            self.value, self.value
        )


#: Statuses that leave work undone (exit status 1).
UNRESOLVED = frozenset({Status.FAILED, Status.EXPIRED, Status.UNREADABLE})


@dataclass(frozen=True)
class Outcome:
    """What became of one dead-lettered message."""

    queue: str
    message_id: str
    status: Status
    function: str
    detail: str
    kind: str = "unknown"  # "stream", "async" or "unknown"
    records: int = 0

    def line(self) -> str:
        name = self.function.split(":function:", 1)[-1].split(":", 1)[0]
        return (
            f"{self.queue:<10} {self.message_id[:8]}  {self.status.label.upper():<16} {name}: {self.detail}"
        )

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


@dataclass
class Summary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(outcome.status is status for outcome in self.outcomes)

    @property
    def exit_code(self) -> int:
        return 1 if any(outcome.status in UNRESOLVED for outcome in self.outcomes) else 0

    def line(self, queues: Sequence[str]) -> str:
        if not self.outcomes:
            return f"Nothing to redrive: {', '.join(queues)} {'is' if len(queues) == 1 else 'are'} empty."
        parts = [
            f"{self.count(status)} {status.label}"
            for status in Status
            if self.count(status) or status in _ALWAYS
        ]
        return f"Redrive of {', '.join(queues)}: {len(self.outcomes)} message(s): {', '.join(parts)}."

    def as_json(self, queues: Sequence[str]) -> dict[str, Any]:
        counts = {status.value: self.count(status) for status in Status}
        return {"queues": list(queues), "messages": len(self.outcomes), **counts}


_ALWAYS = (Status.REPLAYED, Status.FAILED)


class RecordsExpiredError(Exception):
    """The stream no longer holds (all of) a batch's records."""


@dataclass(frozen=True)
class StreamBatch:
    """``DDBStreamBatchInfo`` of a stream mapping's invocation record."""

    stream_arn: str
    shard_id: str
    start: str
    end: str
    size: int
    first_arrival: str
    last_arrival: str

    @classmethod
    def of(cls, info: Mapping[str, Any]) -> StreamBatch:
        return cls(
            stream_arn=str(info["streamArn"]),
            shard_id=str(info["shardId"]),
            start=str(info["startSequenceNumber"]),
            end=str(info["endSequenceNumber"]),
            size=int(info.get("batchSize") or 0),
            first_arrival=str(info.get("approximateArrivalOfFirstRecord", "?")),
            last_arrival=str(info.get("approximateArrivalOfLastRecord", "?")),
        )

    def describe(self) -> str:
        return f"{self.size} record(s), sequence {self.start}..{self.end}, arrived {self.first_arrival}"


def read_batch(streams: Any, batch: StreamBatch) -> list[dict[str, Any]]:
    """The stream records from ``batch.start`` to ``batch.end`` inclusive, oldest first.

    Raises RecordsExpiredError when the stream no longer holds the range (trimmed after 24 hours, or
    the stream or shard is gone).
    """
    try:
        iterator: str | None = streams.get_shard_iterator(
            StreamArn=batch.stream_arn,
            ShardId=batch.shard_id,
            ShardIteratorType="AT_SEQUENCE_NUMBER",
            SequenceNumber=batch.start,
        )["ShardIterator"]
    except ClientError as error:
        if _code(error) in ("TrimmedDataAccessException", "ResourceNotFoundException"):
            raise RecordsExpiredError(f"{_code(error)}: {_message(error)}") from error
        raise
    end = int(batch.end)
    records: list[dict[str, Any]] = []
    empty = 0
    past_end = False
    while iterator and empty < EMPTY_READS and not past_end:
        try:
            response = streams.get_records(ShardIterator=iterator, Limit=1000)
        except ClientError as error:
            if _code(error) in ("TrimmedDataAccessException", "ResourceNotFoundException"):
                raise RecordsExpiredError(f"{_code(error)}: {_message(error)}") from error
            raise
        page = response.get("Records", [])
        empty = 0 if page else empty + 1
        for record in page:
            sequence = int(record["dynamodb"]["SequenceNumber"])
            if sequence <= end:
                records.append(record)
            past_end = sequence >= end
            if past_end:
                break
        iterator = response.get("NextShardIterator")
    found = [str(record["dynamodb"]["SequenceNumber"]) for record in records]
    if not found or found[0] != batch.start or found[-1] != batch.end:
        have = f"{found[0]}..{found[-1]}" if found else "none of them"
        raise RecordsExpiredError(f"the stream holds {have}")
    return records


@dataclass(frozen=True)
class RedriveOptions:
    """`dry_run`: read and report, replay nothing. `drop_expired`: delete messages whose stream records
    have expired (they can never be replayed) instead of leaving them in the queue."""

    dry_run: bool = False
    drop_expired: bool = False


class Redriver:
    """Replays the messages of dead-letter queues; see the module docstring."""

    def __init__(
        self,
        sqs: Any,
        lambda_client: Any,
        streams: Any,
        options: RedriveOptions = RedriveOptions(),
        report: Callable[[Outcome], None] | None = None,
    ) -> None:
        self.sqs = sqs
        self.lambda_client = lambda_client
        self.streams = streams
        self.dry_run = options.dry_run
        self.drop_expired = options.drop_expired
        self.report = report or (lambda outcome: None)
        self._mappings: dict[tuple[str, str], dict[str, Any] | None] = {}

    @classmethod
    def from_environment(
        cls, options: RedriveOptions = RedriveOptions(), report: Callable[[Outcome], None] | None = None
    ) -> Redriver:
        """Clients from the environment (``AWS_ENDPOINT_URL`` points them at the embedded runtime)."""
        invoke_config = Config(read_timeout=960, connect_timeout=10, retries={"total_max_attempts": 1})
        return cls(
            boto3.client("sqs"),
            boto3.client("lambda", config=invoke_config),
            boto3.client("dynamodbstreams"),
            options,
            report,
        )

    def run(self, queues: Mapping[str, str]) -> Summary:
        """Redrive each queue (name -> URL) in turn; ``report`` sees each outcome as it happens."""
        summary = Summary()
        for name, url in queues.items():
            for outcome in self.redrive_queue(name, url):
                summary.outcomes.append(outcome)
                self.report(outcome)
        return summary

    def redrive_queue(self, name: str, url: str) -> Iterator[Outcome]:
        kept: list[str] = []
        seen: set[str] = set()
        try:
            while True:
                messages = [message for message in self._receive(url) if message["MessageId"] not in seen]
                if not messages:
                    return
                seen.update(message["MessageId"] for message in messages)
                for message in sorted(messages, key=_replay_order):
                    outcome = self._handle(name, message)
                    if outcome.status in (Status.REPLAYED, Status.DROPPED):
                        yield self._delete(url, message, outcome)
                    else:
                        kept.append(message["ReceiptHandle"])
                        yield outcome
        finally:
            self._release(url, kept)

    # -- one message
    def _handle(self, queue: str, message: Mapping[str, Any]) -> Outcome:
        message_id = str(message["MessageId"])
        try:
            record = json.loads(message["Body"])
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("requestContext"), dict):
            return Outcome(queue, message_id, Status.UNREADABLE, "-", "not a Lambda invocation record; kept")
        function = str(record["requestContext"].get("functionArn", "-"))
        if isinstance(record.get("DDBStreamBatchInfo"), dict):
            return self._stream(queue, message_id, function, StreamBatch.of(record["DDBStreamBatchInfo"]))
        if "requestPayload" in record:
            return self._async(queue, message_id, function, record["requestPayload"])
        return Outcome(
            queue, message_id, Status.UNREADABLE, function, "neither batch info nor a payload; kept"
        )

    def _stream(self, queue: str, message_id: str, function: str, batch: StreamBatch) -> Outcome:
        def outcome(status: Status, detail: str, records: int = 0) -> Outcome:
            return Outcome(queue, message_id, status, function, detail, "stream", records)

        try:
            mapping = self._mapping(batch.stream_arn, function)
        except (BotoCoreError, ClientError) as error:
            return outcome(Status.FAILED, f"cannot read the event source mapping: {_describe(error)}; kept")
        if mapping is None:
            return outcome(
                Status.FAILED,
                f"no event source mapping from {batch.stream_arn} to this function any more, so its "
                "filter is unknown; kept",
            )
        try:
            raw = read_batch(self.streams, batch)
        except RecordsExpiredError as error:
            status = Status.DROPPED if self.drop_expired and not self.dry_run else Status.EXPIRED
            kept = "dropped" if status is Status.DROPPED else "kept"
            return outcome(status, f"{batch.describe()}: no longer in the stream ({error}); {kept}")
        except (BotoCoreError, ClientError) as error:
            return outcome(Status.FAILED, f"cannot read the stream: {_describe(error)}; kept")
        events = [lambda_event_record(record, batch.stream_arn) for record in raw]
        wanted = EventFilter.of(mapping.get("FilterCriteria"))
        matching = [event for event in events if wanted.matches(event)]
        what = (
            f"{len(matching)} of {len(events)} record(s) pass the filter, sequence {batch.start}..{batch.end}"
        )
        if self.dry_run:
            return outcome(Status.WOULD_REPLAY, what, len(matching))
        if not matching:
            return outcome(Status.REPLAYED, f"{what}: nothing to invoke", 0)
        event = {"Records": matching}
        failure, answer = self._invoke(function, event)
        if failure is None and "ReportBatchItemFailures" in (mapping.get("FunctionResponseTypes") or []):
            failure = _item_failures(answer, event)
        if failure:
            return outcome(Status.FAILED, f"{what}; {failure}; kept", len(matching))
        return outcome(Status.REPLAYED, what, len(matching))

    def _async(self, queue: str, message_id: str, function: str, payload: Any) -> Outcome:
        described = json.dumps(payload, sort_keys=True, default=str)
        described = described if len(described) <= 120 else described[:117] + "..."
        if self.dry_run:
            return Outcome(queue, message_id, Status.WOULD_REPLAY, function, described, "async", 1)
        failure, _answer = self._invoke(function, payload)
        if failure:
            return Outcome(
                queue, message_id, Status.FAILED, function, f"{described}; {failure}; kept", "async", 1
            )
        return Outcome(queue, message_id, Status.REPLAYED, function, described, "async", 1)

    # -- AWS calls
    def _invoke(self, function: str, event: Any) -> tuple[str | None, Any]:
        """Invoke synchronously; returns (why it failed, or None; the function's answer)."""
        try:
            response = self.lambda_client.invoke(
                FunctionName=function,
                InvocationType="RequestResponse",
                Payload=json.dumps(event).encode("utf-8"),
            )
            body = response["Payload"].read()
        except (BotoCoreError, ClientError) as error:
            return _describe(error), None
        try:
            answer = json.loads(body) if body else None
        except ValueError:
            answer = body.decode("utf-8", errors="replace")
        if response.get("FunctionError"):
            if isinstance(answer, dict):
                return f"{answer.get('errorType', 'Error')}: {answer.get('errorMessage', '')}"[:300], answer
            return f"function error: {str(answer)[:300]}", answer
        return None, answer

    def _mapping(self, stream_arn: str, function_arn: str) -> dict[str, Any] | None:
        key = (stream_arn, _unqualified(function_arn))
        if key not in self._mappings:
            found = None
            pages = self.lambda_client.get_paginator("list_event_source_mappings").paginate(
                EventSourceArn=stream_arn
            )
            for page in pages:
                for mapping in page.get("EventSourceMappings", []):
                    if _unqualified(str(mapping.get("FunctionArn", ""))) == key[1]:
                        found = mapping
            self._mappings[key] = found
        return self._mappings[key]

    def _receive(self, url: str) -> list[dict[str, Any]]:
        # Long polling (1 s) asks every SQS server, so an empty answer means the queue has nothing visible.
        response = self.sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=VISIBILITY_SECONDS,
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        return messages

    def _delete(self, url: str, message: Mapping[str, Any], outcome: Outcome) -> Outcome:
        try:
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        except (BotoCoreError, ClientError) as error:
            note = (
                f"; but the message could not be deleted ({_describe(error)}): it will be replayed "
                "again next time"
            )
            return Outcome(**{**asdict(outcome), "detail": outcome.detail + note})
        return outcome

    def _release(self, url: str, receipts: Sequence[str]) -> None:
        """Make kept messages visible again at once (not after the run's visibility timeout)."""
        for start in range(0, len(receipts), 10):
            entries = [
                {"Id": str(index), "ReceiptHandle": receipt, "VisibilityTimeout": 0}
                for index, receipt in enumerate(receipts[start : start + 10])
            ]
            with contextlib.suppress(BotoCoreError, ClientError):  # else back after VISIBILITY_SECONDS
                self.sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)


def _item_failures(answer: Any, event: Any) -> str | None:
    """A ``batchItemFailures`` answer as Lambda reads it (None: the whole batch succeeded)."""
    if not isinstance(answer, dict) or not answer.get("batchItemFailures"):
        return None
    records = event.get("Records", []) if isinstance(event, dict) else []
    known = {str(record["dynamodb"]["SequenceNumber"]) for record in records}
    failed = [
        str(item.get("itemIdentifier")) if isinstance(item, dict) else ""
        for item in answer["batchItemFailures"]
    ]
    if any(identifier not in known for identifier in failed):
        return "the function answered batchItemFailures with an unknown identifier: the whole batch failed"
    return (
        f"the function reported {len(failed)} record(s) failed, the first at sequence {min(failed, key=int)}"
    )


def _replay_order(message: Mapping[str, Any]) -> tuple[str, str, int]:
    """Stream batches oldest first per shard; other messages after them, as received."""
    try:
        info = json.loads(message["Body"]).get("DDBStreamBatchInfo") or {}
        return (str(info["streamArn"]), str(info["shardId"]), int(info["startSequenceNumber"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return ("~", "", 0)


def _unqualified(function_arn: str) -> str:
    parts = function_arn.split(":")
    return ":".join(parts[:7]) if len(parts) > 7 else function_arn


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def _describe(error: Exception) -> str:
    if isinstance(error, ClientError):
        return f"{_code(error)}: {_message(error)}"
    return f"{type(error).__name__}: {error}"
