"""The embedded runtime the crisis-plan tests share: the real template, the loop's test policy, and one
policy minute lasting one second, so a tier's response time is a few seconds."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from crisiswatch_ops.contacts import sync_local
from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
LOOP_POLICY = ROOT / "tests" / "data" / "escalation_policy_loop.toml"
PLAN_PARAMETERS = {
    "PolicyMinuteSeconds": "1",
    "OwnerResponseSeconds": "8",
    "MonitorIntervalSeconds": "2",
    "CalmSeconds": "4",
    "ReviewTimeoutSeconds": "6",
    "WatchlistFile": "",
}
T = TypeVar("T")


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = 60) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def plan_runtime(state: Path, policy: Path = LOOP_POLICY) -> Iterator[LocalRuntime]:
    """A running stack with the policy's contacts subscribed and this process bound to it."""
    saved = dict(os.environ)
    try:
        with LocalRuntime(
            ROOT,
            state,
            parameter_overrides={**PLAN_PARAMETERS, "EscalationPolicyFile": str(policy)},
            build=not (ROOT / ".aws-sam" / "build" / "template.yaml").exists(),
            start_scheduler=False,
        ) as runtime:
            os.environ.update(runtime.environ())
            Stack(runtime.stack_name, runtime.outputs).bind()
            sync_local(runtime)
            yield runtime
    finally:
        os.environ.clear()
        os.environ.update(saved)
