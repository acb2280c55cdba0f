"""WriteReportFunction: the post-crisis report, written to the reports bucket as an incident ends."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.observability import count, entry_point, logger
from crisiswatch.task_events import incident_id_of
from crisiswatch.web.report_files import report_files
from crisiswatch.wiring import Container, use_cases


@entry_point(log_event=True)
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    incident_id = incident_id_of(event)
    where = root.reporting.write(incident_id, report_files, ending=str(event.get("ending") or "") or None)
    count("ReportsWritten")
    logger.info("Report written", extra={"incident_id": incident_id, "where": where})
    return {"report": where}
