"""CrisisPlanFunction: the state machine's bookkeeping steps (route, silence, decisions, monitoring, review).

One function with a step per task keeps the plan's logic in one place and its cold starts shared; each
step is a use case taking the execution's cursor and returning the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.usecases import escalation, outcomes
from crisiswatch.wiring import Services, get_services

logger = Logger()
tracer = Tracer()
metrics = Metrics()

Step = Callable[[Services, str, dict[str, Any]], dict[str, Any]]


def _assess(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return escalation.assess(
        incident_id, s.policy, s.statements, s.settings.timing, s.incidents, s.audit, utc_now()
    )


def _time_ran_out(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return escalation.time_ran_out(
        incident_id,
        event.get("cursor"),
        s.policy,
        s.settings.timing,
        s.incidents,
        s.links,
        s.audit,
        utc_now(),
    )


def _decide(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return outcomes.record_decision(
        incident_id,
        event.get("cursor"),
        event.get("decision"),
        s.policy,
        s.settings.timing,
        s.incidents,
        s.detector_feedback,
        s.audit,
        utc_now(),
    )


def _unanswered(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return escalation.record_unanswered(incident_id, s.incidents, s.audit, utc_now())


def _failed(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return escalation.record_failure(
        incident_id, event.get("error"), s.incidents, s.links, s.audit, utc_now()
    )


def _monitor(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return outcomes.check_signals(
        incident_id,
        event.get("previous"),
        s.settings.timing,
        s.incidents,
        s.detector_states,
        s.audit,
        utc_now(),
    )


def _resolve(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return outcomes.resolve(
        incident_id, event.get("resolution"), s.settings.timing, s.incidents, s.links, s.audit, utc_now()
    )


def _review(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return outcomes.record_review(incident_id, event.get("decision"), s.incidents, s.audit, utc_now())


def _review_overdue(s: Services, incident_id: str, event: dict[str, Any]) -> dict[str, Any]:
    return outcomes.review_overdue(incident_id, s.incidents, s.links, s.audit, utc_now())


STEPS: dict[str, Step] = {
    "assess": _assess,
    "time_ran_out": _time_ran_out,
    "decide": _decide,
    "unanswered": _unanswered,
    "failed": _failed,
    "monitor": _monitor,
    "resolve": _resolve,
    "review": _review,
    "review_overdue": _review_overdue,
}


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context(log_event=True)  # no task tokens reach this function: its events are safe
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Services | None = None
) -> dict[str, Any]:
    services = services or get_services()
    if not isinstance(event, dict):
        raise InvalidRequestError("the event must be an object")
    step = STEPS.get(str(event.get("step")))
    if step is None:
        raise InvalidRequestError(f"unknown step {event.get('step')!r}; known: {', '.join(STEPS)}")
    incident_id = event.get("incident_id")
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("incident_id is required")
    result = step(services, incident_id, event)
    metrics.add_metric(f"PlanStep_{event['step']}", MetricUnit.Count, 1)
    logger.info("Plan step done", extra={"step": event["step"], "incident_id": incident_id})
    return result
