"""The crisis plan's steps once someone decided: record it, publish, monitor, resolve, review."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.checklist import ChecklistItem
from ..domain.clock import parse_iso, to_iso
from ..domain.crisis_plan import Cursor, Phase, after_decision, monitor_cursor, review_cursor
from ..domain.errors import InvalidRequestError
from ..domain.incidents import NOTE_LIMIT, Decision, Incident, IncidentChanges, IncidentStatus
from ..domain.statements import Channel, Draft, StatementsError, clean_statement
from ..ports import PlanPorts
from .escalation import SYSTEM, close_current_request, load_incident, rounds_of

if TYPE_CHECKING:
    pass


def _parse_decision(raw: Any) -> tuple[Decision, str, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise InvalidRequestError("the decision must be an object")
    try:
        decision = Decision(str(raw.get("decision")))
    except ValueError:
        raise InvalidRequestError(f"unknown decision {raw.get('decision')!r}") from None
    decided_by = str(raw.get("decided_by") or "")
    if not decided_by:
        raise InvalidRequestError("a decision names who decided")
    return decision, decided_by, raw


def _draft(incident: Incident, key: str) -> dict[str, Any]:
    for draft in incident.drafts:
        if draft.get("key") == key:
            return dict(draft)
    raise InvalidRequestError(f"no statement {key!r} was offered for {incident.incident_id}")


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
    decision, decided_by, raw = _parse_decision(decision_data)
    incident = load_incident(incidents, incident_id)
    detail = {"tier": raw.get("tier"), "phase": cursor.phase.value}
    if decision is Decision.ACKNOWLEDGE:
        incidents.update(incident_id, IncidentChanges(status=IncidentStatus.ACKNOWLEDGED, owner=decided_by))
        incidents.tick(incident_id, ChecklistItem.ACKNOWLEDGED, decided_by, now)
        audit.record(incident_id, "incident.acknowledged", decided_by, detail, now)
    elif decision is Decision.APPROVE:
        draft = _draft(incident, str(raw.get("statement") or ""))
        statement = {**draft, "approved_by": decided_by, "approved_at": to_iso(now)}
        incidents.update(
            incident_id,
            IncidentChanges(
                status=IncidentStatus.APPROVED,
                owner=incident.owner or decided_by,
                statement=statement,
                decision=decision.value,
                decided_by=decided_by,
                decided_at=now,
            ),
        )
        incidents.tick(incident_id, ChecklistItem.ACKNOWLEDGED, decided_by, now)
        incidents.tick(incident_id, ChecklistItem.STATEMENT_APPROVED, decided_by, now)
        audit.record(
            incident_id,
            "statement.approved",
            decided_by,
            {**detail, "statement": draft["key"], "channel": draft.get("channel"), "text": draft.get("text")},
            now,
        )
    elif decision is Decision.REQUEST_CHANGES:
        revision = _revise(incident, raw, decided_by)
        incidents.update(incident_id, IncidentChanges(drafts=[*incident.drafts, revision.to_dict()]))
        audit.record(
            incident_id,
            "statement.changes_requested",
            decided_by,
            {
                **detail,
                "of": raw.get("statement"),
                "revision": revision.key,
                "text": revision.text,
                "note": str(raw.get("note") or "")[:NOTE_LIMIT],
            },
            now,
        )
    elif decision is Decision.DISMISS:
        dismissed = incidents.update(
            incident_id,
            IncidentChanges(
                status=IncidentStatus.DISMISSED,
                decision=decision.value,
                decided_by=decided_by,
                decided_at=now,
            ),
        )
        incidents.close(dismissed)
        feedback.false_alarm(incident.brand, incident_id, decided_by, now)
        audit.record(incident_id, "incident.dismissed", decided_by, detail, now)
    elif decision is Decision.ESCALATE:
        audit.record(incident_id, "incident.escalated", decided_by, detail, now)
    else:
        raise InvalidRequestError(f"{decision.value} is not decided while asking tiers")
    following = after_decision(cursor, decision, rounds_of(incident, policy, timing), timing)
    return following.to_dict()


def _revise(incident: Incident, raw: dict[str, Any], decided_by: str) -> Draft:
    """A revised statement becomes a draft of its own, offered for approval next."""
    base = _draft(incident, str(raw.get("statement") or ""))
    count = sum(1 for draft in incident.drafts if draft.get("revised_by"))
    try:
        revision = Draft.from_dict(
            {
                **base,
                "key": f"revision-{count + 1}",
                "label": f"{base.get('label', base['key'])}, revised by {decided_by}",
                "revised_by": decided_by,
            }
        )
        # Tidied and checked again (the page did it already): a decision may reach the workflow
        # by another road, and only a clean text may be offered for approval.
        return revision.revised(str(raw.get("revised_text") or ""), decided_by)
    except StatementsError as error:
        raise InvalidRequestError(str(error)) from error


def publish_statement(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """Post the approved statement (once, however often the task is retried) and tell the team."""
    publisher, comms, incidents, audit = plan.publisher, plan.comms, plan.incidents, plan.audit
    incident = load_incident(incidents, incident_id)
    statement = incident.statement
    if not statement:
        raise InvalidRequestError(f"{incident_id} has no approved statement")
    if statement.get("ref"):
        return {"ref": statement["ref"], "already": True}
    try:
        channel = Channel(str(statement.get("channel"))).value
    except ValueError:
        raise InvalidRequestError(f"{incident_id}: the statement's channel is unknown") from None
    # The last guard: a text that cannot be published raises its StatementTextError and nothing is
    # posted. A text approved before revisions were tidied goes out tidied, and is recorded as such.
    text = clean_statement(str(statement.get("text", "")), Channel(channel))
    reference = publisher.post(incident_id, channel, text, now)
    published = {
        **statement,
        "text": text,
        "ref": reference,
        "publisher": publisher.name,
        "published_at": to_iso(now),
    }
    incidents.update(incident_id, IncidentChanges(status=IncidentStatus.PUBLISHED, statement=published))
    incidents.tick(incident_id, ChecklistItem.PUBLISHED, SYSTEM, now)
    comms.announce(
        f"[{incident.severity.value}] {incident.brand}: statement published",
        f"Incident {incident_id}: the statement approved by {statement.get('approved_by')} is published "
        f"({channel}, {publisher.name}).\n\n{text}",
    )
    audit.record(
        incident_id, "statement.published", SYSTEM, {"channel": channel, "ref": reference, "text": text}, now
    )
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
        incidents.update(incident_id, IncidentChanges(status=IncidentStatus.MONITORING))
        incidents.tick(incident_id, ChecklistItem.MONITORING, SYSTEM, now)
        audit.record(incident_id, "monitoring.started", SYSTEM, {"calm_seconds": timing.calm_seconds}, now)
    if checks == 0 or last_signal != previous.get("last_signal") or not isinstance(quiet_since, str):
        quiet_since = to_iso(now)
    calm_for = (now - parse_iso(quiet_since)).total_seconds()
    calm = calm_for >= timing.calm_seconds
    if calm:
        audit.record(
            incident_id,
            "monitoring.calm",
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
    review = {"response_seconds": response_times(incident, now), "resolved_by": by}
    resolved = incidents.update(
        incident_id, IncidentChanges(status=IncidentStatus.RESOLVED, resolved_at=now, review=review)
    )
    incidents.tick(incident_id, ChecklistItem.RESOLVED, by, now)
    incidents.close(resolved)
    audit.record(
        incident_id, "incident.resolved", by, {"how": "by a person" if by != SYSTEM else "calm"}, now
    )
    close_current_request(incident_id, Phase.MONITOR, links, now)
    return {"resolved_by": by, "cursor": review_cursor(timing).to_dict()}


def response_times(incident: Incident, now: datetime) -> dict[str, int]:
    """Seconds from the incident's opening to each checklist milestone reached so far."""
    times = {}
    for item, done in incident.checklist.items():
        at = done.get("at")
        if at:
            times[item] = int((parse_iso(at) - incident.opened_at).total_seconds())
    times[ChecklistItem.RESOLVED.value] = int((now - incident.opened_at).total_seconds())
    return times


def record_review(
    incident_id: str,
    decision_data: Any,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    incidents, audit = plan.incidents, plan.audit
    decision, decided_by, raw = _parse_decision(decision_data)
    if decision is not Decision.REVIEW_DONE:
        raise InvalidRequestError(f"{decision.value} does not complete a review")
    incident = load_incident(incidents, incident_id)
    review = {
        **(incident.review or {}),
        "done_by": decided_by,
        "done_at": to_iso(now),
        "notes": str(raw.get("note") or "")[:NOTE_LIMIT],
    }
    incidents.update(incident_id, IncidentChanges(status=IncidentStatus.REVIEWED, review=review))
    incidents.tick(incident_id, ChecklistItem.REVIEW_DONE, decided_by, now)
    audit.record(incident_id, "review.done", decided_by, {"notes": review["notes"]}, now)
    return {"reviewed_by": decided_by}


def review_overdue(
    incident_id: str,
    plan: PlanPorts,
    now: datetime,
) -> dict[str, Any]:
    """The review's time ran out: operators hear of it and the owner's review link expires."""
    incidents, links, audit = plan.incidents, plan.links, plan.audit
    load_incident(incidents, incident_id)
    audit.record(incident_id, "review.overdue", SYSTEM, {}, now)
    close_current_request(incident_id, Phase.REVIEW, links, now)
    return {"overdue": True}
