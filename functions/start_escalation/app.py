"""StartEscalationFunction: start the crisis plan once per new incident (named by its id)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.observability import count, entry_point, logger
from crisiswatch.wiring import Container, use_cases

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@entry_point()
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)

    def start_record(record: DynamoDBRecord) -> None:
        incident_id = record.raw_event["dynamodb"]["Keys"]["incident_id"]["S"]
        execution_arn = root.crisis_plan.start(incident_id)
        if execution_arn:
            count("EscalationsStarted")
            logger.info("Escalation started", extra={"incident_id": incident_id})
        else:
            logger.info("Escalation already running", extra={"incident_id": incident_id})

    return dict(process_partial_response(event, start_record, processor, context))
