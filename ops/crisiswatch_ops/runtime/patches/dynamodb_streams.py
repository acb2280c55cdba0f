"""Patch (e): a DynamoDB stream only records; the stream poller delivers to Lambda.

moto 5.2.5's ``StreamShard.add`` invokes every mapped function synchronously inside the PutItem
request, with all records accumulated so far, ignoring BatchSize, filters and the function's
response, and then empties ``self.items``, which breaks GetRecords' sequence-number arithmetic.
The replacement appends the record with the same sequence numbering, never invokes, never clears,
and wakes the poller (:mod:`crisiswatch_ops.runtime.streams`) through :data:`ACTIVITY`.
"""

from __future__ import annotations

import threading
from typing import Any

from moto.dynamodb.models.table import StreamRecord, StreamShard

from . import _patching


class StreamActivity:
    """Generation counters of stream writes (overall and per table), with a condition to wait on.

    Per table, so a write to one table does not wake the pollers of every other stream.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0
        self._per_table: dict[str, int] = {}

    @property
    def generation(self) -> int:
        with self._condition:
            return self._generation

    def generation_of(self, table_arn: str) -> int:
        with self._condition:
            return self._per_table.get(table_arn, 0)

    def bump(self, table_arn: str) -> None:
        """Record a write to the stream of ``table_arn``."""
        with self._condition:
            self._generation += 1
            self._per_table[table_arn] = self._per_table.get(table_arn, 0) + 1
            self._condition.notify_all()

    def wake(self) -> None:
        """Wake every waiter without a write (they re-check their stop flags)."""
        with self._condition:
            self._condition.notify_all()

    def wait_for_change(
        self, table_arn: str, seen: int, timeout: float, stop: threading.Event | None = None
    ) -> int:
        """Block until ``table_arn``'s generation differs from ``seen``, ``stop`` is set, or ``timeout``."""
        with self._condition:
            self._condition.wait_for(
                lambda: self._per_table.get(table_arn, 0) != seen or (stop is not None and stop.is_set()),
                timeout=timeout,
            )
            return self._per_table.get(table_arn, 0)


ACTIVITY = StreamActivity()


def _add(self: Any, old: Any, new: Any) -> None:
    view_type = self.table.stream_specification["StreamViewType"]
    if old is None:
        event_name = "INSERT"
    elif new is None:
        event_name = "REMOVE"
    else:
        event_name = "MODIFY"
    sequence = len(self.items) + self.starting_sequence_number
    self.items.append(StreamRecord(self.table, view_type, event_name, old, new, sequence))
    ACTIVITY.bump(self.table.table_arn)


def apply() -> None:
    _patching.replace(StreamShard, "add", _add)
