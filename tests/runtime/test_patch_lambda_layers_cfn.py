"""Self-test of patch (d): functions created by CloudFormation keep their layers, and a layer's
``Ref`` is its version ARN with the ``LayerName`` it was given."""

from __future__ import annotations

import base64
import inspect
import uuid

from moto.awslambda.models import LambdaFunction, LayerVersion, lambda_backends
from moto.cloudformation import parsing
from moto.iam.models import iam_backends

from crisiswatch_ops.runtime.patches import _patching

from .helpers import ISOLATED_ACCOUNT, zip_bytes

REGION = "us-east-1"


def _role() -> str:
    name = f"fn-{uuid.uuid4().hex[:8]}"
    role = iam_backends[ISOLATED_ACCOUNT]["aws"].create_role(name, "{}", "/", None, "", [], None)
    return str(role.arn)


def _layer(name: str) -> LayerVersion:
    cfn = {
        "Properties": {
            "LayerName": name,
            "Content": {"ZipFile": base64.b64encode(zip_bytes({"python/x.py": ""}))},
        }
    }
    # moto's CloudFormation passes the value of the resource's name property as resource_name
    assert parsing.resource_name_property_from_type("AWS::Lambda::LayerVersion") == "LayerName"
    return LayerVersion.create_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)


def _function_cfn(name: str, layers: list) -> dict:
    return {
        "Properties": {
            "Code": {"ZipFile": "def handler(event, context):\n    return 1\n"},
            "Handler": "index.handler",
            "Role": _role(),
            "Runtime": "python3.11",
            "Layers": layers,
        }
    }


def test_moto_hook_keeps_its_shape():
    original = _patching.original(LambdaFunction, "create_from_cloudformation_json").__func__
    assert list(inspect.signature(original).parameters)[:5] == [
        "cls",
        "resource_name",
        "cloudformation_json",
        "account_id",
        "region_name",
    ]
    # moto still lacks these; if it grows them, check whether the patch is still needed
    assert _patching.original(LayerVersion, "physical_resource_id") is _patching.MISSING
    assert _patching.original(LayerVersion, "cloudformation_name_type").__func__() == "LayerVersion"


def test_moto_alone_still_drops_layers():
    """The reason for patch (d); if this fails, moto fixed it and the patch can go."""
    layer = _layer(f"orig-{uuid.uuid4().hex[:6]}")
    original = _patching.original(LambdaFunction, "create_from_cloudformation_json").__func__
    name = f"orig-{uuid.uuid4().hex[:8]}"
    function = original(LambdaFunction, name, _function_cfn(name, [layer.arn]), ISOLATED_ACCOUNT, REGION)
    assert function.layers == []


def test_cfn_function_keeps_its_layers_and_a_layer_ref_is_its_arn():
    name = f"layers-{uuid.uuid4().hex[:6]}"
    layer = _layer(name)
    assert layer.physical_resource_id == layer.arn  # what !Ref SomeLayer resolves to
    assert layer.arn.endswith(f":layer:{name}:1")  # LayerName honoured
    function_name = f"fn-{uuid.uuid4().hex[:8]}"
    # moto resolves !Ref to physical_resource_id; accept the object too, as older templates produce it
    function = LambdaFunction.create_from_cloudformation_json(
        function_name, _function_cfn(function_name, [layer.arn]), ISOLATED_ACCOUNT, REGION
    )
    assert [entry["Arn"] for entry in function.layers] == [layer.arn]
    stored = lambda_backends[ISOLATED_ACCOUNT][REGION].get_function(function_name)
    assert [entry["Arn"] for entry in stored.get_configuration()["Layers"]] == [layer.arn]
