"""Patch: a function's event invoke config (retries and destinations of asynchronous invocations).

moto 5.2.5 has two gaps here:

* its CloudFormation has no model for ``AWS::Lambda::EventInvokeConfig`` (what SAM makes of a
  function's ``EventInvokeConfig``), so the deploy dropped it as a stand-in and the function had no
  retry limit and no ``OnFailure`` destination;
* ``PutFunctionEventInvokeConfig`` and ``UpdateFunctionEventInvokeConfig`` *append* a config while
  ``Get...`` returns the first one, so a change never shows. In AWS, Put replaces the whole config and
  Update changes only the fields it names.

The model creates the config through moto's backend as the API would; the two methods are replaced by
the AWS semantics. The asynchronous-invocation patch reads the config with ``Get...``.
"""

from __future__ import annotations

from typing import Any

from moto.awslambda.models import EventInvokeConfig, LambdaBackend, lambda_backends
from moto.cloudformation import parsing
from moto.core.common_models import CloudFormationModel

from . import _patching
from ._cfn_model import BackendModel

_SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


class LambdaEventInvokeConfig(BackendModel, CloudFormationModel):
    """``AWS::Lambda::EventInvokeConfig``; ``Ref`` is ``<function name>:<qualifier>``."""

    TYPE = "AWS::Lambda::EventInvokeConfig"

    def __init__(self, function_name: str, qualifier: str, account_id: str, region_name: str) -> None:
        self.function_name = function_name
        self.qualifier = qualifier
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return f"{self.function_name}:{self.qualifier}"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> LambdaEventInvokeConfig:
        properties = cloudformation_json["Properties"]
        function_name = str(properties["FunctionName"])
        lambda_backends[account_id][region_name].put_function_event_invoke_config(
            function_name, _settings(properties)
        )
        return cls(function_name, str(properties.get("Qualifier", "$LATEST")), account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: LambdaEventInvokeConfig,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> LambdaEventInvokeConfig:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        function_name = str(cloudformation_json["Properties"]["FunctionName"])
        lambda_backends[account_id][region_name].get_function(function_name).event_invoke_config = []

    def delete(self, account_id: str, region_name: str) -> None:
        function = lambda_backends[account_id][self.region_name].get_function(self.function_name)
        function.event_invoke_config = []


def _settings(properties: dict[str, Any]) -> dict[str, Any]:
    """The API's config from CloudFormation properties (numbers may arrive as strings from a Ref)."""
    settings: dict[str, Any] = {}
    for name in _SETTINGS:
        if name in properties:
            value = properties[name]
            settings[name] = int(value) if name != "DestinationConfig" else value
    return settings


def _put(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """PutFunctionEventInvokeConfig: the given config replaces any earlier one."""
    function = self.get_function(function_name)
    replacement = EventInvokeConfig(function.function_arn, function.last_modified, dict(config))
    function.event_invoke_config = [replacement]
    response: dict[str, Any] = replacement.response()
    return response


def _update(self: Any, function_name: str, config: dict[str, Any]) -> dict[str, Any]:
    """UpdateFunctionEventInvokeConfig: only the named settings change."""
    function = self.get_function(function_name)
    current = dict(function.event_invoke_config[0].config) if function.event_invoke_config else {}
    return _put(self, function_name, {**current, **config})


def apply() -> None:
    _patching.replace(LambdaBackend, "put_function_event_invoke_config", _put)
    _patching.replace(LambdaBackend, "update_function_event_invoke_config", _update)
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    model = LambdaEventInvokeConfig
    if parsing.get_model_map().get(model.cloudformation_type()) is not model:
        raise RuntimeError("moto did not register AWS::Lambda::EventInvokeConfig")
