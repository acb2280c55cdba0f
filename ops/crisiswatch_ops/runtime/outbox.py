"""The outbox: every SNS email/SMS delivery, kept in memory and in a JSON Lines file.

moto accepts email and SMS subscriptions but delivers nothing; the SNS patch hands each delivery
that passed the subscription's filter policy to :meth:`Outbox.deliver`. A person reads
``<state_dir>/outbox.jsonl`` (one delivery per line); code and tests use :meth:`Outbox.wait_for`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .constants import get_logger

LOG = get_logger("outbox")


@dataclass(frozen=True)
class Delivery:
    """One delivery as the subscriber would get it; read by attribute or, like a dict, by key."""

    time: str
    topic_arn: str | None
    protocol: str
    endpoint: str
    subject: str | None
    message: str
    message_attributes: dict[str, Any] = field(default_factory=dict)
    message_id: str | None = None
    subscription_arn: str | None = None

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Delivery:
        names = {item.name for item in fields(cls)}
        return cls(**{key: value for key, value in record.items() if key in names})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __getitem__(self, key: str) -> Any:
        if key not in {item.name for item in fields(self)}:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key, default)


class Outbox:
    """Thread-safe record of deliveries, appended to ``path`` (JSON Lines) when one is given."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._condition = threading.Condition()
        self._messages: list[Delivery] = []
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def deliver(self, record: dict[str, Any]) -> None:
        delivery = Delivery.from_record(record)
        with self._condition:
            self._messages.append(delivery)
            if self.path is not None:
                with self.path.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(delivery.to_dict(), sort_keys=True) + "\n")
            self._condition.notify_all()
        LOG.info("outbox: %s to %s: %s", delivery.protocol, delivery.endpoint, delivery.subject)

    def messages(
        self, *, protocol: str | None = None, endpoint: str | None = None, since: int = 0
    ) -> list[Delivery]:
        """Deliveries so far (optionally one protocol/endpoint, from index ``since``)."""
        with self._condition:
            selected = self._messages[since:]
        return [
            message
            for message in selected
            if (protocol is None or message.protocol == protocol)
            and (endpoint is None or message.endpoint == endpoint)
        ]

    def wait_for(
        self, predicate: Callable[[Delivery], bool], timeout: float = 10.0, *, since: int = 0
    ) -> Delivery:
        """The first delivery (from index ``since``) that satisfies ``predicate``; waits for it.

        Raises TimeoutError if none arrives within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        checked = since
        with self._condition:
            while True:
                for message in self._messages[checked:]:
                    if predicate(message):
                        return message
                checked = max(checked, len(self._messages))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"no outbox delivery matched within {timeout:.1f}s ({len(self._messages)} so far)"
                    )
                self._condition.wait(remaining)

    def clear(self) -> None:
        """Forget the in-memory deliveries (indexes for ``since`` restart at 0; the file keeps them)."""
        with self._condition:
            self._messages.clear()

    def __len__(self) -> int:
        with self._condition:
            return len(self._messages)

    def __iter__(self) -> Iterator[Delivery]:
        return iter(self.messages())
