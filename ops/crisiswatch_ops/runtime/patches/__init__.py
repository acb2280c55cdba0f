"""Fixes to moto 5.2.5, one module each, applied once per process (idempotent).

Each patch has a self-test under ``tests/runtime/`` that fails loudly when a moto upgrade changes
the patched attribute or the behaviour the patch relies on.
"""

from __future__ import annotations

import threading

from . import (
    cfn_resources,
    dynamodb_streams,
    dynamodb_table_cfn,
    dynamodb_transactions,
    lambda_async_invoke,
    lambda_event_invoke_config,
    lambda_invoke,
    lambda_layers_cfn,
    sns_outbox,
    stepfunctions_cfn,
    stepfunctions_execution_name,
    stepfunctions_waits,
)

_LOCK = threading.Lock()
_APPLIED = False


def apply_all() -> None:
    """Install every patch (safe to call any number of times)."""
    global _APPLIED  # noqa: PLW0603 - once per process
    with _LOCK:
        if _APPLIED:
            return
        lambda_invoke.apply()
        lambda_async_invoke.apply()
        lambda_event_invoke_config.apply()
        stepfunctions_cfn.apply()
        stepfunctions_execution_name.apply()
        stepfunctions_waits.apply()
        lambda_layers_cfn.apply()
        dynamodb_streams.apply()
        dynamodb_table_cfn.apply()
        dynamodb_transactions.apply()
        sns_outbox.apply()
        cfn_resources.apply()
        _APPLIED = True


__all__ = [
    "apply_all",
    "cfn_resources",
    "dynamodb_streams",
    "dynamodb_table_cfn",
    "dynamodb_transactions",
    "lambda_async_invoke",
    "lambda_event_invoke_config",
    "lambda_invoke",
    "lambda_layers_cfn",
    "sns_outbox",
    "stepfunctions_cfn",
    "stepfunctions_execution_name",
    "stepfunctions_waits",
]
