"""What a Step Functions task's event must hold, checked the same way by every task's handler."""

from __future__ import annotations

from typing import Any

from .domain.errors import InvalidRequestError


def incident_id_of(event: Any) -> str:
    """The event's `incident_id`; InvalidRequestError (a typed error the ASL does not retry) without one."""
    incident_id = event.get("incident_id") if isinstance(event, dict) else None
    if not isinstance(incident_id, str) or not incident_id:
        raise InvalidRequestError("incident_id is required")
    return incident_id
