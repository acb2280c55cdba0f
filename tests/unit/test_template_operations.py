"""Operating the stack, read from template.yaml: alarms, what outlives `sam delete`, backups, logs, keys.

The sets below are the documented decisions (README, "Alarms" and "Retention"): changing the template
without changing them, or the other way round, fails here.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.builders.template import load_template

OPS_TOPIC = {"Ref": "OpsAlertsTopic"}

#: Stores whose loss loses history: kept when the stack is deleted or a change replaces them.
RETAINED = {
    "MentionsTable",
    "BucketsTable",
    "DetectorTable",
    "IncidentsTable",
    "AuditTable",
    "ReportsBucket",
    # Not history, but shared by every API of the account: deleting them would stop other APIs' logs.
    "ApiGatewayLogsRole",
    "ApiGatewayAccount",
}

#: Tables whose data is not rebuilt from anywhere else.
POINT_IN_TIME_RECOVERY = {"MentionsTable", "BucketsTable", "DetectorTable", "IncidentsTable", "AuditTable"}

#: Resource types that hold data or state: each says what happens to it, never CloudFormation's default.
STATEFUL_TYPES = {
    "AWS::DynamoDB::Table",
    "AWS::S3::Bucket",
    "AWS::SQS::Queue",
    "AWS::Logs::LogGroup",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
}

#: CloudWatch's hard limit of metrics in one metric math alarm.
MAX_ALARM_METRICS = 10


def resources(kind: str | None = None) -> dict[str, dict[str, Any]]:
    found = load_template()["Resources"]
    return {name: r for name, r in found.items() if kind is None or r["Type"] == kind}


def alarms() -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in resources("AWS::CloudWatch::Alarm").items()}


def functions() -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in resources("AWS::Serverless::Function").items()}


def single_metric_alarms(namespace: str, metric: str) -> list[dict[str, Any]]:
    return [a for a in alarms().values() if (a.get("Namespace"), a.get("MetricName")) == (namespace, metric)]


def dimensions(alarm: dict[str, Any]) -> dict[str, Any]:
    return {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}


# ----- alarms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(alarms()))
def test_every_alarm_tells_the_operators_when_it_fires_and_clears(name: str) -> None:
    alarm = alarms()[name]

    assert alarm["AlarmActions"] == [OPS_TOPIC]
    assert alarm["OKActions"] == [OPS_TOPIC]
    assert alarm.get("InsufficientDataActions", []) == []
    # Chosen, not defaulted: every watched metric is only emitted when something happens.
    assert alarm["TreatMissingData"] == "notBreaching"
    description = alarm["AlarmDescription"]
    assert 40 <= len(description) <= 1024, "say what happened and what to do (CloudWatch keeps 1,024)"
    assert alarm["AlarmName"]["Fn::Sub"].startswith("${AWS::StackName}-"), "two stacks, two sets of alarms"


def test_every_dead_letter_queue_has_a_depth_alarm() -> None:
    queues = {name for name in resources("AWS::SQS::Queue") if name.endswith("DeadLetterQueue")}
    watched = {
        dimensions(a)["QueueName"]["Fn::GetAtt"][0]
        for a in single_metric_alarms("AWS/SQS", "ApproximateNumberOfMessagesVisible")
        if a["Threshold"] == 0 and a["ComparisonOperator"] == "GreaterThanThreshold"
    }

    assert queues == {
        "FetchSourceDeadLetterQueue",
        "ScoreMentionsDeadLetterQueue",
        "StartEscalationDeadLetterQueue",
    }
    assert watched == queues


@pytest.mark.parametrize("metric", ["Errors", "Throttles"])
def test_one_alarm_per_kind_of_function_failure_covers_every_function(metric: str) -> None:
    covering = []
    for alarm in alarms().values():
        stats = [q["MetricStat"] for q in alarm.get("Metrics", []) if "MetricStat" in q]
        if stats and all(s["Metric"]["MetricName"] == metric for s in stats):
            covering.append(alarm)
    (alarm,) = covering
    queries = alarm["Metrics"]
    stats = [q["MetricStat"] for q in queries if "MetricStat" in q]
    watched = [s["Metric"]["Dimensions"][0]["Value"]["Ref"] for s in stats]

    assert sorted(watched) == sorted(functions()), "every function, once"
    assert len(stats) <= MAX_ALARM_METRICS, "CloudWatch's limit: split the alarm (e.g. detect / escalate)"
    assert {s["Metric"]["Namespace"] for s in stats} == {"AWS/Lambda"}
    assert {s["Stat"] for s in stats} == {"Sum"}
    (returned,) = [q for q in queries if q["ReturnData"]]
    assert returned["Expression"] == "SUM(METRICS())"
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")


@pytest.mark.parametrize("metric", ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"])
def test_escalations_that_end_badly_raise_an_alarm(metric: str) -> None:
    (alarm,) = single_metric_alarms("AWS/States", metric)

    assert dimensions(alarm) == {"StateMachineArn": {"Ref": "EscalationStateMachine"}}
    assert (alarm["Statistic"], alarm["Threshold"], alarm["ComparisonOperator"]) == (
        "Sum",
        0,
        "GreaterThanThreshold",
    )


def test_api_server_errors_raise_an_alarm_on_the_action_api_stage() -> None:
    api = resources()["ActionApi"]["Properties"]
    (alarm,) = single_metric_alarms("AWS/ApiGateway", "5XXError")

    assert dimensions(alarm) == {"ApiName": api["Name"], "Stage": api["StageName"]}
    assert api["StageName"] == "Prod"


# ----- retention and backups -----------------------------------------------------------------------------


def test_every_stateful_resource_says_what_happens_to_it_on_delete_and_replace() -> None:
    for name, resource in resources().items():
        if resource["Type"] not in STATEFUL_TYPES and name not in RETAINED:
            continue
        assert resource.get("DeletionPolicy") in {"Retain", "Delete"}, f"{name} has no DeletionPolicy"
        assert resource.get("UpdateReplacePolicy") == resource["DeletionPolicy"], name


def test_exactly_the_documented_stores_are_retained() -> None:
    retained = {name for name, r in resources().items() if r.get("DeletionPolicy") == "Retain"}

    assert retained == RETAINED


def test_point_in_time_recovery_exactly_where_documented() -> None:
    recoverable = {
        name
        for name, table in resources("AWS::DynamoDB::Table").items()
        if table["Properties"].get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
    }

    assert recoverable == POINT_IN_TIME_RECOVERY
    assert recoverable <= RETAINED, "a table worth restoring is worth keeping"


def test_every_table_and_bucket_is_encrypted_at_rest() -> None:
    for name, table in resources("AWS::DynamoDB::Table").items():
        assert table["Properties"]["SSESpecification"] == {"SSEEnabled": True}, name
    for name, bucket in resources("AWS::S3::Bucket").items():
        assert bucket["Properties"]["BucketEncryption"], name
        assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values()), name


# ----- topics and their key --------------------------------------------------------------------------------


def test_every_topic_is_encrypted_with_the_rotated_customer_managed_key() -> None:
    key = resources()["TopicsKey"]
    topics = resources("AWS::SNS::Topic")

    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    assert set(topics) == {"ContactsTopic", "CommsChannelTopic", "OpsAlertsTopic"}
    for name, topic in topics.items():
        # Not alias/aws/sns: CloudWatch alarms cannot publish to a topic under an AWS-managed key.
        assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "TopicsKey"}, name


def test_the_key_policy_lets_cloudwatch_alarms_publish_and_delegates_the_rest_to_iam() -> None:
    statements = resources()["TopicsKey"]["Properties"]["KeyPolicy"]["Statement"]
    by_principal = {json.dumps(s["Principal"], sort_keys=True): s for s in statements}

    root = by_principal[json.dumps({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})]
    assert root["Action"] == "kms:*"
    cloudwatch = by_principal[json.dumps({"Service": "cloudwatch.amazonaws.com"})]
    assert set(cloudwatch["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}
    assert cloudwatch["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    assert len(statements) == 2, "anyone else who publishes is granted through IAM"


# ----- logs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("function", sorted(functions()))
def test_every_function_logs_to_a_group_of_its_own_with_a_retention(function: str) -> None:
    group_id = functions()[function]["LoggingConfig"]["LogGroup"]["Ref"]
    group = resources()[group_id]
    service = functions()[function]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"]

    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/${{AWS::StackName}}/{service}"}


def test_no_log_group_is_shared_or_left_over() -> None:
    used = [props["LoggingConfig"]["LogGroup"]["Ref"] for props in functions().values()]
    groups = set(resources("AWS::Logs::LogGroup")) - {"ActionApiAccessLogGroup"}

    assert len(used) == len(set(used))
    assert set(used) == groups


# ----- the API ---------------------------------------------------------------------------------------------

#: What an access log line may say about the caller and the request: nothing that identifies a link.
ACCESS_LOG_FIELDS = {
    "requestId": "$context.requestId",
    "ip": "$context.identity.sourceIp",
    "method": "$context.httpMethod",
    "resourcePath": "$context.resourcePath",
    "status": "$context.status",
}


def access_log() -> tuple[dict[str, Any], dict[str, str]]:
    setting = resources()["ActionApi"]["Properties"]["AccessLogSetting"]
    return setting, json.loads(setting["Format"])


def test_the_api_stage_is_traced_and_access_logged_as_json() -> None:
    api = resources()["ActionApi"]["Properties"]
    setting, fields = access_log()

    assert api["TracingEnabled"] is True
    assert ACCESS_LOG_FIELDS.items() <= fields.items()
    assert "${ActionApiAccessLogGroup}" in setting["DestinationArn"]["Fn::Sub"]
    group = resources()["ActionApiAccessLogGroup"]["Properties"]
    assert group["RetentionInDays"] == {"Ref": "LogRetentionDays"}


def test_access_logs_never_record_a_link_id_a_query_string_or_a_body() -> None:
    setting, fields = access_log()
    variables = set(re.findall(r"\$[A-Za-z0-9_.]+", setting["Format"]))

    # $context.path is /Prod/a/<link id>: the id is a bearer credential. resourcePath is /a/{link_id}.
    forbidden = ("$context.path", "$input", "$context.requestOverride", "$method.request", "$util")
    assert not [v for v in variables if v.startswith(forbidden)]
    assert not [v for v in variables if "querystring" in v.lower() or "body" in v.lower()]
    assert all(value.startswith("$context.") for value in fields.values())


def test_api_gateway_logs_through_an_account_role_this_stack_creates_only_when_asked() -> None:
    template = load_template()
    role, account = resources()["ApiGatewayLogsRole"], resources()["ApiGatewayAccount"]
    condition = "CreatesApiGatewayLogsRole"

    assert template["Conditions"][condition] == {"Fn::Equals": [{"Ref": "CreateApiGatewayLogsRole"}, "true"]}
    assert role["Condition"] == account["Condition"] == condition
    assert account["Properties"]["CloudWatchRoleArn"] == {"Fn::GetAtt": ["ApiGatewayLogsRole", "Arn"]}
    # The stage must wait for the account setting, or its first deployment fails: a reference does it.
    tags = resources()["ActionApi"]["Properties"]["Tags"]
    assert {"Fn::If": [condition, {"Ref": "ApiGatewayAccount"}, "set-outside-this-stack"]} in tags.values()


# ----- suppressions ----------------------------------------------------------------------------------------


def test_every_accepted_checkov_finding_says_why() -> None:
    skips = [
        (name, skip)
        for name, resource in resources().items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]

    assert skips
    for name, skip in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), f"{name}: {skip}"
        assert len(skip.get("comment", "")) >= 40, f"{name} skips {skip['id']} without a reason"
    assert len({(name, skip["id"]) for name, skip in skips}) == len(skips), "a check skipped twice"
