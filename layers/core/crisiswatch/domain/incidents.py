"""Incidents: one detected crisis and the decisions taken on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .clock import to_iso


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"


class IncidentStatus(StrEnum):
    ESCALATING = "escalating"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    UNANSWERED = "unanswered"
    FAILED = "failed"


class Decision(StrEnum):
    APPROVE = "approve"
    DISMISS = "dismiss"


DECISION_STATUS = {Decision.APPROVE: IncidentStatus.APPROVED, Decision.DISMISS: IncidentStatus.DISMISSED}

_NOT_ID_CHARS = re.compile(r"[^a-z0-9]+")


def brand_slug(brand: str) -> str:
    slug = _NOT_ID_CHARS.sub("-", brand.lower()).strip("-")
    return slug[:40] or "brand"


def incident_id_for(brand: str, detected_bucket: datetime) -> str:
    """Deterministic, so a replayed detection opens the same incident and starts no second execution.

    It doubles as the Step Functions execution name (at most 80 of `[A-Za-z0-9_-]`).
    """
    return f"inc-{brand_slug(brand)}-{detected_bucket.strftime('%Y%m%dT%H%MZ')}"


@dataclass(frozen=True)
class Recipient:
    recipient_id: str
    """Also the SNS filter-policy value that routes a message to this person's subscriptions only."""
    name: str


@dataclass
class Incident:
    incident_id: str
    brand: str
    severity: Severity
    opened_at: datetime
    detected_bucket: datetime
    detected_at: datetime | None = None
    """Event time of the detection: the newest mention the detector had seen (scenario time in a replay)."""
    status: IncidentStatus = IncidentStatus.ESCALATING
    summary: str = ""
    explanation: dict[str, Any] = field(default_factory=dict)
    crisis_types: tuple[str, ...] = ()
    decision: str | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    execution_arn: str | None = None

    def facts(self) -> dict[str, Any]:
        """What the state machine carries: small, JSON-safe."""
        return {
            "incident_id": self.incident_id,
            "brand": self.brand,
            "severity": self.severity.value,
            "summary": self.summary,
            "crisis_types": list(self.crisis_types),
            "opened_at": to_iso(self.opened_at),
            "detected_bucket": to_iso(self.detected_bucket),
            "detected_at": to_iso(self.detected_at or self.detected_bucket),
        }
