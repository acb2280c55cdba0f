"""On-failure destinations: the invocation records Lambda sends when it gives up, and their delivery.

Two shapes, as AWS documents them:

* **stream** event source mappings (DynamoDB, Kinesis) send *metadata about the batch*, not its records
  ("Retain discarded records for a DynamoDB event source"): ``requestContext`` (``condition``
  ``RetryAttemptsExhausted``), ``responseContext``, ``version``, ``timestamp`` and ``DDBStreamBatchInfo``
  (shard, first and last sequence numbers, arrival times, batch size, stream ARN). Whoever handles the
  message must re-read the records from the stream while it still holds them (24 hours);
* **asynchronous invocations** send the invocation record with the original event as
  ``requestPayload`` and the function's error as ``responsePayload`` (``condition``
  ``RetriesExhausted``), as in "Capturing records of Lambda asynchronous invocations".

Destinations are SQS queues and SNS topics (the types both sources support). Delivery goes straight
to moto's backends, in the account and region of the destination's ARN: the stream pollers and the
asynchronous-invocation pool run in the process that hosts moto.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from .constants import get_logger

LOG = get_logger("destinations")

RECORD_VERSION = "1.0"
STREAM_RETRIES_EXHAUSTED = "RetryAttemptsExhausted"
ASYNC_RETRIES_EXHAUSTED = "RetriesExhausted"
#: What Lambda reports for an error raised by the handler (or a crash or timeout of the runtime).
UNHANDLED = "Unhandled"


class DestinationError(RuntimeError):
    """The destination does not exist or is of a type this runtime cannot deliver to."""


def iso_millis(moment: datetime) -> str:
    """``2019-11-14T18:16:05.568Z``, the invocation record's ``timestamp``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_seconds(epoch: float) -> str:
    """``2019-11-14T00:13:19Z``, the batch's ``approximateArrivalOf...Record``."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stream_failure_record(  # noqa: PLR0913 - one keyword per field of Lambda's invocation record
    *,
    records: Sequence[Mapping[str, Any]],
    shard_id: str,
    stream_arn: str,
    function_arn: str,
    request_id: str,
    invoke_count: int,
    status_code: int = 200,
    function_error: str | None = UNHANDLED,
    executed_version: str = "$LATEST",
    now: datetime | None = None,
) -> dict[str, Any]:
    """What a DynamoDB stream mapping sends its on-failure destination for ``records`` (event records,
    oldest first) after the last retry."""
    if not records:
        raise ValueError("a failed batch holds at least one record")
    arrivals = [int(record["dynamodb"].get("ApproximateCreationDateTime") or 0) for record in records]
    response: dict[str, Any] = {"statusCode": status_code, "executedVersion": executed_version}
    if function_error:
        response["functionError"] = function_error
    return {
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": STREAM_RETRIES_EXHAUSTED,
            "approximateInvokeCount": invoke_count,
        },
        "responseContext": response,
        "version": RECORD_VERSION,
        "timestamp": iso_millis(now or datetime.now(UTC)),
        "DDBStreamBatchInfo": {
            "shardId": shard_id,
            "startSequenceNumber": str(records[0]["dynamodb"]["SequenceNumber"]),
            "endSequenceNumber": str(records[-1]["dynamodb"]["SequenceNumber"]),
            "approximateArrivalOfFirstRecord": iso_seconds(arrivals[0]),
            "approximateArrivalOfLastRecord": iso_seconds(arrivals[-1]),
            "batchSize": len(records),
            "streamArn": stream_arn,
        },
    }


def async_failure_record(  # noqa: PLR0913 - one keyword per field of Lambda's invocation record
    *,
    function_arn: str,
    request_id: str,
    invoke_count: int,
    request_payload: Any,
    response_payload: Any,
    status_code: int = 200,
    function_error: str | None = UNHANDLED,
    executed_version: str = "$LATEST",
    now: datetime | None = None,
) -> dict[str, Any]:
    """What an asynchronous invocation sends its on-failure destination after the last retry.

    ``function_arn`` is qualified (``...:function:name:$LATEST``), as in AWS's records.
    """
    response: dict[str, Any] = {"statusCode": status_code, "executedVersion": executed_version}
    if function_error:
        response["functionError"] = function_error
    return {
        "version": RECORD_VERSION,
        "timestamp": iso_millis(now or datetime.now(UTC)),
        "requestContext": {
            "requestId": request_id,
            "functionArn": function_arn,
            "condition": ASYNC_RETRIES_EXHAUSTED,
            "approximateInvokeCount": invoke_count,
        },
        "requestPayload": request_payload,
        "responseContext": response,
        "responsePayload": response_payload,
    }


def on_failure_destination(destination_config: Mapping[str, Any] | None) -> str | None:
    """The ARN of ``DestinationConfig.OnFailure`` (None when unset or empty)."""
    on_failure = (destination_config or {}).get("OnFailure") or {}
    destination = on_failure.get("Destination")
    return str(destination) if destination else None


def send(destination_arn: str, record: Mapping[str, Any]) -> str:
    """Deliver ``record`` as JSON to an SQS queue or SNS topic; returns the message id."""
    parts = destination_arn.split(":")
    if len(parts) < 6 or parts[0] != "arn":
        raise DestinationError(f"not an ARN: {destination_arn!r}")
    service, region, account, name = parts[2], parts[3], parts[4], parts[5]
    body = json.dumps(record)
    try:
        if service == "sqs":
            message = sqs_backends[account][region].send_message(name, body)
            return str(message.id)
        if service == "sns":
            return str(sns_backends[account][region].publish(body, arn=destination_arn))
    except Exception as error:  # moto's QueueDoesNotExist, TopicNotFound...
        raise DestinationError(f"cannot deliver to {destination_arn}: {error!r}") from error
    raise DestinationError(f"on-failure destinations of type {service!r} are not emulated locally")
