"""The crisis plan as one use case: every task its state machine runs, on one container's ports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..domain.clock import utc_now
from ..domain.errors import InvalidRequestError
from ..ports import PlanPorts
from . import asking, outcomes

Step = Callable[[PlanPorts, str, Mapping[str, Any], datetime], dict[str, Any]]

STEPS: dict[str, Step] = {
    "assess": lambda p, i, e, now: asking.assess(i, p, now),
    "time_ran_out": lambda p, i, e, now: asking.time_ran_out(i, e.get("cursor"), p, now),
    "decide": lambda p, i, e, now: outcomes.record_decision(i, e.get("cursor"), e.get("decision"), p, now),
    "unanswered": lambda p, i, e, now: asking.record_unanswered(i, p, now),
    "failed": lambda p, i, e, now: asking.record_failure(i, e.get("error"), p, now),
    "monitor": lambda p, i, e, now: outcomes.check_signals(i, e.get("previous"), p, now),
    "resolve": lambda p, i, e, now: outcomes.resolve(i, e.get("resolution"), p, now),
    "review": lambda p, i, e, now: outcomes.record_review(i, e.get("decision"), p, now),
    "review_overdue": lambda p, i, e, now: outcomes.review_overdue(i, p, now),
}
"""The bookkeeping steps of CrisisPlanFunction, by the name the state machine gives."""


@dataclass(frozen=True)
class CrisisPlan:
    """Start, assess, ask, wait, decide, publish, monitor, resolve and review an incident."""

    ports: PlanPorts
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)

    def run(self, step: str, incident_id: str, event: Mapping[str, Any]) -> dict[str, Any]:
        """One bookkeeping step: the execution's cursor in `event`, the next cursor out."""
        found = STEPS.get(step)
        if found is None:
            raise InvalidRequestError(f"unknown step {step!r}; known: {', '.join(STEPS)}")
        return found(self.ports, incident_id, event, self.clock())

    def start(self, incident_id: str) -> str | None:
        """Start the incident's execution; its ARN, or None if it was started before."""
        p = self.ports
        return asking.start_plan(incident_id, p.incidents, p.workflow, p.audit, self.clock())

    def request_decision(self, incident_id: str, cursor: Any, task_token: str) -> dict[str, Any]:
        return asking.request_decision(incident_id, cursor, task_token, self.ports, self.clock())

    def publish_statement(self, incident_id: str) -> dict[str, Any]:
        return outcomes.publish_statement(incident_id, self.ports, self.clock())
