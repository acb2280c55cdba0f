"""The crisis plan's steps until someone decides: start, assess and route, ask people, handle silence.

Each function is one task of the state machine. They take the incident's id and the execution's
cursor, read the rest from the stores, and return the next cursor; the machine only waits and branches.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..domain.errors import IncidentNotFoundError, InvalidRequestError
from ..domain.response.audit import AuditKind
from ..domain.response.crisis_plan import (
    ALLOWED,
    Cursor,
    Message,
    Phase,
    PlannedRound,
    Timing,
    after_timeout,
    plan_rounds,
    start_round,
)
from ..domain.response.incidents import SYSTEM, Incident, IncidentRoute, RoutedRound
from ..domain.response.links import ActionLink, DecisionRequest, link_key, new_link_id
from ..domain.response.notices import Asking, compose
from ..domain.response.statements import StatementFacts, default_statements
from ..domain.speech import DEFAULT_LANGUAGE, Speech
from ..ports import ActionLinkStore, AuditLog, IncidentStore, OutboundMessage, PlanPorts, PlanStarter
from .lifecycle import apply, record, write

if (
    TYPE_CHECKING
):  # the policy is loaded (with pydantic) by the functions that route; StartEscalation never does
    from ..domain.response.policy import Contact, EscalationPolicy, Route


def load_incident(incidents: IncidentStore, incident_id: str) -> Incident:
    incident = incidents.get(incident_id)
    if incident is None:
        raise IncidentNotFoundError(incident_id)
    return incident


def start_plan(
    incident_id: str, incidents: IncidentStore, starter: PlanStarter, audit: AuditLog, now: datetime
) -> str | None:
    incident = load_incident(incidents, incident_id)
    execution_arn = starter.start(incident)
    if execution_arn is None or execution_arn == incident.execution_arn:
        # Started before: a repeated stream record or a retry. Step Functions answers a repeat of a running
        # execution (same name and input) with its ARN again, which is no new start either.
        return None
    incidents.set_execution(incident_id, execution_arn)
    audit.record(incident_id, AuditKind.ESCALATION_STARTED, SYSTEM, {"execution_arn": execution_arn}, now)
    return execution_arn


def route_of(incident: Incident, policy: EscalationPolicy, at: datetime) -> Route:
    return policy.route(incident.severity, incident.crisis_types, at)


def rounds_of(incident: Incident, policy: EscalationPolicy, timing: Timing) -> list[PlannedRound]:
    # Rounds do not depend on the time (only holding does), so every step recomputes the same ones.
    return plan_rounds(policy, route_of(incident, policy, incident.opened_at), timing)


def assess(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Facts, severity and route; hold it while a maintenance window covers its severity."""
    policy, statements, timing, incidents, audit = (
        plan.policy,
        plan.statements,
        plan.timing,
        plan.incidents,
        plan.audit,
    )
    incident = load_incident(incidents, incident_id)
    route = route_of(incident, policy, now)
    if route.held and route.hold_until is not None:
        apply(incidents, audit, incident, incident.hold(route.hold_reason, route.hold_until), now)
        return {"held": True, "hold_seconds": max(1, int((route.hold_until - now).total_seconds()) + 1)}
    rounds = plan_rounds(policy, route, timing)
    includes_legal = policy.includes_legal(route)
    described = IncidentRoute(
        rounds=tuple(RoutedRound(planned.tiers, planned.response_seconds) for planned in rounds),
        includes_legal=includes_legal,
        minute_seconds=timing.minute_seconds,
    )
    voice = plan.locales.voice_of(incident.brand)
    # A brand speaking another language than the library's source gets its packaged library in that
    # language (statements.<lang>.toml); STATEMENTS_FILE replaces the English one.
    library = (
        statements
        if voice.language == DEFAULT_LANGUAGE
        else default_statements(voice.language, voice.address_form)
    )
    drafts = incident.drafts or library.drafts_for(
        StatementFacts(brand=incident.brand, crisis_types=incident.crisis_types)
    )
    apply(incidents, audit, incident, incident.routed(described, drafts), now)
    return {"held": False, "includes_legal": includes_legal, "cursor": start_round(rounds, 0).to_dict()}


def _audience(
    incident: Incident, cursor: Cursor, policy: EscalationPolicy, rounds: list[PlannedRound]
) -> tuple[list[Contact], Callable[[Speech], str]]:
    """Who this wait asks, and how the message names their role (in each reader's language; a tier's
    label is the policy's own words)."""
    if cursor.phase is Phase.TIERS:
        if cursor.round >= len(rounds):
            raise InvalidRequestError(f"round {cursor.round + 1} is beyond the route")
        names = rounds[cursor.round].tiers
        label = " + ".join(policy.tiers[name].label for name in names)
        number = cursor.round + 1
        return (
            policy.contacts_of(names),
            lambda speech: (
                speech.gettext("tier %(number)d: %(label)s")
                % {
                    "number": number,
                    "label": label,
                }
            ),
        )
    owner = policy.contact(incident.owner or "")
    if owner is not None:
        return [owner], lambda speech: speech.gettext("the incident's owner")
    # The owner left the policy since: the first round stands in, so nobody is left unasked.
    return policy.contacts_of(rounds[0].tiers), lambda speech: speech.gettext(
        "tier 1, standing in for the owner"
    )


ASKED = {
    Phase.TIERS: AuditKind.TIER_NOTIFIED,
    Phase.OWNER: AuditKind.OWNER_NOTIFIED,
    Phase.MONITOR: AuditKind.MONITORING_NOTIFIED,
    Phase.REVIEW: AuditKind.REVIEW_REQUESTED,
}
"""What the audit trail calls a first request of each phase (a repeat is a reminder)."""


def _new_request(
    incident_id: str, cursor: Cursor, contacts: list[Contact], expires_at: datetime
) -> DecisionRequest:
    return DecisionRequest(
        notification_id=f"{incident_id}/{cursor.phase.value}{cursor.round + 1}/{new_link_id()[:8]}",
        incident_id=incident_id,
        phase=cursor.phase.value,
        tier=cursor.round + 1 if cursor.phase in (Phase.TIERS, Phase.OWNER) else 0,
        recipients=tuple(contact.id for contact in contacts),
        allowed=ALLOWED[cursor.phase],
        expires_at=expires_at,
    )


def _link_for(
    contact: Contact,
    incident: Incident,
    request: DecisionRequest,
    ask: Callable[[Speech], Asking],
    plan: PlanPorts,
) -> OutboundMessage:
    """A new action link of `request` for `contact`, stored, and the message, in the contact's language, that
    carries it."""
    speech = plan.speech(plan.locales.reader_language(contact.id))
    asking = ask(speech)
    link_id = new_link_id()
    plan.links.add(
        ActionLink(
            key=link_key(link_id),
            incident_id=incident.incident_id,
            notification_id=request.notification_id,
            tier=request.tier,
            recipient=contact.id,
            expires_at=asking.expires_at,  # a reminder's new deadline, not the request's first
            allowed=request.allowed,
        )
    )
    url = f"{plan.action_base_url.rstrip('/')}/a/{link_id}"
    notice = compose(incident, asking, contact.name, url, speech)
    return OutboundMessage(contact.id, notice.subject, notice.email, notice.sms)


def request_decision(
    incident_id: str,
    cursor_data: Any,
    task_token: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Ask the cursor's people for a decision: new links, a reminder, or the same request rebound."""
    policy, timing, incidents, links, notifier, audit = (
        plan.policy,
        plan.timing,
        plan.incidents,
        plan.links,
        plan.notifier,
        plan.audit,
    )
    if not task_token:
        raise InvalidRequestError("a task token is required")
    cursor = Cursor.from_dict(cursor_data)
    if cursor.phase is Phase.NOBODY:
        raise InvalidRequestError("nobody is left to ask")
    incident = load_incident(incidents, incident_id)
    expires_at = now + timedelta(seconds=cursor.deadline_seconds or cursor.wait_seconds)
    current = links.current_request(incident_id)
    if cursor.message is Message.REBIND:
        if current is None or current.phase != cursor.phase.value:
            raise InvalidRequestError("there is no request to wait on")
        links.rebind(current.notification_id, task_token, expires_at)
        return {"rebound": True}
    rounds = rounds_of(incident, policy, timing)
    contacts, who = _audience(incident, cursor, policy, rounds)
    if cursor.message is Message.REMIND and current is not None and current.phase == cursor.phase.value:
        request = current
        links.rebind(request.notification_id, task_token, expires_at)
    else:
        request = _new_request(incident_id, cursor, contacts, expires_at)
        links.open_request(request, task_token)
    first_statement = incident.drafts[0].text if incident.drafts else ""

    def ask(speech: Speech) -> Asking:
        return Asking(cursor.phase, cursor.message, who(speech), expires_at, first_statement)

    messages = [_link_for(contact, incident, request, ask, plan) for contact in contacts]
    notifier.send(messages)
    audit.record(
        incident_id,
        AuditKind.REMINDER_SENT if cursor.message is Message.REMIND else ASKED[cursor.phase],
        SYSTEM,
        {
            "phase": cursor.phase.value,
            "tier": request.tier,
            "recipients": [contact.id for contact in contacts],
            "expires_at": expires_at.isoformat(),
            "wait_seconds": cursor.wait_seconds,
        },
        now,
    )
    return {"sent": len(messages), "phase": cursor.phase.value, "tier": request.tier}


def close_current_request(
    incident_id: str, phase: Phase | None, links: ActionLinkStore, now: datetime
) -> None:
    """The plan moved on from the incident's current request (of `phase`, if given): its links expire
    now, whatever the clock in them says. A link clicked later reads "expired", not "try again"."""
    current = links.current_request(incident_id)
    if current is not None and (phase is None or current.phase == phase.value):
        links.close_request(current.notification_id, now)


def time_ran_out(
    incident_id: str,
    cursor_data: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """A wait ended with nobody deciding: the next cursor (a reminder, the next tier, or nobody).

    What follows comes from the cursor alone (which reminders were sent, which round this is), never
    from the time: the state machine's timer decided that the time ran out.
    """
    policy, timing, incidents, links, audit = plan.policy, plan.timing, plan.incidents, plan.links, plan.audit
    cursor = Cursor.from_dict(cursor_data)
    incident = load_incident(incidents, incident_id)
    rounds = rounds_of(incident, policy, timing)
    following = after_timeout(cursor, rounds)
    if following.message is Message.REMIND:
        return following.to_dict()  # the same request goes on; the reminder is audited when it is sent
    close_current_request(incident_id, cursor.phase, links, now)
    audit.record(
        incident_id,
        AuditKind.TIER_TIMED_OUT if cursor.phase is Phase.TIERS else AuditKind.OWNER_TIMED_OUT,
        SYSTEM,
        {
            "tier": cursor.round + 1,
            "next_tier": following.round + 1 if following.phase is Phase.TIERS else None,
        },
        now,
    )
    if following.phase is Phase.NOBODY:
        audit.record(incident_id, AuditKind.ESCALATION_EXHAUSTED, SYSTEM, {"rounds": len(rounds)}, now)
    return following.to_dict()


def record_unanswered(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Every tier stayed silent: say so on the incident and free the brand for the next alert."""
    incidents, audit = plan.incidents, plan.audit
    found = load_incident(incidents, incident_id)
    unanswered = found.unanswered(now)
    incident = write(incidents, found, unanswered, now)
    incidents.close(incident)
    record(audit, incident_id, unanswered, now)
    return {"status": incident.status.value}


def record_failure(
    incident_id: str,
    error: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """A step kept failing: the incident says so (people take over by hand), the brand is freed and
    the links still out expire (the workflow they would resume is ending)."""
    incidents, links, audit = plan.incidents, plan.links, plan.audit
    detail = error if isinstance(error, dict) else {"error": str(error)}
    summary = {key: str(detail.get(key, ""))[:500] for key in ("Error", "Cause") if key in detail}
    found = load_incident(incidents, incident_id)
    failed = found.fail(summary or {"error": str(error)[:500]})
    incident = write(incidents, found, failed, now)
    incidents.close(incident)
    record(audit, incident_id, failed, now)
    close_current_request(incident_id, None, links, now)
    return {"status": incident.status.value}
