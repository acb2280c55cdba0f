"""Incidents stored before the incident was typed: they load, and writing them back changes no byte."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from crisiswatch.adapters.dynamodb import DynamoIncidentStore
from crisiswatch.domain.response.incidents import IncidentChanges, IncidentStatus
from crisiswatch.domain.response.statements import Channel, StatementKind
from tests.builders.tables import DynamoTables

INCIDENT_ID = "inc-acme-coffee-20240523T1200Z"

# The JSON attributes exactly as the writers before the typed incident stored them (json.dumps of dicts
# built in this key order), from a reviewed drill incident: a revision was approved and published.
HOLDING = {
    "key": "holding-social-product",
    "kind": "holding_statement",
    "channel": "social",
    "label": "Holding statement (social)",
    "text": "We know about the problem with Acme Coffee and we are on it.",
    "template_key": "holding-social-product",
    "revised_by": None,
}
REVISION = {
    **HOLDING,
    "key": "revision-1",
    "label": "Holding statement (social), revised by tier1-primary",
    "text": "We know. More within the hour.",
    "revised_by": "tier1-primary",
}
STORED = {
    "route": json.dumps(
        {
            "rounds": [
                {"tiers": ["responders"], "response_seconds": 15},
                {"tiers": ["comms_lead", "legal"], "response_seconds": 60},
            ],
            "includes_legal": True,
            "minute_seconds": 1,
        }
    ),
    "drafts": json.dumps([HOLDING, REVISION]),
    "statement": json.dumps(
        {
            **REVISION,
            "approved_by": "tier2-primary",
            "approved_at": "2024-05-23T12:04:00Z",
            "ref": "recorded:inc-acme-coffee-20240523T1200Z:social:1716465860",
            "publisher": "recorded",
            "published_at": "2024-05-23T12:04:20Z",
        }
    ),
    "review": json.dumps(
        {
            "response_seconds": {"facts_gathered": 2, "acknowledged": 50, "resolved": 600},
            "resolved_by": "crisiswatch",
            "done_by": "tier1-primary",
            "done_at": "2024-05-23T13:00:00Z",
            "notes": "Reply faster.",
        }
    ),
}


def _put(dynamo: DynamoTables, **attributes: str) -> None:
    item: dict[str, Any] = {
        "incident_id": {"S": INCIDENT_ID},
        "brand": {"S": "Acme Coffee"},
        "severity": {"S": "SEV2"},
        "status": {"S": "reviewed"},
        "opened_at": {"S": "2024-05-23T12:01:00.000000+0000"},
        "detected_bucket": {"S": "2024-05-23T12:00:00.000000+0000"},
        "summary": {"S": "40 mentions in 5 min"},
        "explanation": {"S": "{}"},
        "crisis_types": {"L": [{"S": "product_failure"}]},
        "checklist": {"M": {}},
        **{name: {"S": value} for name, value in attributes.items()},
    }
    dynamo.client.put_item(TableName=dynamo.tables.incidents, Item=item)


def _raw(dynamo: DynamoTables) -> dict[str, Any]:
    item = dynamo.client.get_item(TableName=dynamo.tables.incidents, Key={"incident_id": {"S": INCIDENT_ID}})
    return {name: value.get("S") for name, value in item["Item"].items()}


def test_an_incident_stored_before_the_typed_incident_loads(dynamo: DynamoTables) -> None:
    _put(dynamo, **STORED)

    incident = DynamoIncidentStore().get(INCIDENT_ID)

    assert incident is not None and incident.status is IncidentStatus.REVIEWED
    assert incident.route is not None and incident.route.minute_seconds == 1
    assert incident.route.time_scale == 60.0, "a drill's seconds still read as policy minutes"
    assert incident.tiers_of_round(2) == ["comms_lead", "legal"] and incident.includes_legal
    assert [draft.key for draft in incident.drafts] == ["holding-social-product", "revision-1"]
    assert (
        incident.drafts[0].kind is StatementKind.HOLDING and incident.drafts[1].revised_by == "tier1-primary"
    )
    statement = incident.statement
    assert statement is not None and statement.draft.channel is Channel.SOCIAL
    assert (statement.approved_by, statement.approved_at) == (
        "tier2-primary",
        datetime(2024, 5, 23, 12, 4, tzinfo=UTC),
    )
    assert (statement.publisher, statement.published_at) == (
        "recorded",
        datetime(2024, 5, 23, 12, 4, 20, tzinfo=UTC),
    )
    assert statement.ref and statement.draft.text == "We know. More within the hour."
    review = incident.review
    assert review is not None and review.response_seconds == {
        "facts_gathered": 2,
        "acknowledged": 50,
        "resolved": 600,
    }
    assert (review.resolved_by, review.done_by, review.notes) == (
        "crisiswatch",
        "tier1-primary",
        "Reply faster.",
    )


def test_writing_a_stored_incident_back_changes_no_byte(dynamo: DynamoTables) -> None:
    _put(dynamo, **STORED)
    store = DynamoIncidentStore()
    incident = store.get(INCIDENT_ID)
    assert incident is not None

    store.update(
        INCIDENT_ID,
        IncidentChanges(
            route=incident.route, drafts=incident.drafts, statement=incident.statement, review=incident.review
        ),
    )

    raw = _raw(dynamo)
    assert {name: raw[name] for name in STORED} == STORED


def test_the_shapes_of_earlier_steps_and_older_code_round_trip_too(dynamo: DynamoTables) -> None:
    """Approved but not published, resolved but not reviewed, routed before the policy minute was kept."""
    earlier = {
        "route": json.dumps(
            {"rounds": [{"tiers": ["responders"], "response_seconds": 900}], "includes_legal": False}
        ),
        "drafts": json.dumps([HOLDING]),
        "statement": json.dumps(
            {**HOLDING, "approved_by": "tier1-primary", "approved_at": "2024-05-23T12:04:00Z"}
        ),
        "review": json.dumps({"response_seconds": {"resolved": 600}, "resolved_by": "tier1-primary"}),
    }
    _put(dynamo, **earlier)
    store = DynamoIncidentStore()
    incident = store.get(INCIDENT_ID)
    assert incident is not None and incident.route is not None
    assert incident.route.minute_seconds is None and incident.route.time_scale == 1.0
    assert incident.statement is not None and incident.statement.ref is None
    assert incident.review is not None and incident.review.done_by is None

    store.update(
        INCIDENT_ID,
        IncidentChanges(
            route=incident.route, drafts=incident.drafts, statement=incident.statement, review=incident.review
        ),
    )

    raw = _raw(dynamo)
    assert {name: raw[name] for name in earlier} == earlier


def test_an_incident_not_routed_yet_has_no_route_drafts_statement_or_review(dynamo: DynamoTables) -> None:
    _put(dynamo, route="{}", drafts="[]")

    incident = DynamoIncidentStore().get(INCIDENT_ID)

    assert incident is not None
    assert (incident.route, incident.drafts, incident.statement, incident.review) == (None, (), None, None)
    assert incident.rounds == () and not incident.includes_legal
