"""DynamoDB tables in moto, created from template.yaml's own key schemas and bound to the PynamoDB models."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from crisiswatch.adapters import tables as models
from tests.builders.tables import MODELS, REGION, DynamoTables, create_tables


@pytest.fixture
def dynamo(aws_offline: None) -> Iterator[DynamoTables]:
    saved = {model: model.Meta.table_name for model in MODELS}
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        tables = create_tables(client)
        models.bind_tables(tables)
        try:
            yield DynamoTables(client, tables)
        finally:
            for model, name in saved.items():
                model.Meta.table_name = name
                model._connection = None
