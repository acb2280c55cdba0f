"""The whole runtime: start-up, the deployed stack and the environment it offers other processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from crisiswatch_ops.runtime import LocalRuntime

from .conftest import DECISION_TIMEOUT_SECONDS

pytestmark = pytest.mark.runtime


def test_startup_is_timed_and_services_listen_on_loopback(runtime: LocalRuntime):
    for phase in ("build", "moto", "deploy", "total"):
        assert runtime.timings[phase] > 0
    assert runtime.endpoint_url.startswith("http://127.0.0.1:")
    assert runtime.api_url.startswith("http://127.0.0.1:")
    state = json.loads((runtime.state_dir / "runtime.json").read_text())
    assert state["endpoint_url"] == runtime.endpoint_url and state["outputs"] == runtime.outputs


def test_outputs_and_resources_resolve_refs_getatts_and_conditions(runtime: LocalRuntime):
    outputs = runtime.outputs
    resources = runtime.resources
    assert outputs["MentionsTableName"] == resources["MentionsTable"]
    assert outputs["MentionsStreamArn"].startswith(
        f"arn:aws:dynamodb:us-east-1:123456789012:table/{resources['MentionsTable']}/stream/"
    )
    assert outputs["AppSecretArn"] == resources["AppSecret"]
    assert (
        outputs["ApprovalApiUrl"]
        == f"https://{resources['ApprovalApi']}.execute-api.us-east-1.amazonaws.com/v1/"
    )
    assert "ProdOnlyParameterName" not in outputs and "ProdOnlyParameter" not in resources  # IsProd is false
    assert resources["CoreLayer"].startswith("arn:aws:lambda:us-east-1:123456789012:layer:crisiswatch-core:")


def test_stack_resources_exist_in_moto(runtime: LocalRuntime):
    table = runtime.client("dynamodb").describe_table(TableName=runtime.outputs["MentionsTableName"])["Table"]
    assert table["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert [index["IndexName"] for index in table["GlobalSecondaryIndexes"]] == ["by-source"]
    ttl = runtime.client("dynamodb").describe_time_to_live(TableName=runtime.outputs["MentionsTableName"])
    assert ttl["TimeToLiveDescription"]["AttributeName"] == "expiresAt"

    secret = json.loads(
        runtime.client("secretsmanager").get_secret_value(SecretId=runtime.outputs["AppSecretArn"])[
            "SecretString"
        ]
    )
    assert secret["username"] == "approver" and len(secret["password"]) == 32

    parameter = runtime.client("ssm").get_parameter(Name="/crisiswatch/config")["Parameter"]
    assert json.loads(parameter["Value"]) == {"threshold": 3}

    subscriptions = runtime.client("sns").list_subscriptions_by_topic(
        TopicArn=runtime.outputs["AlertsTopicArn"]
    )
    assert sorted(entry["Protocol"] for entry in subscriptions["Subscriptions"]) == ["email", "sms"]

    probe = runtime.client("lambda").get_function_configuration(
        FunctionName=runtime.resources["ProbeFunction"]
    )
    assert [layer["Arn"] for layer in probe["Layers"]] == [
        runtime.resources["CoreLayer"],
        runtime.resources["DataLayer"],
    ]

    machine = runtime.client("stepfunctions").describe_state_machine(
        stateMachineArn=runtime.outputs["EscalationStateMachineArn"]
    )
    assert '"$$.Task.Token"' in machine["definition"]
    assert f'"TimeoutSeconds": {DECISION_TIMEOUT_SECONDS}' in machine["definition"]


def test_operations_resources_deploy_alarms_keys_log_groups_and_the_api_account(runtime: LocalRuntime):
    (alarm,) = runtime.client("cloudwatch").describe_alarms(
        AlarmNames=[runtime.outputs["ProbeErrorsAlarmName"]]
    )["MetricAlarms"]
    assert alarm["AlarmName"] == "crisiswatch-probe-errors"
    assert alarm["AlarmActions"] == [runtime.outputs["AlertsTopicArn"]]
    assert alarm["TreatMissingData"] == "notBreaching"
    assert [query["Id"] for query in alarm["Metrics"]] == ["total", "probe"]
    stat = alarm["Metrics"][1]["MetricStat"]
    assert stat["Metric"]["Dimensions"] == [
        {"Name": "FunctionName", "Value": runtime.resources["ProbeFunction"]}
    ]

    key = runtime.resources["TopicKey"]
    attributes = runtime.client("sns").get_topic_attributes(TopicArn=runtime.outputs["AlertsTopicArn"])
    assert attributes["Attributes"]["KmsMasterKeyId"] == key
    assert runtime.client("kms").get_key_rotation_status(KeyId=key)["KeyRotationEnabled"] is True

    (group,) = runtime.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/crisiswatch/probe")[
        "logGroups"
    ]
    assert group["retentionInDays"] == 14

    role = runtime.client("iam").get_role(RoleName=runtime.resources["ApiLogsRole"])["Role"]["Arn"]
    assert runtime.client("apigateway").get_account()["cloudwatchRoleArn"] == role


def test_another_process_can_use_the_runtime_through_its_environment(runtime: LocalRuntime):
    script = (
        "import boto3, os\n"
        "tables = boto3.client('dynamodb').list_tables()['TableNames']\n"
        "print(os.environ['CRISISWATCH_STACK_NAME'], sorted(tables))\n"
    )
    env = {"PATH": os.environ.get("PATH", ""), **runtime.environ()}
    completed = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    stack, tables = completed.stdout.split(" ", 1)
    assert stack == "crisiswatch" and runtime.outputs["MentionsTableName"] in tables
