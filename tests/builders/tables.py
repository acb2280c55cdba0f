"""DynamoDB tables in moto, created from template.yaml's own key schemas and bound to the PynamoDB models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.models import Model

from crisiswatch.adapters import tables as models
from crisiswatch.config import Tables
from tests.builders.template import load_template

REGION = "eu-west-1"

# template logical id -> `Tables` field
TABLE_FIELDS = {
    "MentionsTable": "mentions",
    "QuarantineTable": "quarantine",
    "CursorsTable": "cursors",
    "StoriesTable": "stories",
    "BucketsTable": "buckets",
    "DetectorTable": "detector",
    "IncidentsTable": "incidents",
    "ActionLinksTable": "links",
    "AuditTable": "audit",
}
MODELS: list[type[Model]] = [
    models.MentionItem,
    models.QuarantineItem,
    models.CursorItem,
    models.StoryItem,
    models.BucketItem,
    models.DetectorItem,
    models.IncidentItem,
    models.ActionLinkItem,
    models.AuditItem,
]


@dataclass
class DynamoTables:
    client: Any
    tables: Tables


def create_tables(client: Any) -> Tables:
    resources = load_template()["Resources"]
    declared = {name for name, r in resources.items() if r["Type"] == "AWS::DynamoDB::Table"}
    assert declared == set(TABLE_FIELDS), "a table was added or removed: map it to its Tables field"
    names = {}
    for logical_id, field in TABLE_FIELDS.items():
        props = resources[logical_id]["Properties"]
        request: dict[str, Any] = {
            "TableName": f"test-{logical_id}",
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props["BillingMode"],
        }
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        client.create_table(**request)
        names[field] = request["TableName"]
    return Tables(**names)
