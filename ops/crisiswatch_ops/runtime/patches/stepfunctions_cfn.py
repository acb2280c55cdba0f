"""Patch (b): state machines created by CloudFormation go to moto's executing Step Functions backend.

moto's ``StateMachine.create_from_cloudformation_json`` writes to the inert backend
(``stepfunctions_backends``) and only reads ``DefinitionString``; SAM's ``DefinitionUri`` becomes
``DefinitionS3Location``, which it ignores. The replacements (create, update, delete) use
``stepfunctions_parser_backends``, read the definition from ``DefinitionS3Location`` (moto's S3),
``Definition`` or ``DefinitionString``, and apply ``DefinitionSubstitutions`` here.

Substitution is deliberately dumb: each ``${Key}`` with a key from ``DefinitionSubstitutions`` is
replaced by its (already resolved) value and nothing else changes. Never ``string.Template`` or
moto's ``Fn::Sub``: those turn ``$$.Task.Token`` into ``$.Task.Token``. A ``${X}`` left over after
substitution is an error, reported with the names that are missing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.s3.models import s3_backends
from moto.stepfunctions.models import StateMachine
from moto.stepfunctions.parser.models import stepfunctions_parser_backends
from moto.utilities.utils import get_partition

from . import _patching

PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


class DefinitionSubstitutionError(ValueError):
    """The definition references ``${X}`` placeholders that have no substitution."""


def substitute(definition: str, substitutions: dict[str, Any]) -> str:
    """Replace ``${Key}`` for each key of ``substitutions``; fail on any other ``${...}``."""
    missing = sorted({name for name in PLACEHOLDER.findall(definition) if name not in substitutions})
    if missing:
        raise DefinitionSubstitutionError(
            "state machine definition has placeholders without a DefinitionSubstitutions entry: "
            + ", ".join(f"${{{name}}}" for name in missing)
        )

    def replacement(match: re.Match[str]) -> str:
        value = substitutions[match.group(1)]
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, dict | list):
            raise DefinitionSubstitutionError(
                f"DefinitionSubstitutions value for {match.group(1)} did not resolve to a scalar: {value!r}"
            )
        return str(value)

    return PLACEHOLDER.sub(replacement, definition)


def load_definition(properties: dict[str, Any], account_id: str, region_name: str) -> str:
    """The definition text, with substitutions applied."""
    if "DefinitionS3Location" in properties:
        location = properties["DefinitionS3Location"]
        backend = s3_backends[account_id][get_partition(region_name)]
        key = backend.get_object(location["Bucket"], location["Key"], version_id=location.get("Version"))
        if key is None:
            raise ValueError(
                f"state machine definition s3://{location['Bucket']}/{location['Key']} not found"
            )
        text = key.value.decode("utf-8")
    elif "Definition" in properties:
        text = json.dumps(properties["Definition"])
    elif "DefinitionString" in properties:
        value = properties["DefinitionString"]
        text = value if isinstance(value, str) else json.dumps(value)
    else:
        raise ValueError(
            "AWS::StepFunctions::StateMachine needs Definition, DefinitionString or DefinitionS3Location"
        )
    return substitute(text, properties.get("DefinitionSubstitutions") or {})


def _tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    return [{"key": tag["Key"], "value": tag["Value"]} for tag in properties.get("Tags") or []]


def _create(
    cls: Any,
    /,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    properties = cloudformation_json["Properties"]
    name = properties.get("StateMachineName") or resource_name
    backend = stepfunctions_parser_backends[account_id][region_name]
    return backend.create_state_machine(
        name,
        load_definition(properties, account_id, region_name),
        properties.get("RoleArn", ""),
        tags=_tags(properties),
        loggingConfiguration=properties.get("LoggingConfiguration"),
        tracingConfiguration=properties.get("TracingConfiguration"),
        sm_type=properties.get("StateMachineType", "STANDARD"),
    )


def _delete(
    cls: Any, /, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    stepfunctions_parser_backends[account_id][region_name].delete_state_machine(resource_name)


def _update(  # noqa: PLR0913, PLR0917 - moto's update_from_cloudformation_json, replaced in place
    cls: Any,
    /,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    properties = cloudformation_json.get("Properties", {})
    name = properties.get("StateMachineName", original_resource.name)
    backend: Any = stepfunctions_parser_backends[account_id][region_name]
    if name != original_resource.name:  # replacement, as CloudFormation does for a new name
        created = _create(cls, name, cloudformation_json, account_id, region_name)
        backend.delete_state_machine(original_resource.arn)
        return created
    machine = backend.update_state_machine(
        original_resource.arn,
        definition=load_definition(properties, account_id, region_name),
        role_arn=properties.get("RoleArn") or None,
    )
    backend.tagger.tag_resource(machine.arn, _tags(properties))
    return machine


def apply() -> None:
    _patching.replace(StateMachine, "create_from_cloudformation_json", classmethod(_create))
    _patching.replace(StateMachine, "update_from_cloudformation_json", classmethod(_update))
    _patching.replace(StateMachine, "delete_from_cloudformation_json", classmethod(_delete))
