"""Read template.yaml with its CloudFormation short forms (!Ref, !GetAtt, !Sub, !If ...) as plain data."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped,unused-ignore]

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"


class CfnLoader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
    """Reads `!Name value` as `{"Fn::Name": value}` and `!Ref x` as `{"Ref": x}`, like CloudFormation."""


def _construct(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    if suffix == "Condition":
        return {"Condition": value}
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _construct)


@cache
def _load() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE_PATH.read_text(encoding="utf-8"), Loader=CfnLoader)
    return loaded


def load_template() -> dict[str, Any]:
    return copy.deepcopy(_load())
