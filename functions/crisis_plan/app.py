"""CrisisPlanFunction: the state machine's bookkeeping steps (route, silence, decisions, monitoring, review).

One function with a step per task keeps the plan's logic in one place and its cold starts shared; each
step is a use case taking the execution's cursor and returning the next one.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.observability import count, entry_point, logger
from crisiswatch.task_events import incident_id_of
from crisiswatch.usecases.plan import STEPS
from crisiswatch.wiring import Container, use_cases


@entry_point(log_event=True)  # no task tokens reach this function: its events are safe
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    if not isinstance(event, dict):
        raise InvalidRequestError("the event must be an object")
    step = event.get("step")
    if not isinstance(step, str) or step not in STEPS:
        raise InvalidRequestError(f"unknown step {step!r}; known: {', '.join(STEPS)}")
    incident_id = incident_id_of(event)
    result = root.crisis_plan.run(step, incident_id, event)
    count(f"PlanStep_{event['step']}")
    logger.info("Plan step done", extra={"step": event["step"], "incident_id": incident_id})
    return result
