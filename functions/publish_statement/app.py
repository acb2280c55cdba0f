"""PublishStatementFunction: post the approved statement and announce it on the comms channel."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.usecases.outcomes import publish_statement
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
    incident_id = event.get("incident_id") if isinstance(event, dict) else None
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("incident_id is required")
    result = publish_statement(
        incident_id, services.publisher, services.comms, services.incidents, services.audit, utc_now()
    )
    if not result.get("already"):
        metrics.add_metric("StatementsPublished", MetricUnit.Count, 1)
    logger.info("Statement published", extra={"incident_id": incident_id, "ref": result["ref"]})
    return result
