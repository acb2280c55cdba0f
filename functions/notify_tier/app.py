"""NotifyTierFunction: a `waitForTaskToken` task that sends a tier its action links."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.domain.clock import utc_now
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.usecases.escalation import notify_tier
from crisiswatch.wiring import Services, get_services

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics
@tracer.capture_lambda_handler
@logger.inject_lambda_context(log_event=False)  # the event holds the task token: never log it
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Services | None = None
) -> dict[str, Any]:
    services = services or get_services()
    try:
        incident_id = str(event["incident_id"])
        tier = int(event["tier"])
        timeout = timedelta(seconds=int(event["timeout_seconds"]))
        task_token = str(event["task_token"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidRequestError(f"malformed notify request: {error!r}") from None
    recipients = services.settings.tier_recipients.get(tier, [])
    sent = notify_tier(
        incident_id,
        tier,
        task_token,
        recipients,
        timeout,
        services.settings.action_base_url,
        services.incidents,
        services.links,
        services.notifier,
        services.audit,
        utc_now(),
    )
    metrics.add_metric("NotificationsSent", MetricUnit.Count, len(sent))
    logger.info("Tier notified", extra={"incident_id": incident_id, "tier": tier, "recipients": len(sent)})
    return {"notified": sent}
