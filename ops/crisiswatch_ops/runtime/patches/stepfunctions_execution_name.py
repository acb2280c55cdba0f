"""Patch (c): ``StartExecution`` without a name gets a UUID, as in AWS.

moto's parser backend builds the execution ARN from ``name`` as given, so an unnamed execution is
called "None" and the second one fails with ExecutionAlreadyExists.
"""

from __future__ import annotations

import uuid
from typing import Any

from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from . import _patching


def _start_execution(
    self: Any,
    state_machine_arn: str,
    name: str | None = None,
    execution_input: str | None = None,
    trace_header: str | None = None,
) -> Any:
    original = _patching.original(StepFunctionsParserBackend, "start_execution")
    return original(self, state_machine_arn, name or str(uuid.uuid4()), execution_input, trace_header)


def apply() -> None:
    _patching.replace(StepFunctionsParserBackend, "start_execution", _start_execution)
