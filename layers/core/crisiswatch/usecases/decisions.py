"""What happens when a responder opens or submits an action link."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from ..domain.errors import TransientError
from ..domain.incidents import Decision, Incident
from ..domain.links import (
    ActionLink,
    LinkState,
    form_token,
    is_well_formed_link_id,
    link_hint,
    link_key,
    verify_form_token,
)
from ..ports import ActionLinkStore, AuditLog, IncidentStore, TaskCallbacks


class Outcome(StrEnum):
    CONFIRM = "confirm"
    """The link is live: show the incident and the buttons."""
    DECIDED = "decided"
    """This click decided."""
    ALREADY_DECIDED = "already_decided"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    BAD_FORM = "bad_form"
    RETRY = "retry"
    """The workflow could not be reached; nothing was decided, the link still works."""


HTTP_STATUS = {
    Outcome.CONFIRM: 200,
    Outcome.DECIDED: 200,
    Outcome.ALREADY_DECIDED: 409,
    Outcome.EXPIRED: 410,
    Outcome.UNKNOWN: 404,
    Outcome.BAD_FORM: 400,
    Outcome.RETRY: 409,
}


@dataclass(frozen=True)
class LinkPage:
    outcome: Outcome
    link: ActionLink | None = None
    incident: Incident | None = None
    form_token: str = ""
    decided: ActionLink | None = None
    """The link whose click decided, for "already decided by X at T"."""
    message: str = ""

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.outcome]


def _lookup(link_id: str, links: ActionLinkStore) -> ActionLink | None:
    if not is_well_formed_link_id(link_id):
        return None
    return links.get(link_key(link_id))


def _closed_page(
    link: ActionLink, incident: Incident | None, links: ActionLinkStore, now: datetime
) -> LinkPage:
    """Why a link no longer decides: someone decided, or its tier ran out of time."""
    decided = links.decision_for(link.notification_id)
    if decided is not None:
        return LinkPage(Outcome.ALREADY_DECIDED, link, incident, decided=decided)
    if link.state is LinkState.USED or link.is_expired(now):
        return LinkPage(Outcome.EXPIRED, link, incident)
    return LinkPage(Outcome.ALREADY_DECIDED, link, incident)


def view_link(
    link_id: str, secret: bytes, links: ActionLinkStore, incidents: IncidentStore, now: datetime
) -> LinkPage:
    """GET and HEAD: render, never change anything (mail scanners open every link)."""
    link = _lookup(link_id, links)
    if link is None:
        return LinkPage(Outcome.UNKNOWN)
    incident = incidents.get(link.incident_id)
    if link.state is not LinkState.PENDING or link.is_expired(now):
        return _closed_page(link, incident, links, now)
    if links.decision_for(link.notification_id) is not None:  # another recipient of this request decided
        return _closed_page(link, incident, links, now)
    return LinkPage(Outcome.CONFIRM, link, incident, form_token=form_token(secret, link_id, now))


def decide(
    link_id: str,
    decision: str,
    submitted_token: str,
    client: str,
    secret: bytes,
    links: ActionLinkStore,
    incidents: IncidentStore,
    callbacks: TaskCallbacks,
    audit: AuditLog,
    now: datetime,
) -> LinkPage:
    """POST: decide once, as the person the link was sent to."""
    link = _lookup(link_id, links)
    if link is None:
        return LinkPage(Outcome.UNKNOWN)
    incident = incidents.get(link.incident_id)
    if not verify_form_token(secret, link_id, submitted_token, now):
        return LinkPage(
            Outcome.BAD_FORM, link, incident, message="This form is out of date. Open the link again."
        )
    if link.state is not LinkState.PENDING or link.is_expired(now):
        return _closed_page(link, incident, links, now)
    try:
        choice = Decision(decision)
    except ValueError:
        choice = None
    if choice is None or choice not in link.allowed:
        return LinkPage(Outcome.BAD_FORM, link, incident, message="That is not one of the choices offered.")
    if not links.claim(link, choice.value, link.recipient, now):
        return _closed_page(link, incident, links, now)
    token = links.task_token(link.key)
    output = {
        "decision": choice.value,
        "decided_by": link.recipient,
        "tier": link.tier,
        "decided_at": now.isoformat(),
    }
    try:
        resumed = token is not None and callbacks.succeed(token, output)
    except TransientError:
        links.release(link)
        return LinkPage(
            Outcome.RETRY,
            link,
            incident,
            message="We could not reach the workflow. Nothing was decided; try again.",
        )
    if not resumed:
        links.release(link)  # Nothing was decided: later visits must say "expired", not "decided by".
        audit.record(
            link.incident_id, "link.late", link.recipient, {"tier": link.tier, "client": client}, now
        )
        return LinkPage(Outcome.EXPIRED, link, incident)
    audit.record(
        link.incident_id,
        "decision.submitted",
        link.recipient,
        {"decision": choice.value, "tier": link.tier, "client": client, "link": link_hint(link_id)},
        now,
    )
    decided = replace(
        link, state=LinkState.USED, decision=choice.value, decided_by=link.recipient, decided_at=now
    )
    return LinkPage(Outcome.DECIDED, decided, incident, decided=decided)
