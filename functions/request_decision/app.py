"""RequestDecisionFunction: a `waitForTaskToken` task that asks people for a decision.

It sends per-recipient action links (or a reminder, or rebinds the request to the new wait) and returns;
the execution waits until a link is used or the task's timeout ends the wait.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.observability import count, entry_point, logger
from crisiswatch.wiring import Container, use_cases


@entry_point(log_event=False)  # the event holds the task token: never log it
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    if not isinstance(event, dict):
        raise InvalidRequestError("the event must be an object")
    incident_id, task_token, cursor = event.get("incident_id"), event.get("task_token"), event.get("cursor")
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("malformed decision request: incident_id must be a non-empty string")
    if not isinstance(task_token, str) or not task_token:
        raise InvalidRequestError("malformed decision request: task_token must be a non-empty string")
    result = root.crisis_plan.request_decision(incident_id, cursor, task_token)
    count("DecisionRequests")
    count("NotificationsSent", int(result.get("sent", 0)))
    logger.info("Decision requested", extra={"incident_id": incident_id, **result})
    return result
