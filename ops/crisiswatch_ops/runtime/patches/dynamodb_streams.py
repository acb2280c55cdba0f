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
    """A generation counter bumped on every stream write, with a condition to wait on."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0

    @property
    def generation(self) -> int:
        with self._condition:
            return self._generation

    def bump(self) -> None:
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """Block until the generation differs from ``seen`` (or ``timeout``); return the current one."""
        with self._condition:
            self._condition.wait_for(lambda: self._generation != seen, timeout=timeout)
            return self._generation


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
    ACTIVITY.bump()


def apply() -> None:
    _patching.replace(StreamShard, "add", _add)
