"""ScoreMentionsFunction: score new mentions from the table's stream, update buckets, run the detector."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.adapters.dynamodb import mention_from_item
from crisiswatch.adapters.tables import MentionItem
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.domain.response.incidents import Incident
from crisiswatch.observability import entry_point, logger, metrics
from crisiswatch.usecases.detection import RaiseNotice
from crisiswatch.usecases.escalation_raise import tell_of_raise
from crisiswatch.wiring import Container, use_cases

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def raise_notifier(services: Container) -> RaiseNotice | None:
    """Tells the raised severity's route through the contacts topic; None without a policy or topic
    (the raise is still recorded on the incident and in its audit trail)."""
    if not services.settings.policy_file or not services.settings.contacts_topic:
        return None

    def tell(incident: Incident, previous: Severity, reason: str, at: datetime) -> None:
        try:
            sent = tell_of_raise(incident, previous, reason, at, services)
        except Exception:
            # The raise is recorded; a notice that failed must not fail the batch (the counts are in).
            logger.exception("Severity raise notice failed", extra={"incident_id": incident.incident_id})
            metrics.add_metric("RaiseNoticeErrors", MetricUnit.Count, 1)
            return
        logger.info(
            "Severity raised",
            extra={
                "incident_id": incident.incident_id,
                "from": previous.value,
                "to": incident.severity.value,
            },
        )
        metrics.add_metric("SeverityRaised", MetricUnit.Count, 1)
        metrics.add_metric("RaiseNoticesSent", MetricUnit.Count, sent)

    return tell


@entry_point()
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    newest: dict[str, datetime] = {}
    oldest: dict[str, datetime] = {}
    parsed: list[Mention] = []

    def read_record(record: DynamoDBRecord) -> None:
        mention = mention_from_item(MentionItem.from_raw_data(record.raw_event["dynamodb"]["NewImage"]))
        parsed.append(mention)
        newest[mention.brand] = max(newest.get(mention.brand, mention.created_at), mention.created_at)
        oldest[mention.brand] = min(oldest.get(mention.brand, mention.created_at), mention.created_at)

    response = process_partial_response(event, read_record, processor, context)
    # One transaction per chunk of the batch; a failure fails the invocation and the stream retries the
    # whole batch, which the ledgers of counted mentions make harmless.
    # A mention stored without a language (before identification at ingest, or a drill's) is identified
    # here; the others are read in the language stored with them.
    detection = replace(root.detection, on_raise=raise_notifier(root.services))
    scored = detection.count(parsed)
    metrics.add_metric("MentionsScored", MetricUnit.Count, len(scored))
    metrics.add_metric("NegativeMentions", MetricUnit.Count, sum(score.negative for _, score in scored))
    metrics.add_metric(
        "CrisisTypedMentions", MetricUnit.Count, sum(bool(score.crisis_types) for _, score in scored)
    )
    for brand, now in newest.items():
        try:
            incident = detection.detect(brand, now, oldest=oldest[brand], batch=scored)
        except Exception:
            # The counts are stored; the next batch runs the detector from its saved state again.
            logger.exception("Detection failed", extra={"brand": brand})
            metrics.add_metric("DetectionErrors", MetricUnit.Count, 1)
            continue
        if incident:
            logger.info("Incident opened", extra={"incident_id": incident.incident_id})
            metrics.add_metric("IncidentsOpened", MetricUnit.Count, 1)
    return dict(response)
