"""Least privilege, read from template.yaml: who may resume a workflow, who may start one, and what else.

SAM policy templates (`SNSPublishMessagePolicy: {...}`) are expanded with SAM's own definitions, so a
template that hides a wildcard inside one is caught too.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import samtranslator

from tests.builders.template import ROOT, load_template

Statement = dict[str, Any]

# The one documented exception: task-token calls accept no resource-level scoping.
WILDCARD_ALLOWED = {("ActionLinksFunction", "states:SendTaskSuccess")}


@cache
def sam_policy_templates() -> dict[str, Any]:
    path = Path(samtranslator.__file__).parent / "policy_templates_data" / "policy_templates.json"
    return json.loads(path.read_text(encoding="utf-8"))["Templates"]  # type: ignore[no-any-return]


def functions() -> dict[str, dict[str, Any]]:
    resources = load_template()["Resources"]
    return {
        name: r["Properties"] for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"
    }


def statements(props: dict[str, Any]) -> list[Statement]:
    """Every IAM statement a function's role gets from its Policies, policy templates expanded."""
    found: list[Statement] = []
    policies = props.get("Policies", [])
    for policy in policies if isinstance(policies, list) else [policies]:
        if isinstance(policy, str):
            found.append({"Effect": "Allow", "Action": [f"managed:{policy}"], "Resource": "*"})
        elif "Statement" in policy:
            found.extend(policy["Statement"])
        else:
            ((name, _params),) = policy.items()
            assert name in sam_policy_templates(), f"unknown SAM policy template {name}"
            found.extend(sam_policy_templates()[name]["Definition"]["Statement"])
    return found


def actions(statement: Statement) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else list(value)


def resources(statement: Statement) -> list[Any]:
    value = statement.get("Resource", [])
    return value if isinstance(value, list) else [value]


def granted(function: str) -> set[str]:
    return {a for s in statements(functions()[function]) if s["Effect"] == "Allow" for a in actions(s)}


def who_may(action: str) -> set[str]:
    return {name for name in functions() if action in granted(name)}


def test_the_template_declares_the_functions_we_test() -> None:
    assert set(functions()) >= {
        "FetchMentionsFunction",
        "ScoreMentionsFunction",
        "StartEscalationFunction",
        "RequestDecisionFunction",
        "CrisisPlanFunction",
        "PublishStatementFunction",
        "ActionLinksFunction",
        "WriteReportFunction",
        "DashboardFunction",
    }


def test_only_the_action_links_function_may_resume_a_waiting_workflow() -> None:
    assert who_may("states:SendTaskSuccess") == {"ActionLinksFunction"}
    assert who_may("states:SendTaskFailure") <= {"ActionLinksFunction"}
    assert who_may("states:SendTaskHeartbeat") <= {"ActionLinksFunction"}


def test_only_the_start_escalation_function_may_start_executions() -> None:
    assert who_may("states:StartExecution") == {"StartEscalationFunction"}
    assert who_may("states:StartSyncExecution") == set()


def test_only_the_report_readers_may_read_execution_histories_and_only_of_the_escalation() -> None:
    assert who_may("states:GetExecutionHistory") == {"WriteReportFunction", "DashboardFunction"}
    machine = load_template()["Resources"]["EscalationStateMachine"]["Properties"]["Name"]
    for function in ("WriteReportFunction", "DashboardFunction"):
        (statement,) = [
            s for s in statements(functions()[function]) if "states:GetExecutionHistory" in actions(s)
        ]
        (resource,) = resources(statement)
        assert resource["Fn::Sub"].endswith(":execution:" + machine["Fn::Sub"] + ":*")


def test_start_execution_is_scoped_to_the_escalation_state_machine() -> None:
    props = functions()["StartEscalationFunction"]
    (template,) = [
        p for p in props["Policies"] if isinstance(p, dict) and "StepFunctionsExecutionPolicy" in p
    ]
    name = template["StepFunctionsExecutionPolicy"]["StateMachineName"]
    assert name == {"Fn::GetAtt": ["EscalationStateMachine", "Name"]}


@pytest.mark.parametrize("function", sorted(functions()))
def test_no_wildcard_actions_or_resources(function: str) -> None:
    for statement in statements(functions()[function]):
        for action in actions(statement):
            assert not action.startswith("managed:"), f"{function} uses a managed policy: {action}"
            assert "*" not in action, f"{function} is granted {action}"
            if "*" in resources(statement):
                assert (function, action) in WILDCARD_ALLOWED, f"{function}: {action} on Resource '*'"


# The dashboard lists incidents by reading their (small) table whole; nothing else scans anything.
SCAN_ALLOWED = {("dynamodb:Scan", "IncidentsTable")}


@pytest.mark.parametrize("function", sorted(functions()))
def test_no_function_may_scan_or_delete_tables(function: str) -> None:
    forbidden = {"dynamodb:DeleteTable", "dynamodb:BatchWriteItem", "dynamodb:PartiQLDelete"}
    assert granted(function) & forbidden == set()
    scans = {grant for grant in table_grants(function) if grant[0] == "dynamodb:Scan"}
    if function == "DashboardFunction":
        assert scans == SCAN_ALLOWED
    else:
        assert "dynamodb:Scan" not in granted(function)


# What each function's adapters do on which table: a removed grant fails here, not in production.
NEEDED: dict[str, set[tuple[str, str]]] = {
    "FetchMentionsFunction": {
        ("dynamodb:PutItem", "MentionsTable"),
        ("dynamodb:PutItem", "QuarantineTable"),
        ("dynamodb:GetItem", "CursorsTable"),
        ("dynamodb:PutItem", "CursorsTable"),
    },
    "ScoreMentionsFunction": {
        ("dynamodb:GetItem", "BucketsTable"),  # a ledger, when a replayed record is met
        ("dynamodb:UpdateItem", "BucketsTable"),
        ("dynamodb:Query", "BucketsTable"),
        ("dynamodb:GetItem", "DetectorTable"),
        ("dynamodb:PutItem", "DetectorTable"),
        ("dynamodb:UpdateItem", "DetectorTable"),
        ("dynamodb:PutItem", "IncidentsTable"),
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:UpdateItem", "IncidentsTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
    "StartEscalationFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:UpdateItem", "IncidentsTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
    "RequestDecisionFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:GetItem", "ActionLinksTable"),
        ("dynamodb:PutItem", "ActionLinksTable"),
        ("dynamodb:UpdateItem", "ActionLinksTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
    "CrisisPlanFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:UpdateItem", "IncidentsTable"),
        ("dynamodb:GetItem", "DetectorTable"),
        ("dynamodb:UpdateItem", "DetectorTable"),
        ("dynamodb:GetItem", "ActionLinksTable"),
        ("dynamodb:UpdateItem", "ActionLinksTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
    "PublishStatementFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:UpdateItem", "IncidentsTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
    "WriteReportFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:Query", "AuditTable"),
        ("dynamodb:Query", "BucketsTable"),
    },
    "DashboardFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:Scan", "IncidentsTable"),
        ("dynamodb:Query", "AuditTable"),
        ("dynamodb:Query", "BucketsTable"),
        ("dynamodb:GetItem", "ActionLinksTable"),
    },
    "ActionLinksFunction": {
        ("dynamodb:GetItem", "IncidentsTable"),
        ("dynamodb:UpdateItem", "IncidentsTable"),
        ("dynamodb:GetItem", "ActionLinksTable"),
        ("dynamodb:PutItem", "ActionLinksTable"),
        ("dynamodb:UpdateItem", "ActionLinksTable"),
        ("dynamodb:DeleteItem", "ActionLinksTable"),
        ("dynamodb:PutItem", "AuditTable"),
    },
}


def table_grants(function: str) -> set[tuple[str, str]]:
    found = set()
    for statement in statements(functions()[function]):
        for resource in resources(statement):
            if isinstance(resource, dict) and "Fn::GetAtt" in resource and resource["Fn::GetAtt"][1] == "Arn":
                table = resource["Fn::GetAtt"][0]
                found |= {(action, table) for action in actions(statement) if action.startswith("dynamodb:")}
    return found


@pytest.mark.parametrize("function", sorted(NEEDED))
def test_each_function_gets_exactly_the_table_access_its_code_uses(function: str) -> None:
    grants = table_grants(function)
    assert NEEDED[function] - grants == set(), "missing grants"
    assert grants - NEEDED[function] == set(), "unneeded grants"


def test_tracing_is_on_for_every_function_through_globals() -> None:
    template = load_template()
    assert template["Globals"]["Function"]["Tracing"] == "Active"
    for name, props in functions().items():
        assert props.get("Tracing", "Active") == "Active", f"{name} overrides tracing"


@pytest.mark.parametrize("function", sorted(functions()))
def test_every_function_names_its_powertools_service(function: str) -> None:
    variables = functions()[function].get("Environment", {}).get("Variables", {})
    service = variables.get("POWERTOOLS_SERVICE_NAME")
    assert isinstance(service, str) and service, f"{function} has no POWERTOOLS_SERVICE_NAME"


def test_service_names_are_unique() -> None:
    names = [p["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] for p in functions().values()]
    assert len(names) == len(set(names))


def test_every_function_folder_exists_and_is_named_after_its_logical_id() -> None:
    for name, props in functions().items():
        folder = ROOT / props["CodeUri"]
        assert (folder / "app.py").is_file(), name
        words = name.removesuffix("Function")
        assert folder.name.replace("_", "") == words.lower(), f"{name} lives in {folder.name}"


def test_stream_consumers_report_partial_batch_failures() -> None:
    for name, props in functions().items():
        for event in props.get("Events", {}).values():
            if event["Type"] == "DynamoDB":
                assert "ReportBatchItemFailures" in event["Properties"].get("FunctionResponseTypes", []), name


def test_the_state_machine_may_invoke_only_its_own_functions() -> None:
    machine = load_template()["Resources"]["EscalationStateMachine"]["Properties"]
    invoked = {
        p["LambdaInvokePolicy"]["FunctionName"]["Ref"]
        for p in machine["Policies"]
        if "LambdaInvokePolicy" in p
    }
    assert invoked == {
        "CrisisPlanFunction",
        "RequestDecisionFunction",
        "PublishStatementFunction",
        "WriteReportFunction",
    }


# Topics are encrypted with TopicsKey: publishing needs a data key from it. CloudWatch alarms are let in
# by the key policy; every other publisher (functions, the state machine) through its own IAM policy.
KMS_TOPIC_ACTIONS = {"kms:GenerateDataKey", "kms:Decrypt"}
TOPICS_KEY_ARN = {"Fn::GetAtt": ["TopicsKey", "Arn"]}


def publishers() -> dict[str, dict[str, Any]]:
    """Every function and state machine with a SNSPublishMessagePolicy, by logical id."""
    resources = load_template()["Resources"]
    return {
        name: r["Properties"]
        for name, r in resources.items()
        if r["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine")
        and any(
            isinstance(p, dict) and "SNSPublishMessagePolicy" in p
            for p in r["Properties"].get("Policies", [])
        )
    }


def kms_grants(props: dict[str, Any]) -> list[Statement]:
    return [s for s in statements(props) if any(a.startswith("kms:") for a in actions(s))]


def test_the_topic_publishers_are_the_ones_we_know() -> None:
    assert set(publishers()) == {
        "RequestDecisionFunction",
        "PublishStatementFunction",
        "EscalationStateMachine",
        "ScoreMentionsFunction",  # tells the raised route when the detector raises a severity
    }


@pytest.mark.parametrize("publisher", sorted(publishers()))
def test_every_topic_publisher_may_use_the_topics_key_and_only_it(publisher: str) -> None:
    grants = kms_grants(publishers()[publisher])

    assert {a for s in grants for a in actions(s)} == KMS_TOPIC_ACTIONS, "SNS asks KMS for a data key"
    assert all(resources(s) == [TOPICS_KEY_ARN] for s in grants)


def test_only_topic_publishers_are_granted_the_key() -> None:
    for name, props in functions().items():
        if name not in publishers():
            assert kms_grants(props) == [], f"{name} may use a key it never needs"
