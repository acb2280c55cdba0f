"""Self-test of the CloudFormation models moto 5.2.5 lacks (SNS subscriptions, Secrets Manager, alarms)."""

from __future__ import annotations

import json
import uuid

from moto.cloudformation import parsing
from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.secretsmanager.models import secretsmanager_backends
from moto.sns.models import sns_backends

from crisiswatch_ops.runtime.patches.cfn_resources import (
    CloudWatchAlarm,
    SecretsManagerSecret,
    SnsSubscription,
)

from .helpers import ISOLATED_ACCOUNT

REGION = "us-east-1"


def test_moto_still_has_no_model_of_its_own_for_these_types():
    """If this fails, moto gained native support: compare, and drop ours if it is good enough."""
    ours = {SnsSubscription, SecretsManagerSecret, CloudWatchAlarm}
    native = {
        model.cloudformation_type()
        for model in CloudFormationModel.__subclasses__()
        if model not in ours and model.__module__.startswith("moto.")
    }
    assert not native & {"AWS::SNS::Subscription", "AWS::SecretsManager::Secret", "AWS::CloudWatch::Alarm"}
    assert parsing.get_model_map()["AWS::SNS::Subscription"] is SnsSubscription
    assert parsing.get_model_map()["AWS::SecretsManager::Secret"] is SecretsManagerSecret
    assert parsing.get_model_map()["AWS::CloudWatch::Alarm"] is CloudWatchAlarm


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


def test_alarm_with_its_settings_ref_and_arn():
    name = f"stack-Alarm-{uuid.uuid4().hex[:8]}"
    cfn = {
        "Properties": {
            "AlarmDescription": "queue not empty",
            "Namespace": "AWS/SQS",
            "MetricName": "ApproximateNumberOfMessagesVisible",
            "Dimensions": [{"Name": "QueueName", "Value": "dlq"}],
            "Statistic": "Maximum",
            "Period": "60",  # numbers may arrive as strings (a parameter's Ref)
            "EvaluationPeriods": 2,
            "DatapointsToAlarm": "1",
            "Threshold": "0",
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": ["arn:aws:sns:us-east-1:000000000042:ops"],
        }
    }
    resource = CloudWatchAlarm.create_from_cloudformation_json(name, cfn, ISOLATED_ACCOUNT, REGION)
    assert resource.physical_resource_id == name
    assert resource.get_cfn_attribute("Arn") == f"arn:aws:cloudwatch:{REGION}:{ISOLATED_ACCOUNT}:alarm:{name}"
    alarm = cloudwatch_backends[ISOLATED_ACCOUNT][REGION].alarms[name]
    assert (alarm.period, alarm.evaluation_periods, alarm.datapoints_to_alarm) == (60, 2, 1)
    assert alarm.threshold == 0.0 and alarm.treat_missing_data == "notBreaching"
    assert alarm.alarm_actions == cfn["Properties"]["AlarmActions"]
    assert [(d.name, d.value) for d in alarm.dimensions] == [("QueueName", "dlq")]
    resource.delete(ISOLATED_ACCOUNT, REGION)
    assert name not in cloudwatch_backends[ISOLATED_ACCOUNT][REGION].alarms
