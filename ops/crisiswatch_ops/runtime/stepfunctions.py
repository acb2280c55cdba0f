"""``rt.stepfunctions``: the policy clock of the embedded runtime, driven by whoever runs it.

A crisis plan waits for people (``waitForTaskToken`` with a timeout) and for time (Wait states). In a
test or a demo those waits are deployed long, so that nothing runs out while a machine is slow, and time
runs out when the caller says so::

    rt.stepfunctions.expire_wait(execution_arn, state="Ask For A Decision")  # tier 1's time ran out

The execution then carries on exactly as after a real timeout (``States.Timeout``, ``TaskTimedOut`` in
the history, the state's Catch; a Wait state moves on), and whoever answers that wait afterwards gets
``TaskTimedOut``. Waits nobody expires end on their own, on time. There is no such call in AWS: it is
the local runtime's, for tests and demos (patch ``stepfunctions_waits``).
"""

from __future__ import annotations

from .patches import stepfunctions_waits
from .patches.stepfunctions_waits import Wait


class StepFunctionsClock:
    """Ends waits of running executions on demand; see the module docstring."""

    def expire_wait(self, execution_arn: str, state: str | None = None, timeout: float = 30.0) -> Wait:
        """End the execution's current wait (in ``state``, if given) as if its time had run out.

        If the execution is not waiting yet (its message is still being sent, say), waits up to
        ``timeout`` seconds for it to start. Returns once the wait is over. Each wait ends once: a
        second call ends the next wait (a reminder's, the next tier's), waiting for it if need be.
        TimeoutError if the execution did not wait there in time (it may have ended, or be elsewhere).
        """
        return stepfunctions_waits.expire(execution_arn, state, timeout)

    def waits(self, execution_arn: str | None = None) -> list[Wait]:
        """The waits in progress, oldest first (of one execution, or of all)."""
        return stepfunctions_waits.waits(execution_arn)

    @property
    def expired(self) -> int:
        """How many waits were ended early since the process started."""
        return stepfunctions_waits.STATS["expired"]


__all__ = ["StepFunctionsClock", "Wait"]
