"""RecordOutcomeFunction: the state machine's bookkeeping task (decisions and tier time-outs)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.usecases.escalation import record_decision, record_timeout
from crisiswatch.wiring import Services, get_services

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context(log_event=True)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Services | None = None
) -> dict[str, Any]:
    services = services or get_services()
    kind = event.get("kind")
    incident_id = event.get("incident_id")
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("incident_id is required")
    if kind == "tier_timeout":
        tier = int(event.get("tier", 0))
        record_timeout(incident_id, tier, services.audit, utc_now())
        metrics.add_metric("TierTimeouts", MetricUnit.Count, 1)
        return {"tier": tier, "timed_out": True}
    if kind == "decision":
        outcome = event.get("outcome")
        if not isinstance(outcome, dict):
            raise InvalidRequestError("outcome must be an object")
        incident = record_decision(incident_id, outcome, services.incidents, services.audit, utc_now())
        metrics.add_metric("Decisions", MetricUnit.Count, 1)
        return {
            "status": incident.status.value,
            "decision": incident.decision,
            "decided_by": incident.decided_by,
        }
    raise InvalidRequestError(f"unknown kind {kind!r}")
