"""Patch (a): run Lambda code in warm local Python workers instead of Docker.

``moto.awslambda.models.LambdaFunction._invoke_lambda(self, event=None) -> (payload, errored, logs)``
is the only place moto reaches for Docker. The replacement hands the function's code, layers and
configuration to the installed :class:`~crisiswatch_ops.runtime.lambda_runner.LambdaRunner`; with
no runner installed it defers to moto's original. Logs still go to moto's CloudWatch Logs (group
``/aws/lambda/<name>``) as the original did; the returned ``logs`` is the last 4 KB, like
``LogResult`` in AWS. Each invocation also counts towards the function's ``AWS/Lambda`` ``Invocations``
and ``Errors`` metrics (:mod:`..metrics`), and its request id is kept per thread
(:func:`last_request_id`) for the invocation records of on-failure destinations.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from moto.awslambda.models import LambdaFunction, lambda_backends

from .. import metrics
from ..constants import get_logger
from ..lambda_runner import FunctionCode, LambdaRunner, LayerCode
from . import _patching

LOG = get_logger("lambda")
TARGET = (LambdaFunction, "_invoke_lambda")
_STATE_LOCK = threading.Lock()
_RUNNER: LambdaRunner | None = None
_LAST = threading.local()


def last_request_id() -> str | None:
    """The request id of the last invocation this thread ran (None if it ran none)."""
    value = getattr(_LAST, "request_id", None)
    return str(value) if value is not None else None


def install(runner: LambdaRunner | None) -> None:
    """Route invocations to ``runner`` (None restores moto's own behaviour)."""
    global _RUNNER  # noqa: PLW0603 - the single active runner of this process
    with _STATE_LOCK:
        _RUNNER = runner


def installed() -> LambdaRunner | None:
    """The runner invocations currently go to."""
    with _STATE_LOCK:
        return _RUNNER


def apply() -> None:
    _patching.replace(LambdaFunction, "_invoke_lambda", _invoke_lambda)


def function_code(function: Any) -> FunctionCode:
    """Snapshot of a moto ``LambdaFunction`` with its layers' bytes resolved."""
    backend = lambda_backends[function.account_id][function.region]
    layers: list[LayerCode] = []
    for layer in function.layers or []:
        version = backend.layers_versions_by_arn(layer["Arn"])
        if version is None:
            raise ValueError(f"layer {layer['Arn']} of {function.function_name} does not exist")
        layers.append(LayerCode(arn=version.arn, sha256=version.code_digest, zip_bytes=version.code_bytes))
    qualified = re.search(r":function:[^:]+:(\d+)$", function.function_arn)
    return FunctionCode(
        arn=function.function_arn,
        name=function.function_name,
        version=qualified.group(1) if qualified else "$LATEST",
        handler=str(function.handler),
        runtime=str(function.run_time),
        timeout=float(function.timeout),
        memory_mb=int(function.memory_size),
        code_sha256=str(function.code_digest),
        code_zip=function.code_bytes,
        layers=tuple(layers),
        environment=tuple(sorted((str(k), str(v)) for k, v in (function.environment_vars or {}).items())),
        package_type=str(function.package_type),
    )


def _invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
    with _STATE_LOCK:
        runner = _RUNNER
    if runner is None:
        original = _patching.original(*TARGET)
        result: tuple[str, bool, str] = original(self, event=event)
        return result
    self.logs_backend.ensure_log_group(self.logs_group_name)
    if event is None:
        event = {}
    elif isinstance(event, str) and event == "{}":
        event = {}  # moto turns an empty request body into the string "{}"; Lambda passes {}
    if isinstance(event, bytes):
        event = json.loads(event)
    _LAST.request_id = None
    try:
        invocation = runner.invoke(function_code(self), event)
    except Exception as error:  # the runner itself failed: report it like Lambda's service errors
        LOG.warning("could not run %s", self.function_name, exc_info=True)
        payload = {"errorType": "Runtime.Unknown", "errorMessage": f"local runner failed: {error}"}
        metrics.count_invocation(self.account_id, self.region, self.function_name, errored=True)
        return json.dumps(payload), True, ""
    _LAST.request_id = invocation.request_id
    self.save_logs(invocation.logs)
    metrics.count_invocation(self.account_id, self.region, self.function_name, errored=invocation.errored)
    return invocation.payload, invocation.errored, invocation.log_tail
