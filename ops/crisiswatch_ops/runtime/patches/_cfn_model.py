"""What moto asks of every CloudFormation model, written once for the runtime's own models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException


class BackendModel:
    """A CloudFormation resource created through one of moto's service backends: mixed in before
    ``CloudFormationModel`` (moto finds models among its *direct* subclasses only).

    A model names its type, the property that names it (if any) and the attributes `Fn::GetAtt` may
    read; an update deletes the old resource and creates the new one unless the model says otherwise.
    """

    TYPE: ClassVar[str]
    NAME_PROPERTY: ClassVar[str] = ""
    ATTRIBUTES: ClassVar[Mapping[str, str]] = {}
    """`Fn::GetAtt` name -> the instance attribute holding its value."""

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        if attribute_name in self.ATTRIBUTES:
            return str(getattr(self, self.ATTRIBUTES[attribute_name]))
        raise UnformattedGetAttTemplateException()

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        original_resource.delete(account_id, region_name)
        return cls.create_from_cloudformation_json(  # type: ignore[attr-defined]  # from the model
            new_resource_name, cloudformation_json, account_id, region_name
        )
