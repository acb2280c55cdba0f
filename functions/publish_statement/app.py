"""PublishStatementFunction: post the approved statement and announce it on the comms channel."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.wiring import Container, use_cases

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context(log_event=True)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    incident_id = event.get("incident_id") if isinstance(event, dict) else None
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("incident_id is required")
    result = root.crisis_plan.publish_statement(incident_id)
    if not result.get("already"):
        metrics.add_metric("StatementsPublished", MetricUnit.Count, 1)
    logger.info("Statement published", extra={"incident_id": incident_id, "ref": result["ref"]})
    return result
