"""Self-test: tables created through CloudFormation keep their TimeToLiveSpecification."""

from __future__ import annotations

import inspect
import uuid

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from crisiswatch_ops.runtime.patches import _patching

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"


def _cfn(ttl: dict | None) -> dict:
    properties = {
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if ttl:
        properties["TimeToLiveSpecification"] = ttl
    return {"Properties": properties}


def test_moto_alone_still_ignores_ttl():
    """The reason for the patch; if this fails, moto handles it and the patch can go."""
    original = _patching.original(Table, "create_from_cloudformation_json").__func__
    assert list(inspect.signature(original).parameters)[:5] == [
        "cls",
        "resource_name",
        "cloudformation_json",
        "account_id",
        "region_name",
    ]
    name = f"ttl-orig-{uuid.uuid4().hex[:8]}"
    original(Table, name, _cfn({"AttributeName": "expiresAt", "Enabled": True}), ISOLATED_ACCOUNT, REGION)
    ttl = dynamodb_backends[ISOLATED_ACCOUNT][REGION].describe_time_to_live(name)
    assert ttl.get("TimeToLiveStatus") != "ENABLED"


def test_ttl_is_applied():
    name = f"ttl-{uuid.uuid4().hex[:8]}"
    Table.create_from_cloudformation_json(
        name, _cfn({"AttributeName": "expiresAt", "Enabled": True}), ISOLATED_ACCOUNT, REGION
    )
    ttl = dynamodb_backends[ISOLATED_ACCOUNT][REGION].describe_time_to_live(name)
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}
