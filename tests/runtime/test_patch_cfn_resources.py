"""Self-test of the CloudFormation models moto 5.2.5 lacks (SNS subscriptions, Secrets Manager, alarms,
API Gateway's account settings)."""

from __future__ import annotations

import json
import uuid

from moto.apigateway.models import apigateway_backends
from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.models import secretsmanager_backends
from moto.sns.models import sns_backends

from crisiswatch_ops.runtime.patches.cfn_resources import (
    MODELS,
    ApiGatewayAccount,
    CloudWatchAlarm,
    SecretsManagerSecret,
    SnsSubscription,
)

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"


def test_moto_still_has_no_model_of_its_own_for_these_types():
    """If this fails, moto gained native support: compare, and drop ours if it is good enough."""
    ours = {model.cloudformation_type(): model for model in MODELS}
    native = {
        model.cloudformation_type()
        for model in CloudFormationModel.__subclasses__()
        if model not in MODELS and model.__module__.startswith("moto.")
    }
    assert set(ours) == {
        "AWS::SNS::Subscription",
        "AWS::SecretsManager::Secret",
        "AWS::CloudWatch::Alarm",
        "AWS::ApiGateway::Account",
    }
    assert not native & set(ours)
    for resource_type, model in ours.items():
        assert parsing.get_model_map()[resource_type] is model


def test_subscription_with_filter_policy():
    backend = sns_backends[ISOLATED_ACCOUNT][REGION]
    topic = backend.create_topic(f"cfn-{uuid.uuid4().hex[:8]}")
    cfn = {
        "Properties": {
            "TopicArn": topic.arn,
            "Protocol": "email",
            "Endpoint": "a@example.com",
            "FilterPolicyScope": "MessageAttributes",
            "FilterPolicy": {"severity": ["critical"]},
            "RawMessageDelivery": False,
        }
    }
    resource = SnsSubscription.create_from_cloudformation_json("ignored", cfn, ISOLATED_ACCOUNT, REGION)
    attributes = backend.get_subscription_attributes(resource.physical_resource_id)
    assert json.loads(attributes["FilterPolicy"]) == {"severity": ["critical"]}
    assert attributes["FilterPolicyScope"] == "MessageAttributes" and attributes["Protocol"] == "email"
    resource.delete(ISOLATED_ACCOUNT, REGION)
    assert resource.physical_resource_id not in backend.subscriptions


def test_secret_with_generated_password():
    name = f"app-secret-{uuid.uuid4().hex[:8]}"
    cfn = {
        "Properties": {
            "Description": "d",
            "GenerateSecretString": {
                "SecretStringTemplate": '{"username": "approver"}',
                "GenerateStringKey": "password",
                "PasswordLength": 24,
                "ExcludePunctuation": True,
            },
        }
    }
    resource = SecretsManagerSecret.create_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)
    assert resource.physical_resource_id.startswith(
        f"arn:aws:secretsmanager:{REGION}:{ISOLATED_ACCOUNT}:secret:{name}"
    )
    value = secretsmanager_backends[ISOLATED_ACCOUNT][REGION].get_secret_value(name, None, None)
    document = json.loads(value["SecretString"])
    assert document["username"] == "approver" and len(document["password"]) == 24
    assert document["password"].isalnum()


def test_alarm_on_one_metric():
    backend = cloudwatch_backends[ISOLATED_ACCOUNT][REGION]
    name = f"dead-letters-{uuid.uuid4().hex[:8]}"
    topic = f"arn:aws:sns:{REGION}:{ISOLATED_ACCOUNT}:ops"
    cfn = {
        "Properties": {
            "AlarmName": name,
            "AlarmDescription": "Replay the queue.",
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": "dlq"}],
            "Statistic": "Maximum",
            "Period": 300,
            "EvaluationPeriods": 1,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [topic],
            "OKActions": [topic],
        }
    }
    resource = CloudWatchAlarm.create_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)
    assert resource.physical_resource_id == name
    assert resource.get_cfn_attribute("Arn") == f"arn:aws:cloudwatch:{REGION}:{ISOLATED_ACCOUNT}:alarm:{name}"
    alarm = backend.alarms[name]
    assert (alarm.namespace, alarm.metric_name, alarm.period, alarm.threshold) == (
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        300,
        0.0,
    )
    assert [(d.name, d.value) for d in alarm.dimensions] == [("QueueName", "dlq")]
    assert alarm.alarm_actions == alarm.ok_actions == [topic]
    assert (alarm.treat_missing_data, alarm.description) == ("notBreaching", "Replay the queue.")
    resource.delete(ISOLATED_ACCOUNT, REGION)
    assert name not in backend.alarms


def test_metric_math_alarm():
    backend = cloudwatch_backends[ISOLATED_ACCOUNT][REGION]
    name = f"errors-{uuid.uuid4().hex[:8]}"

    def errors(query_id: str, function: str) -> dict:
        metric = {"Namespace": "AWS/Lambda", "MetricName": "Errors"}
        metric["Dimensions"] = [{"Name": "FunctionName", "Value": function}]
        return {
            "Id": query_id,
            "ReturnData": False,
            "MetricStat": {"Metric": metric, "Period": 300, "Stat": "Sum"},
        }

    cfn = {
        "Properties": {
            "Metrics": [
                {"Id": "total", "Expression": "SUM(METRICS())", "Label": "All", "ReturnData": True},
                errors("a", "fn-a"),
                errors("b", "fn-b"),
            ],
            "EvaluationPeriods": 1,
            "Threshold": 0,
            "ComparisonOperator": "GreaterThanThreshold",
        }
    }
    CloudWatchAlarm.create_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)
    queries = backend.alarms[name].metric_data_queries
    assert [(q.id, q.return_data, q.expression) for q in queries] == [
        ("total", True, "SUM(METRICS())"),
        ("a", False, None),
        ("b", False, None),
    ]
    stat = queries[2].metric_stat
    assert stat is not None and (stat.metric.namespace, stat.metric.metric_name, stat.stat) == (
        "AWS/Lambda",
        "Errors",
        "Sum",
    )
    assert [(d.name, d.value) for d in stat.metric.dimensions] == [("FunctionName", "fn-b")]
    CloudWatchAlarm.delete_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)
    assert name not in backend.alarms


def test_api_gateway_account_sets_the_logging_role_and_keeps_it_on_delete():
    backend = apigateway_backends[ISOLATED_ACCOUNT][REGION]
    role = f"arn:aws:iam::{ISOLATED_ACCOUNT}:role/apigw-logs-{uuid.uuid4().hex[:8]}"
    cfn = {"Properties": {"CloudWatchRoleArn": role}}

    resource = ApiGatewayAccount.create_from_cloudformation_json("ignored", cfn, ISOLATED_ACCOUNT, REGION)

    assert backend.get_account().cloudwatch_role_arn == role
    assert resource.physical_resource_id
    resource.delete(ISOLATED_ACCOUNT, REGION)
    assert backend.get_account().cloudwatch_role_arn == role
