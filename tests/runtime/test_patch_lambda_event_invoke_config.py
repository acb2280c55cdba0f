"""Self-test: a function's event invoke config comes from the template and behaves like AWS's API.

moto 5.2.5 has no CloudFormation model for ``AWS::Lambda::EventInvokeConfig`` and appends on Put and
Update while Get returns the first config.
"""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest
from moto.awslambda.models import LambdaBackend
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

from crisiswatch_ops.runtime import LocalRuntime
from crisiswatch_ops.runtime.patches import _patching
from crisiswatch_ops.runtime.patches.lambda_event_invoke_config import LambdaEventInvokeConfig

from .helpers import zip_bytes

pytestmark = pytest.mark.runtime


def test_moto_alone_has_no_model_and_keeps_the_first_config():
    """The reasons for the patch; if this fails, moto changed and the patch may go."""
    native = {
        model.cloudformation_type()
        for model in CloudFormationModel.__subclasses__()
        if model is not LambdaEventInvokeConfig and model.__module__.startswith("moto.")
    }
    assert "AWS::Lambda::EventInvokeConfig" not in native
    assert parsing.get_model_map()["AWS::Lambda::EventInvokeConfig"] is LambdaEventInvokeConfig

    function = SimpleNamespace(function_arn="arn:aws:lambda:us-east-1:1:function:f", last_modified="x")
    function.event_invoke_config = []
    backend = SimpleNamespace(get_function=lambda name: function)
    put = _patching.original(LambdaBackend, "put_function_event_invoke_config")
    get = _patching.original(LambdaBackend, "get_function_event_invoke_config")
    put(backend, "f", {"MaximumRetryAttempts": 2})
    put(backend, "f", {"MaximumRetryAttempts": 0})
    assert len(function.event_invoke_config) == 2
    assert get(backend, "f")["MaximumRetryAttempts"] == 2  # the change does not show


def _queue_arn(runtime: LocalRuntime, output: str) -> str:
    attributes = runtime.client("sqs").get_queue_attributes(
        QueueUrl=runtime.outputs[output], AttributeNames=["QueueArn"]
    )
    return str(attributes["Attributes"]["QueueArn"])


def test_the_templates_event_invoke_config_reaches_the_function(runtime: LocalRuntime):
    config = runtime.client("lambda").get_function_event_invoke_config(
        FunctionName=runtime.resources["ProbeFunction"]
    )
    assert config["MaximumRetryAttempts"] == 1
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == _queue_arn(
        runtime, "AsyncDeadLetterQueueUrl"
    )
    assert "ProbeFunctionEventInvokeConfig" not in runtime.deployment.stand_ins


def test_put_replaces_and_update_merges(runtime: LocalRuntime):
    client = runtime.client("lambda")
    suffix = uuid.uuid4().hex[:8]
    role = runtime.client("iam").create_role(
        RoleName=f"eic-{suffix}", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    name = client.create_function(
        FunctionName=f"eic-{suffix}",
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": zip_bytes({"app.py": "def handler(event, context):\n    return event\n"})},
    )["FunctionName"]
    client.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=2)
    client.put_function_event_invoke_config(FunctionName=name, MaximumEventAgeInSeconds=120)
    replaced = client.get_function_event_invoke_config(FunctionName=name)
    assert replaced["MaximumEventAgeInSeconds"] == 120 and "MaximumRetryAttempts" not in replaced
    client.update_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    merged = client.get_function_event_invoke_config(FunctionName=name)
    assert (merged["MaximumEventAgeInSeconds"], merged["MaximumRetryAttempts"]) == (120, 0)
