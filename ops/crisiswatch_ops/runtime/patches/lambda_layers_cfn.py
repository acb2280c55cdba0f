"""Patch (d): functions created through CloudFormation keep their ``Layers``.

Measured in moto 5.2.5: ``LambdaFunction.create_from_cloudformation_json`` copies a fixed list of
optional properties and ``Layers`` is not on it, so every SAM function loses its layers. Also
``AWS::Lambda::LayerVersion`` has no ``physical_resource_id``, so ``!Ref SomeLayer`` resolves to
the Python object instead of the layer version ARN CloudFormation returns, and its name property
is declared as ``LayerVersion`` instead of ``LayerName`` (so ``LayerName`` is ignored). The patch
gives ``LayerVersion`` that property and name, and re-attaches ``Layers`` to the created function.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import LambdaFunction, LayerVersion, lambda_backends

from . import _patching


def _layer_arn(value: Any) -> str:
    return value if isinstance(value, str) else str(value.arn)


def _attach_layers(function: Any, properties: dict[str, Any], account_id: str, region_name: str) -> None:
    layers = properties.get("Layers") or []
    if layers:
        backend: Any = lambda_backends[account_id][region_name]
        backend.update_function_configuration(
            function.function_name, None, {"Layers": [_layer_arn(layer) for layer in layers]}
        )
        function.code_or_config_updated = False  # creation, not an update


def _layer_physical_resource_id(self: Any) -> str:
    return str(self.arn)


def _layer_name_property() -> str:
    return "LayerName"


def apply() -> None:
    _patching.after_cfn_create(LambdaFunction, _attach_layers)
    _patching.replace(LayerVersion, "physical_resource_id", property(_layer_physical_resource_id))
    _patching.replace(LayerVersion, "cloudformation_name_type", staticmethod(_layer_name_property))
