"""Step Functions: start one execution per incident, resume waiting tasks, read an execution's history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import TransientError
from ..domain.response.incidents import Incident
from ..domain.review.timeline import HistoryEvent

# AWS answers TaskTimedOut for a token whose wait ended; the local emulator answers InvalidToken.
_DEAD_TOKEN_ERRORS = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


class StepFunctionsCrisisPlan:
    """The crisis plan's executions, on the template's EscalationStateMachine (its deployed logical id)."""

    def __init__(self, sfn_client: Any, state_machine_arn: str) -> None:
        self._sfn = sfn_client
        self._arn = state_machine_arn

    def start(self, incident: Incident) -> str | None:
        try:
            response = self._sfn.start_execution(
                stateMachineArn=self._arn,
                name=incident.incident_id,
                input=json.dumps({"incident": incident.facts()}),
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return None
            raise
        return str(response["executionArn"])

    def succeed(self, task_token: str, output: dict[str, Any]) -> bool:
        try:
            self._sfn.send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in _DEAD_TOKEN_ERRORS:
                return False
            if code in {"ThrottlingException", "ServiceUnavailable", "InternalServerError"}:
                raise TransientError(code) from error
            raise
        except BotoCoreError as error:
            raise TransientError(type(error).__name__) from error
        return True


class StepFunctionsHistory:
    """An execution's history, every page of it: long crises have thousands of events."""

    PAGE_SIZE = 1000
    """The most GetExecutionHistory returns at once."""

    def __init__(self, sfn_client: Any, page_size: int = PAGE_SIZE) -> None:
        self._sfn = sfn_client
        self._page_size = page_size

    def events(self, execution_arn: str) -> Iterator[HistoryEvent]:
        token: str | None = None
        seen: set[int] = set()
        while True:
            request: dict[str, Any] = {"executionArn": execution_arn, "maxResults": self._page_size}
            if token:
                request["nextToken"] = token
            try:
                page = self._sfn.get_execution_history(**request)
            except ClientError as error:
                if error.response["Error"]["Code"] == "ExecutionDoesNotExist":
                    return  # expired (90 days after the run): the audit trail still tells the story
                raise
            for event in page["events"]:
                # The local emulator ignores paging and returns everything each time: never repeat one.
                if event["id"] not in seen:
                    seen.add(event["id"])
                    yield HistoryEvent.from_api(event)
            token = page.get("nextToken")
            if not token:
                return
