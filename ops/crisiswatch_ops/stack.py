"""Find a deployed CrisisWatch stack (in AWS or in the embedded runtime) and bind the core to it.

The endpoint is never chosen here: boto3 and PynamoDB read `AWS_ENDPOINT_URL` from the environment, so
the same commands work against AWS and against the local runtime.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from crisiswatch.adapters.tables import bind_tables
from crisiswatch.config import Settings, Tables
from crisiswatch.wiring import Services, UseCases

DEFAULT_STACK = "crisiswatch"


class StackNotFoundError(RuntimeError):
    """No such stack, or one without an output a command needs."""

    hint = (
        "name it with --stack or CRISISWATCH_STACK_NAME; for the embedded runtime, use `make local`'s exports"
    )


def _default_client(service: str) -> Any:
    return boto3.client(service)  # type: ignore[call-overload]


@dataclass(frozen=True)
class Stack:
    name: str
    outputs: dict[str, str]
    make_client: Callable[[str], Any] = field(default=_default_client, repr=False, compare=False)
    """boto3 clients for this stack; the environment decides the endpoint unless a runtime gives its own."""

    @classmethod
    def find(cls, name: str | None = None) -> Stack:
        stack_name = name or os.environ.get("CRISISWATCH_STACK_NAME") or DEFAULT_STACK
        client = _default_client("cloudformation")
        try:
            found = client.describe_stacks(StackName=stack_name)["Stacks"]
        except ClientError as error:
            # CloudFormation says "Stack with id X does not exist" as a ValidationError; anything else
            # (access denied, expired credentials) is not a missing stack and is explained elsewhere.
            if "does not exist" not in str(error.response.get("Error", {}).get("Message", "")):
                raise
            raise StackNotFoundError(
                f"no stack named {stack_name!r} at {client.meta.endpoint_url}"
            ) from error
        outputs = {item["OutputKey"]: item["OutputValue"] for item in found[0].get("Outputs", [])}
        return cls(stack_name, outputs)

    def output(self, key: str) -> str:
        try:
            return self.outputs[key]
        except KeyError:
            raise StackNotFoundError(f"stack {self.name!r} has no output {key!r}") from None

    def bind(self) -> None:
        """Point the core's table models at this stack's tables, as `services()` does while it builds the
        root: for code that reads the tables without the root (the demo, the loop tests, the benchmarks)."""
        bind_tables(Tables.from_outputs(self.outputs))

    def services(self) -> Services:
        """The composition root's adapters for this stack: its tables (bound now) and its clients."""
        settings = Settings(
            tables=Tables.from_outputs(self.outputs),
            state_machine_arn=self.outputs.get("EscalationStateMachineArn", ""),
            reports_bucket=self.outputs.get("ReportsBucketName", ""),
            replay_bucket=self.outputs.get("ReplayBucketName", ""),
        )
        return Services(settings, make_client=self.client)

    def use_cases(self) -> UseCases:
        """The same use cases the functions run, on this stack."""
        return UseCases(self.services())

    def client(self, service: str) -> Any:
        return self.make_client(service)

    def dashboard_password(self) -> str:
        """The managers' password for the dashboard (user `manager`), as the stack generated it."""
        secret = self.client("secretsmanager").get_secret_value(
            SecretId=self.output("DashboardPasswordSecretArn")
        )
        return str(secret["SecretString"])
