"""Reading SAM/CloudFormation templates: YAML with the short intrinsic tags (``!Ref``, ``!Sub``...).

``sam build`` writes the long form, but a hand-written template uses the short tags; both load to
the same plain dict so the rest of the runtime only sees the JSON form CloudFormation uses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]  # types-PyYAML is optional

_SHORT_TAGS = (
    "And",
    "Base64",
    "Cidr",
    "Equals",
    "FindInMap",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "ToJsonString",
    "Length",
)


class _CfnLoader(yaml.SafeLoader):  # type: ignore[misc, unused-ignore]
    """SafeLoader that understands CloudFormation's short-form tags."""


def _construct(loader: _CfnLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node, deep=True)


def _make_constructor(name: str) -> Any:
    def construct(loader: _CfnLoader, node: yaml.Node) -> dict[str, Any]:
        return {f"Fn::{name}": _construct(loader, node)}

    return construct


def _construct_ref(loader: _CfnLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Ref": _construct(loader, node)}


def _construct_condition(loader: _CfnLoader, node: yaml.Node) -> dict[str, Any]:
    return {"Condition": _construct(loader, node)}


def _construct_getatt(loader: _CfnLoader, node: yaml.Node) -> dict[str, Any]:
    value = _construct(loader, node)
    if isinstance(value, str):  # !GetAtt Resource.Attribute
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {"Fn::GetAtt": value}


for _tag in _SHORT_TAGS:
    _CfnLoader.add_constructor(f"!{_tag}", _make_constructor(_tag))
_CfnLoader.add_constructor("!Ref", _construct_ref)
_CfnLoader.add_constructor("!Condition", _construct_condition)
_CfnLoader.add_constructor("!GetAtt", _construct_getatt)


def load_template(path: Path) -> dict[str, Any]:
    """Parse a template file (YAML or JSON) into CloudFormation's JSON form."""
    loaded = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} is not a CloudFormation template (top level is not a mapping)")
    return loaded


def declared_parameters(template: dict[str, Any]) -> dict[str, Any]:
    parameters = template.get("Parameters") or {}
    return dict(parameters) if isinstance(parameters, dict) else {}
