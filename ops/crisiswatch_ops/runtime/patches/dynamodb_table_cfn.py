"""Tables created through CloudFormation keep their ``TimeToLiveSpecification``.

moto 5.2.5's ``Table.create_from_cloudformation_json`` ignores the property, so DescribeTimeToLive
says DISABLED for a table the template configured. The patch applies it with moto's own
``update_time_to_live`` after creation. (moto never deletes expired items either way: code must
filter expired items on read, as it should in AWS, where deletion lags by up to days.)
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.dynamodb.models.table import Table

from . import _patching


def _apply_ttl(table: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    ttl = properties.get("TimeToLiveSpecification")
    if ttl:
        enabled = ttl.get("Enabled") in (True, "true", "True")
        spec = {"AttributeName": ttl["AttributeName"], "Enabled": enabled}
        dynamodb_backends[account_id][region_name].update_time_to_live(table.name, spec)


def apply() -> None:
    _patching.after_cfn_create(Table, _apply_ttl)
