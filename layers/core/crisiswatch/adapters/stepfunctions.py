"""Step Functions: start one execution per incident, and resume waiting tasks."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from ..domain.errors import TransientError
from ..domain.incidents import Incident

# AWS answers TaskTimedOut for a token whose wait ended; the local emulator answers InvalidToken.
_DEAD_TOKEN_ERRORS = {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}


class StepFunctionsEscalation:
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
