"""Self-tests of patches (b) and (c): CloudFormation state machines in the executing backend, with
``DefinitionSubstitutions`` applied literally, and unnamed executions named like AWS names them."""

from __future__ import annotations

import inspect
import json
import time
import uuid

import pytest
from moto.s3.models import s3_backends
from moto.stepfunctions.models import StateMachine, stepfunctions_backends
from moto.stepfunctions.parser.models import StepFunctionsParserBackend, stepfunctions_parser_backends

from crisiswatch_ops.runtime.patches import _patching
from crisiswatch_ops.runtime.patches.stepfunctions_cfn import DefinitionSubstitutionError, substitute

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ISOLATED_ACCOUNT}:role/sfn"
DEFINITION = """{
  "StartAt": "Wait For Token",
  "States": {
    "Wait For Token": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {"FunctionName": "${NotifyFunctionArn}", "Payload": {"token.$": "$$.Task.Token"}},
      "TimeoutSeconds": ${DecisionTimeoutSeconds},
      "End": true
    }
  }
}"""
PASS_MACHINE = '{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}'


def _definition_in_s3() -> dict[str, str]:
    bucket = f"defs-{uuid.uuid4().hex[:12]}"
    backend = s3_backends[ISOLATED_ACCOUNT]["aws"]
    backend.create_bucket(bucket, REGION)
    backend.put_object(bucket, "machine.asl.json", DEFINITION.encode())
    return {"Bucket": bucket, "Key": "machine.asl.json"}


def _cfn(name: str, **properties) -> dict:
    return {"Properties": {"StateMachineName": name, "RoleArn": ROLE, **properties}}


def test_moto_hooks_keep_their_shape():
    for hook, parameters in (
        (
            "create_from_cloudformation_json",
            ["resource_name", "cloudformation_json", "account_id", "region_name"],
        ),
        (
            "delete_from_cloudformation_json",
            ["resource_name", "cloudformation_json", "account_id", "region_name"],
        ),
        (
            "update_from_cloudformation_json",
            ["original_resource", "new_resource_name", "cloudformation_json", "account_id", "region_name"],
        ),
    ):
        original = _patching.original(StateMachine, hook).__func__
        assert list(inspect.signature(original).parameters)[1 : 1 + len(parameters)] == parameters, hook
    start = _patching.original(StepFunctionsParserBackend, "start_execution")
    assert list(inspect.signature(start).parameters) == [
        "self",
        "state_machine_arn",
        "name",
        "execution_input",
        "trace_header",
    ]


def test_moto_alone_still_creates_cfn_machines_in_the_inert_backend():
    """The reason for patch (b); if this fails, moto fixed it and the patch can go."""
    name = f"inert-{uuid.uuid4().hex[:8]}"
    original = _patching.original(StateMachine, "create_from_cloudformation_json").__func__
    machine = original(
        StateMachine, name, _cfn(name, DefinitionString=PASS_MACHINE), ISOLATED_ACCOUNT, REGION
    )
    assert machine in stepfunctions_backends[ISOLATED_ACCOUNT][REGION].state_machines
    assert machine not in stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION].state_machines


def test_cfn_machine_from_s3_definition_lands_in_the_executing_backend_with_literal_substitutions():
    name = f"escalation-{uuid.uuid4().hex[:8]}"
    properties = {
        "DefinitionS3Location": _definition_in_s3(),
        "DefinitionSubstitutions": {
            "NotifyFunctionArn": "arn:aws:lambda:us-east-1:1:function:notify",
            "DecisionTimeoutSeconds": 30,
        },
        "StateMachineType": "STANDARD",
    }
    machine = StateMachine.create_from_cloudformation_json(
        name, _cfn(name, **properties), ISOLATED_ACCOUNT, REGION
    )
    assert machine in stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION].state_machines
    task = json.loads(machine.definition)["States"]["Wait For Token"]
    assert task["Parameters"]["Payload"] == {"token.$": "$$.Task.Token"}  # not "$.Task.Token"
    assert task["Parameters"]["FunctionName"] == "arn:aws:lambda:us-east-1:1:function:notify"
    assert task["TimeoutSeconds"] == 30

    StateMachine.delete_from_cloudformation_json(machine.arn, {}, ISOLATED_ACCOUNT, REGION)
    assert machine not in stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION].state_machines


def test_update_replaces_the_definition_in_the_executing_backend():
    name = f"update-{uuid.uuid4().hex[:8]}"
    machine = StateMachine.create_from_cloudformation_json(
        name, _cfn(name, DefinitionString=PASS_MACHINE), ISOLATED_ACCOUNT, REGION
    )
    new = PASS_MACHINE.replace("Done", "Finished")
    updated = StateMachine.update_from_cloudformation_json(
        machine, name, _cfn(name, DefinitionString=new), ISOLATED_ACCOUNT, REGION
    )
    assert updated.arn == machine.arn and "Finished" in updated.definition


def test_a_placeholder_without_substitution_is_a_clear_error():
    name = f"broken-{uuid.uuid4().hex[:8]}"
    properties = {
        "DefinitionS3Location": _definition_in_s3(),
        "DefinitionSubstitutions": {"NotifyFunctionArn": "x"},
    }
    with pytest.raises(DefinitionSubstitutionError, match=r"\$\{DecisionTimeoutSeconds\}"):
        StateMachine.create_from_cloudformation_json(name, _cfn(name, **properties), ISOLATED_ACCOUNT, REGION)


def test_substitute_changes_placeholders_and_nothing_else():
    text = '{"a": "${A}", "b": "$$.Task.Token", "c": "$.x", "d": "${A}-$B", "n": ${N}, "t": ${T}}'
    assert substitute(text, {"A": "alpha", "N": 3, "T": True}) == (
        '{"a": "alpha", "b": "$$.Task.Token", "c": "$.x", "d": "alpha-$B", "n": 3, "t": true}'
    )


def _wait_done(backend, arn: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = backend.describe_execution(arn).status
        if status != "RUNNING":
            return str(status)
        time.sleep(0.02)
    raise AssertionError("execution did not finish")


def test_unnamed_executions_get_unique_names():
    backend = stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION]
    machine = backend.create_state_machine(f"names-{uuid.uuid4().hex[:8]}", PASS_MACHINE, ROLE)
    first = backend.start_execution(machine.arn, None, "{}")
    second = backend.start_execution(machine.arn, None, "{}")
    assert first.name != second.name
    for execution in (first, second):
        uuid.UUID(execution.name)
        assert execution.exec_arn.endswith(f":{execution.name}")
        assert _wait_done(backend, execution.exec_arn) == "SUCCEEDED"


def test_moto_alone_still_names_unnamed_executions_none():
    """The reason for patch (c); if this fails, moto fixed it and the patch can go."""
    backend = stepfunctions_parser_backends[ISOLATED_ACCOUNT][REGION]
    machine = backend.create_state_machine(f"none-{uuid.uuid4().hex[:8]}", PASS_MACHINE, ROLE)
    original = _patching.original(StepFunctionsParserBackend, "start_execution")
    execution = original(backend, machine.arn, None, "{}")
    assert execution.exec_arn.endswith(":None")
    _wait_done(backend, execution.exec_arn)
    with pytest.raises(Exception, match="Execution Already Exists"):
        original(backend, machine.arn, None, "{}")
