"""Fan-out: one asynchronous Lambda invocation per (brand, source), so no source waits for another."""

from __future__ import annotations

import json
from typing import Any


class LambdaFanOut:
    def __init__(self, lambda_client: Any, function_name: str) -> None:
        self._lambda = lambda_client
        self._function = function_name

    def dispatch(self, payload: dict[str, Any]) -> None:
        # `Event` returns at once; Lambda retries a failed invocation twice, then its failure destination.
        self._lambda.invoke(FunctionName=self._function, InvocationType="Event", Payload=json.dumps(payload))
