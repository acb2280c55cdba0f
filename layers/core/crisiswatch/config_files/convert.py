"""Validated schemas turned into the domain's frozen dataclasses, field by field."""

from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import AnyUrl, BaseModel

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    Domain = TypeVar("Domain", bound=DataclassInstance)
else:
    Domain = TypeVar("Domain")


def to_domain(model: BaseModel, cls: type[Domain], **converted: object) -> Domain:
    """`cls` built from the validated model's fields of the same names. Lists become tuples and URLs
    strings (the domain is frozen and knows no pydantic type); `converted` gives the fields that need
    more than a copy, such as nested models."""
    values = {
        name: converted[name] if name in converted else plain(getattr(model, name))
        for name in (field.name for field in fields(cls))
    }
    return cls(**values)


def plain(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(plain(item) for item in value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, AnyUrl):
        return str(value)  # pydantic's normal form ("https://host/"): RSS cursors are keyed by it
    return value
