"""The crisis plan's steps once someone decided: record it, publish, monitor, resolve, review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain.clock import parse_iso, to_iso
from ..domain.errors import InvalidRequestError
from ..domain.response.audit import AuditKind
from ..domain.response.crisis_plan import Cursor, Phase, after_decision, monitor_cursor, review_cursor
from ..domain.response.incidents import SYSTEM, Decision
from ..domain.response.links import DecisionPayload
from ..domain.response.statements import clean_statement
from ..ports import PlanPorts
from .asking import close_current_request, load_incident, rounds_of
from .lifecycle import apply, record, write


def record_decision(
    incident_id: str,
    cursor_data: Any,
    decision_data: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Write what a person decided and return who is asked next (approve and dismiss end the asking)."""
    policy, timing, incidents, feedback, audit = (
        plan.policy,
        plan.timing,
        plan.incidents,
        plan.detector_feedback,
        plan.audit,
    )
    cursor = Cursor.from_dict(cursor_data)
    payload = DecisionPayload.from_dict(decision_data)
    decision, decided_by = payload.decision, payload.decided_by
    incident = load_incident(incidents, incident_id)
    detail = {"tier": payload.tier, "phase": cursor.phase.value}
    if decision is Decision.ACKNOWLEDGE:
        apply(incidents, audit, incident, incident.acknowledge(decided_by, detail), now)
    elif decision is Decision.APPROVE:
        approval = incident.approve(payload.statement or "", decided_by, now, detail)
        apply(incidents, audit, incident, approval, now)
    elif decision is Decision.REQUEST_CHANGES:
        revision = incident.request_changes(
            payload.statement or "", payload.revised_text or "", payload.note or "", decided_by, detail
        )
        apply(incidents, audit, incident, revision, now)
    elif decision is Decision.DISMISS:
        dismissal = incident.dismiss(decided_by, now, detail)
        dismissed = write(incidents, incident, dismissal, now)
        incidents.close(dismissed)
        feedback.false_alarm(incident.brand, incident_id, decided_by, now)
        record(audit, incident_id, dismissal, now)
    elif decision is Decision.ESCALATE:
        apply(incidents, audit, incident, incident.escalate(decided_by, detail), now)
    else:
        raise InvalidRequestError(f"{decision.value} is not decided while asking tiers")
    following = after_decision(cursor, decision, rounds_of(incident, policy, timing), timing)
    return following.to_dict()


def publish_statement(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Post the approved statement (once, however often the task is retried) and tell the team."""
    publisher, comms, incidents, audit = plan.publisher, plan.comms, plan.incidents, plan.audit
    incident = load_incident(incidents, incident_id)
    statement = incident.statement
    if statement is None:
        raise InvalidRequestError(f"{incident_id} has no approved statement")
    if statement.ref:
        return {"ref": statement.ref, "already": True}
    channel = statement.draft.channel
    # The last guard: a text that cannot be published raises its StatementTextError and nothing is
    # posted. A text approved before revisions were tidied goes out tidied, and is recorded as such.
    text = clean_statement(statement.draft.text, channel)
    reference = publisher.post(incident_id, channel.value, text, now)
    published = incident.publish(text, reference, publisher.name, now)
    write(incidents, incident, published, now)
    # The comms channel is the team's own: it reads the team's language.
    _ = plan.speech(plan.locales.team_language).gettext
    values = {
        "sev": incident.severity.value,
        "brand": incident.brand,
        "incident": incident_id,
        "who": statement.approved_by,
        "channel": _(channel.value),
        "publisher": publisher.name,
    }
    comms.announce(
        _("[%(sev)s] %(brand)s: statement published") % values,
        _(
            "Incident %(incident)s: the statement approved by %(who)s is published (%(channel)s, "
            "%(publisher)s)."
        )
        % values
        + f"\n\n{text}",
    )
    record(audit, incident_id, published, now)
    return {"ref": reference}


def check_signals(
    incident_id: str,
    previous: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Calm means no detector signal for the brand since the calm period began.

    The detector records the newest bucket in which any signal fired; it must stay the same for
    `calm_seconds` of wall-clock time (event time stands still when nobody posts at all).
    """
    timing, incidents, states, audit = plan.timing, plan.incidents, plan.detector_states, plan.audit
    previous = previous if isinstance(previous, dict) else {}
    incident = load_incident(incidents, incident_id)
    state, _version = states.load(incident.brand)
    checks = int(previous.get("checks") or 0)
    last_signal = state.last_signal_bucket
    quiet_since = previous.get("quiet_since")
    if checks == 0:
        apply(incidents, audit, incident, incident.start_monitoring(timing.calm_seconds), now)
    if checks == 0 or last_signal != previous.get("last_signal") or not isinstance(quiet_since, str):
        quiet_since = to_iso(now)
    calm_for = (now - parse_iso(quiet_since)).total_seconds()
    calm = calm_for >= timing.calm_seconds
    if calm:
        audit.record(
            incident_id,
            AuditKind.MONITORING_CALM,
            SYSTEM,
            {"calm_for_seconds": int(calm_for), "last_signal": last_signal},
            now,
        )
    return {
        "calm": calm,
        "checks": checks + 1,
        "last_signal": last_signal,
        "quiet_since": quiet_since,
        "cursor": monitor_cursor(checks, timing).to_dict(),
    }


def resolve(
    incident_id: str,
    resolution: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Resolved by a person or by calm: the brand is freed, the review record is started, and the
    monitoring links expire (after calm, a late "resolve" reads "expired").

    Returns the review's cursor: the state machine waits its `wait_seconds` (ReviewTimeoutSeconds).
    """
    timing, incidents, links, audit = plan.timing, plan.incidents, plan.links, plan.audit
    resolution = resolution if isinstance(resolution, dict) else {}
    by = str(resolution.get("decided_by") or SYSTEM)
    incident = load_incident(incidents, incident_id)
    resolving = incident.resolve(by, now)
    resolved = write(incidents, incident, resolving, now)
    incidents.close(resolved)
    record(audit, incident_id, resolving, now)
    close_current_request(incident_id, Phase.MONITOR, links, now)
    return {"resolved_by": by, "cursor": review_cursor(timing).to_dict()}


def record_review(
    incident_id: str,
    decision_data: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    incidents, audit = plan.incidents, plan.audit
    payload = DecisionPayload.from_dict(decision_data)
    if payload.decision is not Decision.REVIEW_DONE:
        raise InvalidRequestError(f"{payload.decision.value} does not complete a review")
    incident = load_incident(incidents, incident_id)
    apply(
        incidents, audit, incident, incident.complete_review(payload.decided_by, now, payload.note or ""), now
    )
    return {"reviewed_by": payload.decided_by}


def review_overdue(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """The review's time ran out: operators hear of it and the owner's review link expires."""
    incidents, links, audit = plan.incidents, plan.links, plan.audit
    load_incident(incidents, incident_id)
    audit.record(incident_id, AuditKind.REVIEW_OVERDUE, SYSTEM, {}, now)
    close_current_request(incident_id, Phase.REVIEW, links, now)
    return {"overdue": True}
