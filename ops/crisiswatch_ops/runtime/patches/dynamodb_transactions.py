"""Patch: ``TransactWriteItems`` that costs what it touches, not the size of the tables.

moto 5.2.5 backs a transaction up by deep-copying every table it names, once per action, so a
transaction of 50 actions on a table of N items costs 50 copies of N items: the scoring function's
per-batch transaction grew from milliseconds to seconds as a replay filled the tables.

This version checks every condition first against the current items (DynamoDB forbids two actions on
one item, so the checks cannot interfere), cancels with per-action reasons exactly as moto does when
any fails, and only then applies the writes, keeping a copy of just the items it changes so an
unexpected error part-way can put them back.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

from . import _patching

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}
# DynamoDB isolates transactions from each other; moto's server is threaded, so serialise them.
_LOCK = threading.Lock()


def _key_of(backend: Any, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _check(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    """Evaluate every action's condition; the reasons list has one entry per action, as in AWS."""
    reasons: list[tuple[Any, Any, Any]] = []
    seen: set[tuple[str, str]] = set()
    for action in transact_items:
        if len(action) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(action.items()))
        try:
            if op_type not in _OPERATIONS:
                raise ValueError("Unsupported transaction operation")
            key = _key_of(backend, op_type, op)
            marker = (str(op["TableName"]), str(dict(sorted(key.items()))))
            if marker in seen:
                raise MultipleTransactionsException()
            seen.add(marker)
            current = backend.get_item(op["TableName"], key)
            expression = op.get("ConditionExpression")
            if expression is not None:
                condition = get_filter_expression(
                    expression, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                )
                if not condition.expr(current):
                    old = None
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old = current.to_json()["Attributes"]
                    reasons.append(("ConditionalCheckFailed", ConditionalCheckFailed().message, old))
                    continue
            reasons.append((None, None, None))
        except MultipleTransactionsException:
            raise
        except Exception as error:
            reasons.append((type(error).__name__, str(error), None))
    return reasons


def _apply_one(backend: Any, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(
            op["TableName"], op["Item"], expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Delete":
        backend.delete_item(
            op["TableName"], key, expression_attribute_names=names, expression_attribute_values=values
        )
    elif op_type == "Update":
        backend.update_item(
            op["TableName"],
            key,
            update_expression=op["UpdateExpression"],
            expression_attribute_names=names,
            expression_attribute_values=values,
        )


def _transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _LOCK:
        reasons = _check(self, transact_items)
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
        backups: list[tuple[str, dict[str, Any], Any]] = []
        try:
            for action in transact_items:
                op_type, op = next(iter(action.items()))
                if op_type == "ConditionCheck":
                    continue
                key = _key_of(self, op_type, op)
                backups.append((op["TableName"], key, copy.deepcopy(self.get_item(op["TableName"], key))))
                _apply_one(self, op_type, op, key)
        except Exception:
            for table_name, key, item in reversed(backups):
                if item is None:
                    self.delete_item(table_name, key)
                else:
                    self.put_item(table_name, item.to_json()["Attributes"])
            raise


def apply() -> None:
    _patching.replace(DynamoDBBackend, "transact_write_items", _transact_write_items)
