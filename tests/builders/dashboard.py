"""The dashboard function with a seeded store: two incidents, one with a hostile summary."""

from __future__ import annotations

from typing import Any

from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import IncidentChanges, IncidentStatus
from crisiswatch.domain.review.timeline import HistoryEvent
from tests.builders.lambdas import FakeLambdaContext, load_function
from tests.fakes import T0, FakeServices, make_incident

app = load_function("dashboard")
HOSTILE = '<script>alert("x")</script> & "quotes"'


def seeded() -> tuple[FakeServices, str]:
    services = FakeServices()
    incident = make_incident(brand="Acme Coffee", summary=HOSTILE, severity=Severity.SEV2)
    incident.incident_id = "inc-acme-coffee-20240523T1205Z"
    incident.execution_arn = "arn:aws:states:eu-west-1:123456789012:execution:crisiswatch-escalation:x"
    services.incidents.open(incident)
    services.incidents.update(incident.incident_id, IncidentChanges(status=IncidentStatus.REVIEWED))
    other = make_incident(brand="Other Brand", bucket=T0.replace(day=24), severity=Severity.SEV1)
    services.incidents.open(other)
    services.audit.record(
        incident.incident_id, "tier.notified", "crisiswatch", {"tier": 1, "recipients": [HOSTILE]}, T0
    )
    services.history.histories[incident.execution_arn] = [
        HistoryEvent(1, T0, "ExecutionStarted"),
        HistoryEvent(2, T0, "TaskStateEntered", state="Assess And Route"),
    ]
    return services, incident.incident_id


def call(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]
