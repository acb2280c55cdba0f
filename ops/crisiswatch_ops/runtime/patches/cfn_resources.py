"""CloudFormation support moto 5.2.5 lacks, built on moto's own backends.

moto's CloudFormation skips ``AWS::SNS::Subscription``, ``AWS::SecretsManager::Secret``,
``AWS::CloudWatch::Alarm`` and ``AWS::ApiGateway::Account`` with a warning ("No Moto
CloudFormation support"): the resource is never created and ``!Ref`` to it resolves to nothing.
These models create them through moto's SNS, Secrets Manager, CloudWatch and API Gateway backends
exactly as the API calls would (Subscribe + SetSubscriptionAttributes, CreateSecret with
GetRandomPassword, PutMetricAlarm, UpdateAccount), so filter policies, generated secrets, alarms and
the account's logging role behave as moto implements them. moto never evaluates an alarm: the
runtime's :mod:`..alarms` does, for single-metric alarms.

moto discovers CloudFormation models through ``CloudFormationModel.__subclasses__()`` behind
``lru_cache``; importing this module defines the classes and ``apply`` clears those caches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

from moto.apigateway.models import apigateway_backends
from moto.cloudformation import parsing
from moto.cloudwatch.models import Dimension, Metric, MetricDataQuery, MetricStat, cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.models import secretsmanager_backends
from moto.sns.models import sns_backends

from ._cfn_model import BackendModel

#: Order matters: moto validates a FilterPolicy against the scope already set.
_SUBSCRIPTION_ATTRIBUTES = (
    "FilterPolicyScope",
    "FilterPolicy",
    "RawMessageDelivery",
    "RedrivePolicy",
    "DeliveryPolicy",
    "SubscriptionRoleArn",
)


class SnsSubscription(BackendModel, CloudFormationModel):
    """``AWS::SNS::Subscription``; ``Ref`` is the subscription ARN."""

    TYPE = "AWS::SNS::Subscription"
    ATTRIBUTES: ClassVar[Mapping[str, str]] = {"Arn": "arn"}

    def __init__(self, arn: str, account_id: str, region_name: str) -> None:
        self.arn = arn
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> SnsSubscription:
        properties = cloudformation_json["Properties"]
        region = properties.get("Region") or region_name
        backend = sns_backends[account_id][region]
        subscription = backend.subscribe(
            properties["TopicArn"], properties.get("Endpoint"), properties["Protocol"]
        )
        for name in _SUBSCRIPTION_ATTRIBUTES:
            if name in properties:
                backend.set_subscription_attributes(
                    subscription.arn, name, _attribute_value(properties[name])
                )
        return cls(subscription.arn, account_id, region)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        sns_backends[account_id][region_name].unsubscribe(resource_name)

    def delete(self, account_id: str, region_name: str) -> None:
        sns_backends[account_id][self.region_name].unsubscribe(self.arn)


def _attribute_value(value: Any) -> str:
    """CloudFormation gives JSON objects and booleans; the SNS API takes strings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class SecretsManagerSecret(BackendModel, CloudFormationModel):
    """``AWS::SecretsManager::Secret``; ``Ref`` is the secret ARN."""

    TYPE = "AWS::SecretsManager::Secret"
    NAME_PROPERTY = "Name"
    ATTRIBUTES: ClassVar[Mapping[str, str]] = {"Id": "arn", "Arn": "arn"}

    def __init__(self, arn: str, name: str, region_name: str) -> None:
        self.arn = arn
        self.name = name
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> SecretsManagerSecret:
        properties = cloudformation_json["Properties"]
        backend = secretsmanager_backends[account_id][region_name]
        secret_string = properties.get("SecretString")
        if secret_string is None and "GenerateSecretString" in properties:
            secret_string = _generate(backend, properties["GenerateSecretString"])
        created = json.loads(
            backend.create_secret(
                name=resource_name,
                secret_string=secret_string,
                secret_binary=None,
                description=properties.get("Description"),
                tags=properties.get("Tags"),
                kms_key_id=properties.get("KmsKeyId"),
                client_request_token=None,
                replica_regions=[],
                force_overwrite=False,
            )
        )
        return cls(created["ARN"], created["Name"], region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: SecretsManagerSecret,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> SecretsManagerSecret:
        properties = cloudformation_json["Properties"]
        backend: Any = secretsmanager_backends[account_id][region_name]  # None is valid for these args
        if "SecretString" in properties:
            backend.put_secret_value(
                secret_id=original_resource.arn,
                secret_string=properties["SecretString"],
                secret_binary=None,
                client_request_token=None,
                version_stages=["AWSCURRENT"],
            )
        return original_resource

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        secretsmanager_backends[account_id][region_name].delete_secret(resource_name, None, True)

    def delete(self, account_id: str, region_name: str) -> None:
        secretsmanager_backends[account_id][self.region_name].delete_secret(self.arn, None, True)


def _generate(backend: Any, spec: dict[str, Any]) -> str:
    """What CloudFormation's GenerateSecretString produces, using moto's GetRandomPassword."""
    password = json.loads(
        backend.get_random_password(
            password_length=int(spec.get("PasswordLength", 32)),
            exclude_characters=spec.get("ExcludeCharacters", ""),
            exclude_numbers=_flag(spec.get("ExcludeNumbers")),
            exclude_punctuation=_flag(spec.get("ExcludePunctuation")),
            exclude_uppercase=_flag(spec.get("ExcludeUppercase")),
            exclude_lowercase=_flag(spec.get("ExcludeLowercase")),
            include_space=_flag(spec.get("IncludeSpace")),
            require_each_included_type=_flag(spec.get("RequireEachIncludedType", True)),
        )
    )["RandomPassword"]
    template = spec.get("SecretStringTemplate")
    key = spec.get("GenerateStringKey")
    if template is None and key is None:
        return str(password)
    if template is None or key is None:
        raise ValueError(
            "GenerateSecretString needs both SecretStringTemplate and GenerateStringKey, or neither"
        )
    document = json.loads(template)
    document[key] = password
    return json.dumps(document)


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


class CloudWatchAlarm(BackendModel, CloudFormationModel):
    """``AWS::CloudWatch::Alarm`` (one metric or metric math); ``Ref`` is the alarm name."""

    TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    ATTRIBUTES: ClassVar[Mapping[str, str]] = {"Arn": "arn"}

    def __init__(self, name: str, arn: str, region_name: str) -> None:
        self.name = name
        self.arn = arn
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> CloudWatchAlarm:
        properties = cloudformation_json["Properties"]
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name,
            namespace=properties.get("Namespace"),
            metric_name=properties.get("MetricName"),
            metric_data_queries=[_query(q) for q in properties["Metrics"]]
            if "Metrics" in properties
            else None,
            comparison_operator=properties["ComparisonOperator"],
            evaluation_periods=int(properties["EvaluationPeriods"]),
            datapoints_to_alarm=_int_or_none(properties.get("DatapointsToAlarm")),
            period=_int_or_none(properties.get("Period")),  # type: ignore[arg-type]  # None with Metrics
            threshold=float(properties["Threshold"]),
            statistic=properties.get("Statistic"),
            extended_statistic=properties.get("ExtendedStatistic"),
            description=properties.get("AlarmDescription", ""),
            dimensions=list(properties.get("Dimensions", [])),
            alarm_actions=list(properties.get("AlarmActions", [])),
            ok_actions=list(properties.get("OKActions", [])),
            insufficient_data_actions=list(properties.get("InsufficientDataActions", [])),
            unit=properties.get("Unit"),
            actions_enabled=_flag(properties.get("ActionsEnabled", True)),
            treat_missing_data=properties.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=properties.get("ThresholdMetricId"),
            tags=properties.get("Tags"),
        )
        return cls(alarm.name, alarm.alarm_arn, region_name)

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([resource_name])

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[account_id][self.region_name].delete_alarms([self.name])


def _query(query: dict[str, Any]) -> MetricDataQuery:
    """One item of an alarm's ``Metrics``, as moto's PutMetricAlarm handler builds it."""
    stat = query.get("MetricStat")
    metric_stat = None
    if stat:
        metric = stat["Metric"]
        metric_stat = MetricStat(
            metric=Metric(
                metric_name=metric["MetricName"],
                namespace=metric["Namespace"],
                dimensions=[Dimension(d["Name"], d["Value"]) for d in metric.get("Dimensions", [])],
            ),
            period=stat["Period"],
            stat=stat["Stat"],
            unit=stat.get("Unit"),
        )
    return MetricDataQuery(
        query_id=query["Id"],
        label=query.get("Label"),  # type: ignore[arg-type]  # moto annotates str, accepts None
        period=query.get("Period"),  # type: ignore[arg-type]
        return_data=query.get("ReturnData", True),
        expression=query.get("Expression"),
        metric_stat=metric_stat,
    )


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


class ApiGatewayAccount(BackendModel, CloudFormationModel):
    """``AWS::ApiGateway::Account``: the region's CloudWatch role for API Gateway logs.

    As in AWS, deleting the resource leaves the account setting as it is. ``Ref`` is a fixed id.
    """

    TYPE = "AWS::ApiGateway::Account"

    def __init__(self, account_id: str, region_name: str) -> None:
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return f"apigateway-account-{self.account_id}"

    @classmethod
    def create_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> ApiGatewayAccount:
        role = (cloudformation_json.get("Properties") or {}).get("CloudWatchRoleArn")
        if role:
            apigateway_backends[account_id][region_name].update_account(
                [{"op": "replace", "path": "/cloudwatchRoleArn", "value": role}]
            )
        return cls(account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ApiGatewayAccount,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> ApiGatewayAccount:
        return cls.create_from_cloudformation_json(
            new_resource_name, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        return None

    def delete(self, account_id: str, region_name: str) -> None:
        return None


#: Every model above, checked by ``apply``.
MODELS: tuple[type[CloudFormationModel], ...] = (
    SnsSubscription,
    SecretsManagerSecret,
    CloudWatchAlarm,
    ApiGatewayAccount,
)


def apply() -> None:
    """Make moto's CloudFormation see the models defined above."""
    for cached in (parsing.get_model_list, parsing.get_model_map, parsing.get_name_type_map):
        cached.cache_clear()
    model_map = parsing.get_model_map()
    for model in MODELS:
        if model_map.get(model.cloudformation_type()) is not model:
            raise RuntimeError(f"moto did not register {model.cloudformation_type()}")
