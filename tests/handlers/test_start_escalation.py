"""StartEscalationFunction on the incidents table's KEYS_ONLY stream."""

from __future__ import annotations

from typing import Any

import pytest

from crisiswatch.domain.clock import parse_iso
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.incidents import Incident
from tests.builders.lambdas import FakeLambdaContext, clone, load_event, load_function
from tests.fakes import FakeServices

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

app = load_function("start_escalation")


def sample() -> dict[str, Any]:
    return clone(load_event("start_escalation", "incident_insert"))


SAMPLE_ID = sample()["Records"][0]["dynamodb"]["Keys"]["incident_id"]["S"]


def call(event: dict[str, Any], services: FakeServices) -> dict[str, Any]:
    return app.lambda_handler(event, FakeLambdaContext(), services=services)  # type: ignore[no-any-return]


def open_sample_incident(services: FakeServices) -> None:
    services.incidents.open(
        Incident(
            incident_id=SAMPLE_ID,
            brand="Acme Coffee",
            severity=Severity.SEV2,
            opened_at=parse_iso("2024-05-23T12:08:01Z"),
            detected_bucket=parse_iso("2024-05-23T12:05:00Z"),
            summary="60 mentions in 5 min against 5.0 expected",
        )
    )


def test_a_new_incident_starts_its_escalation_named_by_its_id(services: FakeServices) -> None:
    open_sample_incident(services)

    response = call(sample(), services)

    assert response["batchItemFailures"] == []
    (execution,) = services.workflow.executions.values()
    assert execution.name == SAMPLE_ID
    stored = services.incidents.get(SAMPLE_ID)
    assert stored is not None and stored.execution_arn == execution.arn
    assert services.audit.kinds(SAMPLE_ID) == ["escalation.started"]


def test_a_repeated_record_starts_nothing_new(services: FakeServices) -> None:
    open_sample_incident(services)
    call(sample(), services)

    response = call(sample(), services)

    assert response["batchItemFailures"] == []
    assert len(services.workflow.executions) == 1
    assert services.audit.kinds(SAMPLE_ID) == ["escalation.started"]


def test_an_unknown_incident_fails_only_its_record(services: FakeServices) -> None:
    open_sample_incident(services)
    event = sample()
    ghost = clone(event["Records"][0])
    ghost["dynamodb"]["Keys"]["incident_id"]["S"] = "inc-ghost-20240523T1200Z"
    ghost["dynamodb"]["SequenceNumber"] = "221475600000000012938475699"
    malformed = clone(event["Records"][0])
    malformed["dynamodb"]["Keys"] = {"id": {"S": "wrong key"}}
    malformed["dynamodb"]["SequenceNumber"] = "221475600000000012938475700"
    event["Records"] += [ghost, malformed]

    response = call(event, services)

    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [
        ghost["dynamodb"]["SequenceNumber"],
        malformed["dynamodb"]["SequenceNumber"],
    ]
    assert list(services.workflow.executions) == [SAMPLE_ID]
