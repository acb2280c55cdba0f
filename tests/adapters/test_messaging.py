"""SNS (one message per recipient, routed by filter policy) and Step Functions (start once, resume)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws

from crisiswatch.adapters.notifications import RecordingPublisher, SnsCommsChannel, SnsNotifier
from crisiswatch.adapters.stepfunctions import StepFunctionsCrisisPlan
from crisiswatch.config_files.policy import parse_policy
from crisiswatch.domain.errors import InvalidRequestError, TransientError
from crisiswatch.ports import OutboundMessage
from crisiswatch.usecases.asking import start_plan
from crisiswatch_ops.contacts import sync_contacts
from tests.fakes import TEST_POLICY, FakeAuditLog, FakeIncidentStore, make_incident

REGION = "eu-west-1"


def message(recipient: str, subject: str = "[SEV2] Acme Coffee: decision needed (tier 1)") -> OutboundMessage:
    return OutboundMessage(
        recipient=recipient,
        subject=subject,
        email_body=f"Hello {recipient},\n\nReview and decide: https://x.example.com/a/abc",
        sms_body="CrisisWatch SEV2 Acme Coffee T1: decide https://x.example.com/a/abc",
    )


@pytest.fixture
def sns(aws_offline: None) -> Iterator[dict[str, Any]]:
    """A tier topic with one SQS 'inbox' per recipient, each behind the recipient filter policy."""
    with mock_aws():
        sns_client = boto3.client("sns", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        topic = sns_client.create_topic(Name="tier1")["TopicArn"]
        inboxes = {}
        for recipient in ("tier1-primary", "tier1-backup"):
            url = sqs.create_queue(QueueName=recipient)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            sns_client.subscribe(
                TopicArn=topic,
                Protocol="sqs",
                Endpoint=arn,
                Attributes={"FilterPolicy": json.dumps({"recipient": [recipient]})},
            )
            inboxes[recipient] = url
        published: list[dict[str, Any]] = []
        sns_client.meta.events.register(
            "provide-client-params.sns.Publish", lambda params, **_: published.append(params)
        )
        yield {"client": sns_client, "sqs": sqs, "topic": topic, "inboxes": inboxes, "published": published}


def received(sns: dict[str, Any], recipient: str) -> list[dict[str, Any]]:
    response = sns["sqs"].receive_message(QueueUrl=sns["inboxes"][recipient], MaxNumberOfMessages=10)
    return [json.loads(m["Body"]) for m in response.get("Messages", [])]


def test_each_recipient_receives_only_their_own_message(sns: dict[str, Any]) -> None:
    notifier = SnsNotifier(sns["client"], sns["topic"])

    notifier.send([message("tier1-primary"), message("tier1-backup")])

    for recipient in ("tier1-primary", "tier1-backup"):
        (envelope,) = received(sns, recipient)
        assert envelope["MessageAttributes"]["recipient"]["Value"] == recipient
        assert envelope["Message"].startswith(f"Hello {recipient},")


def test_messages_carry_an_email_and_an_sms_body(sns: dict[str, Any]) -> None:
    SnsNotifier(sns["client"], sns["topic"]).send([message("tier1-primary")])

    (params,) = sns["published"]
    assert params["MessageStructure"] == "json"
    assert params["MessageAttributes"] == {
        "recipient": {"DataType": "String", "StringValue": "tier1-primary"}
    }
    body = json.loads(params["Message"])
    assert set(body) == {"default", "email", "sms"}
    assert body["sms"].startswith("CrisisWatch SEV2")
    assert body["email"] == body["default"]


def test_a_subject_is_made_acceptable_to_sns(sns: dict[str, Any]) -> None:
    # SNS refuses subjects with line breaks or control characters, or of 100 characters and more.
    subject = "[SEV1] Acme\nCoffee\t\x07 " + "very long brand name " * 10

    SnsNotifier(sns["client"], sns["topic"]).send([message("tier1-primary", subject)])

    (params,) = sns["published"]
    assert len(params["Subject"]) < 100
    assert not any(ord(char) < 32 or ord(char) == 127 for char in params["Subject"])
    assert params["Subject"].startswith("[SEV1] Acme Coffee")


def test_no_contacts_topic_is_an_error_and_sends_nothing(sns: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequestError, match="contacts topic"):
        SnsNotifier(sns["client"], "").send([message("tier1-primary")])
    assert sns["published"] == []


def test_the_comms_channel_gets_a_plain_announcement(sns: dict[str, Any]) -> None:
    SnsCommsChannel(sns["client"], sns["topic"]).announce("[SEV2] Acme\nCoffee: published", "The text")

    (params,) = sns["published"]
    assert params["Subject"] == "[SEV2] Acme Coffee: published" and params["Message"] == "The text"
    with pytest.raises(InvalidRequestError):
        SnsCommsChannel(sns["client"], "").announce("s", "b")


def test_the_recording_publisher_records_the_post_in_the_audit_trail() -> None:
    audit = FakeAuditLog()
    at = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)

    reference = RecordingPublisher(audit).post("inc-1", "social", "We are looking into it.", at)

    (entry,) = audit.entries
    assert (entry.kind, entry.actor) == ("statement.posted", "recorded")
    assert entry.detail == {"channel": "social", "text": "We are looking into it.", "ref": reference}


def _subscriptions(sns: dict[str, Any], topic: str) -> dict[tuple[str, str], Any]:
    found = {}
    for item in sns["client"].list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]:
        attributes = sns["client"].get_subscription_attributes(SubscriptionArn=item["SubscriptionArn"])
        found[(item["Protocol"], item["Endpoint"])] = json.loads(attributes["Attributes"]["FilterPolicy"])
    return found


def test_contacts_sync_subscribes_each_contact_behind_their_own_filter_and_is_idempotent(
    sns: dict[str, Any],
) -> None:
    topic = sns["client"].create_topic(Name="contacts")["TopicArn"]
    policy = parse_policy(TEST_POLICY)

    first = sync_contacts(sns["client"], topic, policy)
    again = sync_contacts(sns["client"], topic, policy)

    subscribed = _subscriptions(sns, topic)
    assert subscribed[("email", "t1@example.com")] == {"recipient": ["tier1-primary"]}
    assert subscribed[("sms", "+15555550101")] == {"recipient": ["tier1-primary"]}
    assert subscribed[("sms", "+15555550103")] == {"recipient": ["exec-duty"]}
    assert len(subscribed) == len(first.added) == 6  # four emails, two phones
    assert again.added == [] and again.removed == [] and len(again.kept) == 6


def test_contacts_sync_removes_people_who_left_the_policy(sns: dict[str, Any]) -> None:
    topic = sns["client"].create_topic(Name="contacts")["TopicArn"]
    sync_contacts(sns["client"], topic, parse_policy(TEST_POLICY))
    smaller = parse_policy(
        TEST_POLICY.replace(
            '  { id = "tier1-backup", name = "Tier 1 backup", email = "t1b@example.com" },\n', ""
        )
    )

    report = sync_contacts(sns["client"], topic, smaller)

    assert report.removed == ["email t1b@example.com"]
    assert ("email", "t1b@example.com") not in _subscriptions(sns, topic)


# ----- Step Functions -------------------------------------------------------------------------------


@pytest.fixture
def sfn(aws_offline: None) -> Iterator[tuple[Any, str]]:
    with mock_aws():
        client = boto3.client("stepfunctions", region_name=REGION)
        definition = json.dumps(
            {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 3600, "End": True}}}
        )
        arn = client.create_state_machine(
            name="EscalationStateMachine",
            definition=definition,
            roleArn="arn:aws:iam::123456789012:role/escalation",
        )["stateMachineArn"]
        yield client, arn


def test_an_execution_is_named_by_the_incident_and_carries_its_facts(sfn: tuple[Any, str]) -> None:
    client, machine = sfn
    incident = make_incident()

    arn = StepFunctionsCrisisPlan(client, machine).start(incident)

    assert arn is not None
    described = client.describe_execution(executionArn=arn)
    assert described["name"] == incident.incident_id
    assert json.loads(described["input"]) == {"incident": incident.facts()}


def test_a_repeated_start_while_running_returns_the_same_execution(sfn: tuple[Any, str]) -> None:
    # Step Functions (and moto) treat the same name and input of a RUNNING execution as idempotent.
    client, machine = sfn
    escalation = StepFunctionsCrisisPlan(client, machine)
    incident = make_incident()

    first = escalation.start(incident)
    again = escalation.start(incident)

    assert again == first
    assert len(client.list_executions(stateMachineArn=machine)["executions"]) == 1


def test_a_start_with_a_used_name_and_other_input_is_none(sfn: tuple[Any, str]) -> None:
    client, machine = sfn
    escalation = StepFunctionsCrisisPlan(client, machine)
    incident = make_incident()
    escalation.start(incident)
    incident.summary = "a different summary"

    assert escalation.start(incident) is None


def test_start_escalation_against_step_functions_starts_and_audits_once(sfn: tuple[Any, str]) -> None:
    client, machine = sfn
    incidents, audit = FakeIncidentStore(), FakeAuditLog()
    incident = make_incident()
    incidents.open(incident)
    escalation = StepFunctionsCrisisPlan(client, machine)
    now = incident.opened_at

    first = start_plan(incident.incident_id, incidents, escalation, audit, now)
    again = start_plan(incident.incident_id, incidents, escalation, audit, now)

    assert first is not None and again is None
    assert audit.kinds() == ["escalation.started"]


def test_other_start_errors_are_not_swallowed() -> None:
    client = boto3.client(
        "stepfunctions", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        stub.add_client_error("start_execution", "StateMachineDoesNotExist", http_status_code=400)
        with pytest.raises(ClientError):
            StepFunctionsCrisisPlan(client, "arn:aws:states:eu-west-1:1:stateMachine:Gone").start(
                make_incident()
            )


def test_a_duplicate_name_reported_by_the_service_is_none() -> None:
    client = boto3.client(
        "stepfunctions", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        stub.add_client_error("start_execution", "ExecutionAlreadyExists", http_status_code=400)
        assert (
            StepFunctionsCrisisPlan(client, "arn:aws:states:eu-west-1:1:stateMachine:E").start(
                make_incident()
            )
            is None
        )


def stubbed_succeed(code: str | None) -> bool:
    client = boto3.client(
        "stepfunctions", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(client) as stub:
        expected = {"taskToken": "tok", "output": json.dumps({"decision": "approve"})}
        if code is None:
            stub.add_response("send_task_success", {}, expected)
        else:
            stub.add_client_error("send_task_success", code, http_status_code=400, expected_params=expected)
        result = StepFunctionsCrisisPlan(client, "arn").succeed("tok", {"decision": "approve"})
        stub.assert_no_pending_responses()
        return result


def test_resuming_a_live_task_succeeds() -> None:
    assert stubbed_succeed(None) is True


@pytest.mark.parametrize("code", ["TaskTimedOut", "InvalidToken", "TaskDoesNotExist"])
def test_a_dead_task_token_is_false_not_an_error(code: str) -> None:
    assert stubbed_succeed(code) is False


@pytest.mark.parametrize("code", ["ThrottlingException", "ServiceUnavailable", "InternalServerError"])
def test_a_busy_service_is_a_transient_error(code: str) -> None:
    with pytest.raises(TransientError):
        stubbed_succeed(code)


def test_an_unexpected_service_error_is_raised() -> None:
    with pytest.raises(ClientError):
        stubbed_succeed("AccessDeniedException")


def test_a_network_failure_is_a_transient_error() -> None:
    class Unreachable:
        def send_task_success(self, **_: Any) -> None:
            raise EndpointConnectionError(endpoint_url="https://states.eu-west-1.amazonaws.com")

    with pytest.raises(TransientError):
        StepFunctionsCrisisPlan(Unreachable(), "arn").succeed("tok", {"decision": "approve"})
