"""What happens when a responder opens or submits an action link."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from ..domain.clock import utc_now
from ..domain.errors import TransientError
from ..domain.response.audit import AuditKind
from ..domain.response.checklist import ChecklistItem, ChecklistLine, checklist_lines, parse_person_item
from ..domain.response.incidents import NOTE_LIMIT, Decision, Incident
from ..domain.response.links import (
    ActionLink,
    DecisionPayload,
    DecisionRequest,
    LinkState,
    form_token,
    is_well_formed_link_id,
    link_hint,
    link_key,
    verify_form_token,
)
from ..domain.response.statements import Draft, StatementTextError, clean_statement
from ..domain.speech import DEFAULT_LANGUAGE
from ..ports import ActionLinkStore, AuditLog, IncidentStore, LinkPorts


class Outcome(StrEnum):
    CONFIRM = "confirm"
    """The link is live: show the incident and the buttons."""
    DECIDED = "decided"
    """This click decided."""
    TICKED = "ticked"
    """A checklist item was ticked; the link still decides."""
    ALREADY_DECIDED = "already_decided"
    EXPIRED = "expired"
    UNKNOWN = "unknown"
    BAD_FORM = "bad_form"
    RETRY = "retry"
    """The workflow could not be reached; nothing was decided, the link still works."""


class Problem(StrEnum):
    """Why a form decided nothing (the page words it)."""

    STALE_FORM = "stale_form"
    """The form token is out of date or belongs to another link."""
    UNREADABLE_FORM = "unreadable_form"
    NOT_OFFERED = "not_offered"
    """A decision the link does not offer."""
    NO_SUCH_STATEMENT = "no_such_statement"
    REVISION_REFUSED = "revision_refused"
    """The revised text cannot be published; `LinkPage.why` says why."""
    NOT_TICKABLE = "not_tickable"
    WORKFLOW_UNREACHABLE = "workflow_unreachable"
    MOVING_ON = "moving_on"
    """The wait this request was bound to just ended; the next one takes over within seconds."""


@dataclass(frozen=True)
class Submission:
    """A POSTed form, already cut to size by the handler."""

    form_token: str
    decision: str = ""
    statement: str = ""
    """The draft approved, or the draft the revised text replaces."""
    revised_text: str = ""
    note: str = ""
    tick: str = ""
    """A checklist item to tick instead of deciding."""


@dataclass(frozen=True)
class Revision:
    """A revised text that was not accepted, shown again in its box so nothing typed is lost."""

    statement: str
    text: str


@dataclass(frozen=True)
class LinkPage:
    outcome: Outcome
    link: ActionLink | None = None
    incident: Incident | None = None
    form_token: str = ""
    decided: ActionLink | None = None
    """The link whose click decided, for "already decided by X at T"."""
    problem: Problem | None = None
    why: str = ""
    """What is wrong with a refused revision, in the words of the statement rules."""
    refusal: StatementTextError | None = None
    """The refused revision's reason itself, for the page to say it in its reader's language."""
    ticked: ChecklistItem | None = None
    request: DecisionRequest | None = None
    checklist: list[ChecklistLine] = field(default_factory=list)
    revision: Revision | None = None
    """Set when a revision was refused: the page offers its choices again, with the text as typed."""
    language: str = DEFAULT_LANGUAGE
    """The recipient's language: the page speaks it."""
    time_zone: str = "UTC"

    @property
    def drafts(self) -> list[Draft]:
        """Statements offered, exactly as they would be published: revisions (newest first), then the
        pre-approved drafts in the library's order (the holding statement first)."""
        if self.incident is None:
            return []
        revisions = [draft for draft in self.incident.drafts if draft.revised_by]
        originals = [draft for draft in self.incident.drafts if not draft.revised_by]
        return [*reversed(revisions), *originals]

    @property
    def expires_at(self) -> datetime | None:
        if self.request is not None:
            return self.request.expires_at
        return self.link.expires_at if self.link else None


def _includes_legal(incident: Incident | None) -> bool:
    return bool(incident and incident.includes_legal)


def _with_checklist(page: LinkPage) -> LinkPage:
    if page.incident is None:
        return page
    return replace(page, checklist=checklist_lines(page.incident.checklist, _includes_legal(page.incident)))


def _lookup(link_id: str, links: ActionLinkStore) -> ActionLink | None:
    if not is_well_formed_link_id(link_id):
        return None
    return links.get(link_key(link_id))


def _expired(link: ActionLink, request: DecisionRequest | None, now: datetime) -> bool:
    # The request's expiry moves with reminders and monitoring re-checks; the link's is a fallback.
    return request.is_expired(now) if request is not None else link.is_expired(now)


def _closed_page(
    link: ActionLink,
    incident: Incident | None,
    request: DecisionRequest | None,
    links: ActionLinkStore,
    now: datetime,
) -> LinkPage:
    """Why a link no longer decides: someone decided, or its request ran out of time."""
    decided = links.decision_for(link.notification_id)
    if decided is not None:
        return _with_checklist(
            LinkPage(Outcome.ALREADY_DECIDED, link, incident, decided=decided, request=request)
        )
    if link.state is LinkState.USED or _expired(link, request, now):
        return _with_checklist(LinkPage(Outcome.EXPIRED, link, incident, request=request))
    return _with_checklist(LinkPage(Outcome.ALREADY_DECIDED, link, incident, request=request))


def view_link(
    link_id: str, secret: bytes, links: ActionLinkStore, incidents: IncidentStore, now: datetime
) -> LinkPage:
    """GET and HEAD: render, never change anything (mail scanners open every link)."""
    link = _lookup(link_id, links)
    if link is None:
        return LinkPage(Outcome.UNKNOWN)
    incident = incidents.get(link.incident_id)
    request = links.request(link.notification_id)
    if link.state is not LinkState.PENDING or _expired(link, request, now):
        return _closed_page(link, incident, request, links, now)
    if links.decision_for(link.notification_id) is not None:  # another recipient of this request decided
        return _closed_page(link, incident, request, links, now)
    page = LinkPage(
        Outcome.CONFIRM, link, incident, form_token=form_token(secret, link_id, now), request=request
    )
    return _with_checklist(page)


def _decision_output(
    choice: Decision, submission: Submission, link: ActionLink, incident: Incident | None, now: datetime
) -> DecisionPayload | tuple[Problem, StatementTextError | None]:
    """What the workflow receives, or why the form cannot be accepted."""
    output = DecisionPayload(choice, decided_by=link.recipient, tier=link.tier, decided_at=now)
    if choice in (Decision.APPROVE, Decision.REQUEST_CHANGES):
        offered = {draft.key: draft for draft in (incident.drafts if incident else ())}
        draft = offered.get(submission.statement)
        if draft is None:
            return Problem.NO_SUCH_STATEMENT, None
        output = replace(output, statement=submission.statement)
        if choice is Decision.REQUEST_CHANGES:
            try:  # tidied here, so the text the next approver sees is the text published
                output = replace(output, revised_text=clean_statement(submission.revised_text, draft.channel))
            except StatementTextError as error:
                return Problem.REVISION_REFUSED, error
    if submission.note.strip():
        output = replace(output, note=submission.note.strip()[:NOTE_LIMIT])
    return output


@dataclass(frozen=True)
class _Visit:
    """One POST to a live link's page: the link, what it is about, who sent the form, and when."""

    link: ActionLink
    incident: Incident | None
    request: DecisionRequest | None
    client: str
    now: datetime

    def parts(self) -> tuple[ActionLink, Incident | None, DecisionRequest | None, str, datetime]:
        return self.link, self.incident, self.request, self.client, self.now


def _no_longer_open(visit: _Visit, links: ActionLinkStore, audit: AuditLog) -> LinkPage | None:
    """The page for a link that can no longer decide, or None while it can."""
    link, incident, request, client, now = visit.parts()
    if link.state is not LinkState.PENDING or _expired(link, request, now):
        page = _closed_page(link, incident, request, links, now)
        if page.outcome is Outcome.EXPIRED:  # a decision that came too late leaves a trace
            detail = {"tier": link.tier, "client": client}
            audit.record(link.incident_id, AuditKind.LINK_LATE, link.recipient, detail, now)
        return page
    if links.decision_for(link.notification_id) is not None:  # another recipient decided first
        return _closed_page(link, incident, request, links, now)
    return None


def decide(
    link_id: str,
    submission: Submission,
    client: str,
    ports: LinkPorts,
    now: datetime,
) -> LinkPage:
    """POST: decide once, as the person the link was sent to (or tick a checklist item)."""
    secret, links = ports.link_secret(), ports.links
    link = _lookup(link_id, links)
    if link is None:
        return LinkPage(Outcome.UNKNOWN)
    incident = ports.incidents.get(link.incident_id)
    request = links.request(link.notification_id)
    if not verify_form_token(secret, link_id, submission.form_token, now):
        return _with_checklist(
            LinkPage(Outcome.BAD_FORM, link, incident, problem=Problem.STALE_FORM, request=request)
        )
    visit = _Visit(link, incident, request, client, now)
    fresh_token = form_token(secret, link_id, now)
    if submission.tick:
        return _tick(visit, submission.tick, fresh_token, ports)
    closed = _no_longer_open(visit, links, ports.audit)
    if closed is not None:
        return closed
    try:
        choice = Decision(submission.decision)
    except ValueError:
        choice = None
    if choice is None or choice not in link.allowed:
        return _with_checklist(
            LinkPage(Outcome.BAD_FORM, link, incident, problem=Problem.NOT_OFFERED, request=request)
        )
    output = _decision_output(choice, submission, link, incident, now)
    if isinstance(output, tuple):
        return _refused(visit, choice, output, submission, fresh_token)
    return _resume(visit, output, link_id, fresh_token, ports)


def _refused(
    visit: _Visit,
    choice: Decision,
    refused: tuple[Problem, StatementTextError | None],
    submission: Submission,
    fresh_token: str,
) -> LinkPage:
    """The form cannot be accepted as sent."""
    (problem, refusal), link, incident, request = refused, visit.link, visit.incident, visit.request
    why = refusal.message if refusal is not None else ""
    if choice is not Decision.REQUEST_CHANGES:
        return _with_checklist(
            LinkPage(
                Outcome.BAD_FORM, link, incident, problem=problem, why=why, refusal=refusal, request=request
            )
        )
    # The link still decides: the page offers the choices again, the refused text in its box.
    page = LinkPage(
        Outcome.BAD_FORM,
        link,
        incident,
        form_token=fresh_token,
        problem=problem,
        why=why,
        refusal=refusal,
        request=request,
        revision=Revision(submission.statement, submission.revised_text),
    )
    return _with_checklist(page)


def _resume(
    visit: _Visit, output: DecisionPayload, link_id: str, fresh_token: str, ports: LinkPorts
) -> LinkPage:
    """Claim the link, resume the waiting execution with the decision, and record who decided."""
    link, incident, request, client, now = visit.parts()
    links, choice = ports.links, output.decision
    if not links.claim(link, choice.value, link.recipient, now):
        return _closed_page(link, incident, request, links, now)
    token = links.task_token(link.notification_id)
    try:
        resumed = token is not None and ports.workflow.succeed(token, output.to_dict())
    except TransientError:
        links.release(link)
        return LinkPage(
            Outcome.RETRY,
            link,
            incident,
            problem=Problem.WORKFLOW_UNREACHABLE,
            request=request,
        )
    if not resumed:
        return _not_resumed(visit, links, ports.audit)
    ports.audit.record(
        link.incident_id,
        AuditKind.DECISION_SUBMITTED,
        link.recipient,
        {
            "decision": choice.value,
            "tier": link.tier,
            "client": client,
            "link": link_hint(link_id),
            **({"statement": output.statement} if output.statement is not None else {}),
            **({"note": output.note} if output.note is not None else {}),
        },
        now,
    )
    decided = replace(
        link, state=LinkState.USED, decision=choice.value, decided_by=link.recipient, decided_at=now
    )
    fresh = ports.incidents.get(link.incident_id) or incident
    page = LinkPage(
        Outcome.DECIDED,
        decided,
        fresh,
        form_token=fresh_token,
        decided=decided,
        request=request,
    )
    return _with_checklist(page)


def _not_resumed(visit: _Visit, links: ActionLinkStore, audit: AuditLog) -> LinkPage:
    """The execution was not waiting on this request's token any more: nothing was decided."""
    link, incident, client, now = visit.link, visit.incident, visit.client, visit.now
    links.release(link)  # Later visits must not say "decided by".
    request = links.request(link.notification_id) or visit.request  # a reminder may have moved it on
    if not _expired(link, request, now):
        # The wait this request was bound to just ended (a reminder is being sent): the next one
        # takes over within seconds, and the link works again then.
        return LinkPage(
            Outcome.RETRY,
            link,
            incident,
            problem=Problem.MOVING_ON,
            request=request,
        )
    audit.record(
        link.incident_id, AuditKind.LINK_LATE, link.recipient, {"tier": link.tier, "client": client}, now
    )
    return LinkPage(Outcome.EXPIRED, link, incident, request=request)


def _tick(visit: _Visit, raw_item: str, fresh_token: str, ports: LinkPorts) -> LinkPage:
    """People tick what only they know happened, while their link is live (used or not)."""
    link, incident, request, client, now = visit.parts()
    links, incidents, audit = ports.links, ports.incidents, ports.audit
    if incident is None or _expired(link, request, now):
        return _closed_page(link, incident, request, links, now)
    item = parse_person_item(raw_item, _includes_legal(incident))
    if item is None:
        return _with_checklist(
            LinkPage(Outcome.BAD_FORM, link, incident, problem=Problem.NOT_TICKABLE, request=request)
        )
    if incidents.tick(incident.incident_id, item.value, link.recipient, now):
        audit.record(
            incident.incident_id,
            AuditKind.CHECKLIST_TICKED,
            link.recipient,
            {"item": item.value, "client": client},
            now,
        )
    fresh = incidents.get(incident.incident_id) or incident
    return _with_checklist(
        LinkPage(
            Outcome.TICKED,
            link,
            fresh,
            decided=links.decision_for(link.notification_id),  # someone decided: no buttons to offer
            form_token=fresh_token,
            ticked=item,
            request=request,
        )
    )


@dataclass(frozen=True)
class ActionLinks:
    """The pages behind action links: show a link, take its one decision."""

    ports: LinkPorts
    clock: Callable[[], datetime] = field(default=utc_now, repr=False)

    def view(self, link_id: str) -> LinkPage:
        p = self.ports
        return self._in_language(view_link(link_id, p.link_secret(), p.links, p.incidents, self.clock()))

    def decide(self, link_id: str, submission: Submission, client: str) -> LinkPage:
        return self._in_language(decide(link_id, submission, client, self.ports, self.clock()))

    def _in_language(self, page: LinkPage) -> LinkPage:
        """The page in its recipient's language (the team's for a link nobody owns), its checklist too."""
        locales = self.ports.locales
        language = locales.reader_language(page.link.recipient) if page.link else locales.team_language
        if (language, locales.time_zone) == (page.language, page.time_zone):
            return page
        speech = self.ports.speech(language)
        checklist = (
            checklist_lines(page.incident.checklist, _includes_legal(page.incident), speech)
            if page.incident is not None and page.checklist
            else page.checklist
        )
        return replace(page, language=language, time_zone=locales.time_zone, checklist=checklist)
