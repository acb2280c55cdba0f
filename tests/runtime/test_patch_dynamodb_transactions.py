"""Self-test: TransactWriteItems checks every condition first, writes all or nothing, and never
copies whole tables (moto 5.2.5 deep-copies each named table once per action)."""

from __future__ import annotations

import inspect
import uuid

import pytest
from moto.dynamodb.exceptions import MultipleTransactionsException, TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Table

from crisiswatch_ops.runtime.patches import _patching, dynamodb_transactions

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"


@pytest.fixture
def backend() -> DynamoDBBackend:
    dynamodb_transactions.apply()
    return dynamodb_backends[ISOLATED_ACCOUNT][REGION]


@pytest.fixture
def table(backend: DynamoDBBackend) -> str:
    name = f"tx-{uuid.uuid4().hex[:8]}"
    backend.create_table(
        name,
        schema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        attr=[{"AttributeName": "pk", "AttributeType": "S"}],
        throughput=None,
        billing_mode="PAY_PER_REQUEST",
        indexes=None,
        global_indexes=None,
        streams=None,
        sse_specification=None,
        tags=None,
        deletion_protection_enabled=False,
        warm_throughput=None,
    )
    backend.put_item(name, {"pk": {"S": "old"}, "n": {"N": "1"}})
    return name


def _put_new(table: str, key: str) -> dict:
    return {
        "Put": {
            "TableName": table,
            "Item": {"pk": {"S": key}},
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def _add(table: str, key: str) -> dict:
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": key}},
            "UpdateExpression": "ADD n :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }


def test_moto_alone_still_copies_whole_tables():
    """The reason for the patch; if this fails, moto changed and the patch may go."""
    original = _patching.original(DynamoDBBackend, "transact_write_items")
    assert list(inspect.signature(original).parameters) == ["self", "transact_items"]
    assert "copy.deepcopy(\n                    self.tables[table_name]" in inspect.getsource(original)


def test_all_writes_apply_when_every_condition_holds(backend, table):
    backend.transact_write_items([_put_new(table, "new"), _add(table, "old")])
    assert backend.get_item(table, {"pk": {"S": "new"}}) is not None
    assert backend.get_item(table, {"pk": {"S": "old"}}).attrs["n"].value == "2"


def test_one_failed_condition_cancels_everything_with_per_action_reasons(backend, table):
    with pytest.raises(TransactionCanceledException) as cancelled:
        backend.transact_write_items(
            [_put_new(table, "fresh"), _add(table, "counter"), _put_new(table, "old")]
        )
    assert "[None, None, ConditionalCheckFailed]" in cancelled.value.message
    assert backend.get_item(table, {"pk": {"S": "fresh"}}) is None
    assert backend.get_item(table, {"pk": {"S": "counter"}}) is None


def test_two_actions_on_one_item_are_refused(backend, table):
    with pytest.raises(MultipleTransactionsException):
        backend.transact_write_items([_add(table, "old"), _add(table, "old")])
    assert backend.get_item(table, {"pk": {"S": "old"}}).attrs["n"].value == "1"


def test_no_table_is_copied(backend, table, monkeypatch):
    def refuse(self, memo):
        raise AssertionError("a whole table was deep-copied")

    monkeypatch.setattr(Table, "__deepcopy__", refuse, raising=False)
    backend.transact_write_items([_put_new(table, f"k{n}") for n in range(50)])
    assert backend.get_item(table, {"pk": {"S": "k49"}}) is not None
