"""Lambda functions as tests call them: each handler module under a name of its own, the shared sample events
and the context Powertools reads."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"


@dataclass
class FakeLambdaContext:
    """The attributes Powertools reads from a Lambda context."""

    function_name: str = "crisiswatch-dev-Function-1A2B3C4D5E6F"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:crisiswatch-dev-Function"
    memory_limit_in_mb: int = 512
    aws_request_id: str = "0f8a4e9e-6c1b-4a2f-9a57-3d2c1b0a9e8f"
    log_group_name: str = "/aws/lambda/crisiswatch-dev-Function"
    log_stream_name: str = "2024/05/23/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def load_function(folder: str) -> ModuleType:
    """Import functions/<folder>/app.py under a name of its own: every function's module is `app`."""
    name = f"crisiswatch_function_{folder}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "functions" / folder / "app.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def load_event(folder: str, name: str) -> dict[str, Any]:
    return json.loads((EVENTS / folder / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def clone(event: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(event)
