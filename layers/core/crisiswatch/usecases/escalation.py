"""The escalation's steps: start it, notify a tier with action links, record what was decided."""

from __future__ import annotations

import string
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from ..domain.errors import IncidentNotFoundError, InvalidRequestError
from ..domain.incidents import DECISION_STATUS, Decision, Incident, IncidentStatus, Recipient
from ..domain.links import ActionLink, link_key, new_link_id
from ..ports import ActionLinkStore, AuditLog, EscalationStarter, IncidentStore, Notifier, OutboundMessage

SMS_LIMIT = 160


def start_escalation(
    incident_id: str, incidents: IncidentStore, starter: EscalationStarter, audit: AuditLog, now: datetime
) -> str | None:
    incident = incidents.get(incident_id)
    if incident is None:
        raise IncidentNotFoundError(incident_id)
    execution_arn = starter.start(incident)
    if execution_arn is None or execution_arn == incident.execution_arn:
        # Started before: a repeated stream record or a retry. Step Functions answers a repeat of a running
        # execution (same name and input) with its ARN again, which is no new start either.
        return None
    incidents.set_execution(incident_id, execution_arn)
    audit.record(incident_id, "escalation.started", "system", {"execution_arn": execution_arn}, now)
    return execution_arn


_GSM7_SAFE = frozenset(string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@_")
"""Characters that are one septet in GSM-7's basic table: one more (an emoji, `’`, `{`) and the SMS
switches to UCS-2 with 70 characters a part, or spends two septets on it, and the link no longer fits."""


def _gsm7(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)  # "Café" -> "Cafe" + a combining accent, dropped below
    kept = "".join(char if char in _GSM7_SAFE else " " if char.isspace() else "" for char in folded)
    return " ".join(kept.split())


def _sms(incident: Incident, tier: int, url: str) -> str:
    brand = _gsm7(incident.brand)[:24].strip()
    parts = ("CrisisWatch", incident.severity.value, brand, f"T{tier}: decide ")
    head = " ".join(part for part in parts if part)  # a brand with no GSM-7 letters is left out
    text = head + url
    # The link is never shortened: the head gives way so the whole SMS fits one GSM-7 part.
    return text if len(text) <= SMS_LIMIT else head[: max(0, SMS_LIMIT - len(url) - 1)] + " " + url


def _email(incident: Incident, tier: int, recipient: Recipient, url: str, expires_at: datetime) -> str:
    return (
        f"Hello {recipient.name},\n\n"
        f"CrisisWatch opened incident {incident.incident_id} for {incident.brand} "
        f"({incident.severity.value}).\n\n"
        f"What we see: {incident.summary}\n\n"
        f"You are tier {tier}. Please review and decide (approve the holding statement or dismiss "
        f"as a false alarm) before {expires_at.strftime('%H:%M UTC')}; after that the incident goes to "
        f"the next tier.\n\n"
        f"Review and decide: {url}\n\n"
        f"This link is yours alone and works once. Opening it changes nothing until you confirm."
    )


def notify_tier(
    incident_id: str,
    tier: int,
    task_token: str,
    recipients: list[Recipient],
    timeout: timedelta,
    base_url: str,
    incidents: IncidentStore,
    links: ActionLinkStore,
    notifier: Notifier,
    audit: AuditLog,
    now: datetime,
) -> list[dict[str, Any]]:
    """Send each recipient of the tier a message with a link of their own, all tied to one wait."""
    if not task_token:
        raise InvalidRequestError("a task token is required")
    if not recipients:
        raise InvalidRequestError(f"tier {tier} has no recipients")
    incident = incidents.get(incident_id)
    if incident is None:
        raise IncidentNotFoundError(incident_id)
    notification_id = f"{incident_id}/t{tier}/{new_link_id()[:8]}"
    expires_at = now + timeout
    messages: list[OutboundMessage] = []
    sent: list[dict[str, Any]] = []
    for recipient in recipients:
        link_id = new_link_id()
        link = ActionLink(
            key=link_key(link_id),
            incident_id=incident_id,
            notification_id=notification_id,
            tier=tier,
            recipient=recipient.recipient_id,
            expires_at=expires_at,
            allowed=(Decision.APPROVE, Decision.DISMISS),
        )
        links.add(link, task_token)
        url = f"{base_url.rstrip('/')}/a/{link_id}"
        messages.append(
            OutboundMessage(
                recipient=recipient.recipient_id,
                subject=f"[{incident.severity.value}] {incident.brand}: decision needed (tier {tier})",
                email_body=_email(incident, tier, recipient, url, expires_at),
                sms_body=_sms(incident, tier, url),
            )
        )
        sent.append({"recipient": recipient.recipient_id, "link_key": link.key[:12]})
    notifier.send(tier, messages)
    audit.record(
        incident_id,
        "tier.notified",
        "system",
        {
            "tier": tier,
            "recipients": [r.recipient_id for r in recipients],
            "expires_at": expires_at.isoformat(),
        },
        now,
    )
    return sent


def record_timeout(incident_id: str, tier: int, audit: AuditLog, now: datetime) -> None:
    audit.record(incident_id, "tier.timed_out", "system", {"tier": tier}, now)


def record_decision(
    incident_id: str, outcome: dict[str, Any], incidents: IncidentStore, audit: AuditLog, now: datetime
) -> Incident:
    """Write the decision (or the absence of one) on the incident and release the brand's slot."""
    raw = outcome.get("decision")
    if raw == "unanswered":
        status, decided_by, decided_at = IncidentStatus.UNANSWERED, "nobody", now
    else:
        try:
            decision = Decision(str(raw))
        except ValueError:
            raise InvalidRequestError(f"unknown decision {raw!r}") from None
        status = DECISION_STATUS[decision]
        decided_by = str(outcome.get("decided_by") or "unknown")
        decided_at = now
    incident = incidents.record_decision(incident_id, status.value, str(raw), decided_by, decided_at)
    incidents.close(incident)
    audit.record(
        incident_id, "incident.decided", decided_by, {"decision": raw, "tier": outcome.get("tier")}, now
    )
    return incident
