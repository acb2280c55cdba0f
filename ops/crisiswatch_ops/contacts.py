"""Keep the contacts topic's subscriptions in step with the escalation policy.

Every contact subscribes their email and phone to one topic with a filter policy on their own id, so a
message published for one person reaches that person only. CloudFormation cannot derive subscriptions
from a TOML file, so this reconciliation runs after each deployment (`crisiswatch contacts sync`).
Email subscribers must confirm the subscription SNS mails them before they receive anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crisiswatch.config_files.policy import load_policy
from crisiswatch.domain.response.policy import EscalationPolicy


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            *(f"+ {entry}" for entry in self.added),
            *(f"- {entry}" for entry in self.removed),
            f"{len(self.kept)} unchanged, {len(self.added)} added, {len(self.removed)} removed",
        ]


def desired_subscriptions(policy: EscalationPolicy) -> dict[tuple[str, str], str]:
    """(protocol, endpoint) -> contact id, for every reachable contact."""
    wanted: dict[tuple[str, str], str] = {}
    for contact in policy.all_contacts():
        if contact.email:
            wanted[("email", contact.email.lower())] = contact.id
        if contact.phone:
            wanted[("sms", contact.phone)] = contact.id
    return wanted


def _existing(sns: Any, topic_arn: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn):
        found.extend(page.get("Subscriptions", []))
    return found


def _filter_of(sns: Any, subscription_arn: str) -> dict[str, Any]:
    if not subscription_arn.startswith("arn:"):  # "PendingConfirmation" has no attributes yet
        return {}
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription_arn)["Attributes"]
    raw = attributes.get("FilterPolicy")
    return dict(json.loads(raw)) if raw else {}


def sync_contacts(sns: Any, topic_arn: str, policy: EscalationPolicy) -> SyncReport:
    """Subscribe who is missing, unsubscribe who left or changed id; idempotent."""
    report = SyncReport()
    wanted = desired_subscriptions(policy)
    for subscription in _existing(sns, topic_arn):
        key = (
            subscription["Protocol"],
            str(subscription["Endpoint"]).lower()
            if subscription["Protocol"] == "email"
            else subscription["Endpoint"],
        )
        arn = subscription["SubscriptionArn"]
        contact_id = wanted.get(key)
        current = _filter_of(sns, arn)
        if contact_id is not None and current.get("recipient") == [contact_id]:
            report.kept.append(f"{key[0]} {key[1]} ({contact_id})")
            del wanted[key]
        elif arn.startswith("arn:"):
            sns.unsubscribe(SubscriptionArn=arn)
            report.removed.append(f"{key[0]} {key[1]}")
    for (protocol, endpoint), contact_id in sorted(wanted.items()):
        sns.subscribe(
            TopicArn=topic_arn,
            Protocol=protocol,
            Endpoint=endpoint,
            Attributes={
                "FilterPolicyScope": "MessageAttributes",
                "FilterPolicy": json.dumps({"recipient": [contact_id]}),
            },
        )
        report.added.append(f"{protocol} {endpoint} ({contact_id})")
    return report


def policy_path(project_root: Path, parameter_value: str) -> Path:
    """Where the deployed `EscalationPolicyFile` comes from: `/opt/watchlist/x` is `config/x`."""
    layer_prefix = "/opt/watchlist/"
    if parameter_value.startswith(layer_prefix):
        return project_root / "config" / parameter_value[len(layer_prefix) :]
    return Path(parameter_value)


def sync_local(runtime: Any) -> SyncReport:
    """Subscribe the policy's contacts on an embedded runtime's stack (its outbox then shows them)."""
    parameter = runtime.parameter_overrides.get(
        "EscalationPolicyFile", "/opt/watchlist/escalation_policy.toml"
    )
    policy = load_policy(str(policy_path(runtime.project_root, parameter)))
    return sync_contacts(runtime.client("sns"), runtime.outputs["ContactsTopicArn"], policy)
