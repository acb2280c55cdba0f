"""PublishStatementFunction: post the approved statement and announce it on the comms channel."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.observability import count, entry_point, logger
from crisiswatch.task_events import incident_id_of
from crisiswatch.wiring import Container, use_cases


@entry_point(log_event=True)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    incident_id = incident_id_of(event)
    result = root.crisis_plan.publish_statement(incident_id)
    if not result.get("already"):
        count("StatementsPublished")
    logger.info("Statement published", extra={"incident_id": incident_id, "ref": result["ref"]})
    return result
