"""Telling the crisis plan's people that the detector raised an incident's severity.

The running crisis plan is not re-routed mid-flight: a request that is out waits on its task token, and
re-planning its rounds under it would leave the cursor pointing into a different route. So the raise
updates the incident (every later step reads its severity) and this notice tells everyone the raised
severity's route names (its `at_once` tiers included: executives for SEV1, legal for a breach) at once,
whichever round the flow is in. A route a maintenance window holds is not told: the hold stands.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..domain.detection.severity import Severity
from ..domain.response.incidents import Incident
from ..domain.response.notices import SMS_LIMIT, gsm7
from ..ports import OutboundMessage, PlanPorts

if TYPE_CHECKING:  # the policy is loaded (with pydantic) only where it is needed
    from ..domain.response.policy import EscalationPolicy


def raise_notices(
    incident: Incident, previous: Severity, reason: str, policy: EscalationPolicy, at: datetime
) -> list[OutboundMessage]:
    """One notice per contact of the raised severity's route (every round), or none while it is held."""
    route = policy.route(incident.severity, incident.crisis_types, at)
    if route.held:
        return []
    tiers = tuple(name for names in route.rounds for name in names)
    sev = incident.severity.value
    subject = f"[{sev}] {incident.brand}: raised from {previous.value} to {sev}"
    email = (
        f"The detector raised incident {incident.incident_id} ({incident.brand}) from {previous.value} "
        f"to {sev}.\n\nWhy: {reason}\n\n"
        f"Everyone on the {sev} route is told now. The escalation already running goes on: answer the "
        "request you received (or the next one) as usual; the incident page shows the new severity."
    )
    sms = gsm7(f"CrisisWatch {incident.brand[:24]}: raised {previous.value} to {sev}. {reason}")[:SMS_LIMIT]
    return [
        OutboundMessage(recipient=contact.id, subject=subject, email_body=email, sms_body=sms)
        for contact in policy.contacts_of(tiers)
    ]


def tell_of_raise(incident: Incident, previous: Severity, reason: str, at: datetime, ports: PlanPorts) -> int:
    """Send the raise's notices (the policy's route) through the notification port; how many were sent."""
    messages = raise_notices(incident, previous, reason, ports.policy, at)
    if messages:
        ports.notifier.send(messages)
    return len(messages)
