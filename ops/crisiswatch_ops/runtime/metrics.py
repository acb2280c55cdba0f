"""The AWS service metrics alarms watch, put into moto's CloudWatch (which has none of its own).

* ``AWS/Lambda`` ``Invocations`` and ``Errors`` (dimension ``FunctionName``): one datapoint of each per
  invocation (``Errors`` is 1 or 0), counted where every invocation runs (the ``lambda_invoke`` patch),
  so ``Sum`` over a period is what CloudWatch would show.
* ``AWS/SQS`` ``ApproximateNumberOfMessagesVisible`` and ``...NotVisible`` (dimension ``QueueName``):
  :class:`QueueDepths` samples every queue through the SQS API and puts a datapoint whenever a depth
  changes, and every :data:`HEARTBEAT_SECONDS` otherwise (AWS reports queue metrics each minute; twice
  a minute here, so every 60-second period an alarm evaluates holds a datapoint). A dead-letter queue
  filling up therefore shows within one sampling interval; :meth:`QueueDepths.sample` samples at once,
  so a test never waits on the interval.

Datapoints carry moto's clock (wall time), not the scheduler's virtual clock. Nothing else is emulated:
no ``Duration``/``Throttles``/``IteratorAge``, no ``ApproximateAgeOfOldestMessage``, and moto evaluates
no alarms (:mod:`.alarms` does, for simple ones).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends

from .constants import get_logger
from .server import make_client

LOG = get_logger("metrics")

LAMBDA_NAMESPACE = "AWS/Lambda"
SQS_NAMESPACE = "AWS/SQS"
VISIBLE = "ApproximateNumberOfMessagesVisible"
NOT_VISIBLE = "ApproximateNumberOfMessagesNotVisible"
#: A depth that does not change is put again this often (AWS reports SQS metrics once a minute).
HEARTBEAT_SECONDS = 30.0
SAMPLE_SECONDS = 1.0


def count_invocation(account_id: str, region: str, function_name: str, *, errored: bool) -> None:
    """One invocation of ``function_name`` (and one error if it errored), into moto's CloudWatch."""
    dimensions = [{"Name": "FunctionName", "Value": function_name}]
    try:
        cloudwatch_backends[account_id][region].put_metric_data(
            LAMBDA_NAMESPACE,
            [
                {"MetricName": "Invocations", "Value": 1.0, "Unit": "Count", "Dimensions": dimensions},
                {"MetricName": "Errors", "Value": float(errored), "Unit": "Count", "Dimensions": dimensions},
            ],
        )
    except Exception:  # a metric must never fail an invocation
        LOG.warning("could not count an invocation of %s", function_name, exc_info=True)


@dataclass(frozen=True)
class Depth:
    visible: int
    not_visible: int


class QueueDepths:
    """Samples every SQS queue's depth into ``AWS/SQS`` metrics (see the module docstring)."""

    def __init__(self, endpoint_url: str, interval: float = SAMPLE_SECONDS) -> None:
        self._sqs = make_client(endpoint_url, "sqs")
        self._cloudwatch = make_client(endpoint_url, "cloudwatch")
        self._interval = interval
        self._lock = threading.Lock()
        self._published: dict[str, tuple[Depth, float]] = {}
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="queue-depths", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.sample()
            except Exception:
                LOG.debug("sampling queue depths failed", exc_info=True)

    def sample(self) -> dict[str, Depth]:
        """Read every queue's depth now, publish the changed ones; returns the depth per queue name."""
        with self._lock:
            depths: dict[str, Depth] = {}
            for url in self._queue_urls():
                attributes = self._sqs.get_queue_attributes(
                    QueueUrl=url,
                    AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
                )["Attributes"]
                depths[url.rsplit("/", 1)[-1]] = Depth(
                    int(attributes.get("ApproximateNumberOfMessages", 0)),
                    int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
                )
            now = time.monotonic()
            data: list[dict[str, Any]] = []
            for name, depth in depths.items():
                previous = self._published.get(name)
                if previous is not None and previous[0] == depth and now - previous[1] < HEARTBEAT_SECONDS:
                    continue
                dimensions = [{"Name": "QueueName", "Value": name}]
                data.append({"MetricName": VISIBLE, "Value": depth.visible, "Dimensions": dimensions})
                data.append({"MetricName": NOT_VISIBLE, "Value": depth.not_visible, "Dimensions": dimensions})
                self._published[name] = (depth, now)
            for start in range(0, len(data), 500):  # PutMetricData takes at most 1,000 datapoints
                self._cloudwatch.put_metric_data(
                    Namespace=SQS_NAMESPACE,
                    MetricData=[{**datum, "Unit": "Count"} for datum in data[start : start + 500]],
                )
            return depths

    def _queue_urls(self) -> list[str]:
        urls: list[str] = []
        for page in self._sqs.get_paginator("list_queues").paginate():
            urls.extend(page.get("QueueUrls", []))
        return urls
