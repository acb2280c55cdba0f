"""Scenes of the action links: an incident routed by `assess` with a decision request open and one link per
contact, built the way the crisis plan builds them."""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.response.checklist import ChecklistItem
from crisiswatch.domain.response.crisis_plan import (
    Cursor,
    Phase,
    Timing,
    monitor_cursor,
    owner_cursor,
    review_cursor,
)
from crisiswatch.domain.response.incidents import IncidentChanges
from crisiswatch.domain.response.links import (
    ActionLink,
    DecisionRequest,
    form_token,
    link_key,
)
from crisiswatch.domain.response.statements import Draft
from crisiswatch.usecases.asking import assess, request_decision
from crisiswatch.usecases.decisions import LinkPage, Outcome, Submission, decide, view_link
from crisiswatch.usecases.outcomes import record_decision
from tests.fakes import LINK_SECRET, T0, FakeServices, make_incident

TOKEN = "task-token-" + "x" * 600
TIMING = Timing()
ROUTED = T0 + timedelta(minutes=2)
SENT = T0 + timedelta(minutes=3)
CLICK = SENT + timedelta(minutes=4)
EXPIRES = SENT + timedelta(minutes=15)
"""SEV2 product failure: round 1 is the responders alone, 15 minutes."""
CLIENT = "203.0.113.42 Mozilla/5.0 (iPhone)"
LINK_ID = re.compile(r"/a/([A-Za-z0-9_-]{22})")
TIER_CHOICES = {"approve", "acknowledge", "request_changes", "escalate", "dismiss"}
ALL_ITEMS = [item.value for item in ChecklistItem]


@dataclass
class Scene:
    world: FakeServices
    incident_id: str
    cursor: Cursor
    ids: dict[str, str] = field(default_factory=dict)
    """recipient id -> link id from the newest message they were sent."""
    every_id: list[str] = field(default_factory=list)
    """Every link id ever sent, oldest first."""

    # ----- building -------------------------------------------------------------------------------

    def ask(self, cursor: Cursor, token: str = TOKEN, now: datetime = SENT) -> dict[str, str]:
        """Run `request_decision` for `cursor`; returns recipient -> link id of the messages it sent."""
        already = len(self.world.notifier.sent)
        request_decision(self.incident_id, cursor.to_dict(), token, self.world, now)
        fresh = {}
        for message in self.world.notifier.sent[already:]:
            (sms_id,) = LINK_ID.findall(message.sms_body)
            assert LINK_ID.findall(message.email_body) == [sms_id]
            fresh[message.recipient] = sms_id
        self.ids.update(fresh)
        self.every_id.extend(fresh.values())
        self.cursor = cursor
        return fresh

    # ----- acting ---------------------------------------------------------------------------------

    def view(self, link_id: str, now: datetime = CLICK) -> LinkPage:
        return view_link(link_id, LINK_SECRET, self.world.links, self.world.incidents, now)

    def form_token(self, link_id: str, now: datetime = CLICK) -> str:
        page = self.view(link_id, now)
        assert page.outcome is Outcome.CONFIRM, page.outcome
        assert page.form_token
        return page.form_token

    def submit(
        self,
        link_id: str,
        decision: str = "",
        *,
        statement: str = "",
        revised_text: str = "",
        note: str = "",
        tick: str = "",
        token: str | None = None,
        now: datetime = CLICK,
    ) -> LinkPage:
        """POST as the page would: the form token of a fresh view unless `token` is given."""
        submission = Submission(
            form_token=self.form_token(link_id, now) if token is None else token,
            decision=decision,
            statement=statement,
            revised_text=revised_text,
            note=note,
            tick=tick,
        )
        return self.post(link_id, submission, now)

    def post(self, link_id: str, submission: Submission, now: datetime = CLICK) -> LinkPage:
        return decide(link_id, submission, CLIENT, self.world, now)

    def approve(self, link_id: str, token: str | None = None, now: datetime = CLICK) -> LinkPage:
        return self.submit(link_id, "approve", statement=self.draft_key(), token=token, now=now)

    def tick(self, link_id: str, item: str, token: str | None = None, now: datetime = CLICK) -> LinkPage:
        if token is None:
            token = form_token(LINK_SECRET, link_id, now)  # a live page offers it, used link or not
        return self.submit(link_id, tick=item, token=token, now=now)

    # ----- looking --------------------------------------------------------------------------------

    @property
    def incident(self) -> Any:
        incident = self.world.incidents.get(self.incident_id)
        assert incident is not None
        return incident

    def draft_key(self, channel: str = "social") -> str:
        return str(next(d.key for d in self.incident.drafts if d.channel == channel))

    def link(self, recipient: str) -> ActionLink:
        found = self.world.links.get(link_key(self.ids[recipient]))
        assert found is not None
        return found

    def request(self) -> DecisionRequest:
        found = self.world.links.current_request(self.incident_id)
        assert found is not None
        return found

    def succeeded(self) -> list[tuple[str, dict[str, Any]]]:
        return self.world.workflow.succeeded

    def kinds(self) -> list[str]:
        return self.world.audit.kinds()

    def state(self) -> tuple[Any, ...]:
        """Everything a click could change."""
        links, locks = self.world.links.snapshot()
        return (
            links,
            locks,
            dict(self.world.links.requests),
            dict(self.world.links.tokens),
            self.world.incidents.get(self.incident_id),
            list(self.world.audit.entries),
            copy.deepcopy(self.world.workflow.succeeded),
            list(self.world.notifier.sent),
        )


def offered(drafts: Sequence[Draft]) -> list[Draft]:
    """The order a page offers statements in: revisions newest first, then the library's drafts."""
    revisions = [draft for draft in drafts if draft.revised_by]
    return [*reversed(revisions), *(draft for draft in drafts if not draft.revised_by)]


def scene(
    severity: Severity = Severity.SEV2,
    crisis_types: tuple[str, ...] = ("product_failure",),
    summary: str = "<script>alert(1)</script> 60 mentions",
    brand: str = "Acme Coffee",
) -> Scene:
    """Tier 1 of a routed incident has just been sent its links (at SENT); the audit trail is empty."""
    world = FakeServices()
    incident = make_incident(brand=brand, summary=summary, severity=severity, crisis_types=crisis_types)
    assert world.incidents.open(incident)
    routed = assess(incident.incident_id, world, ROUTED)
    assert routed["held"] is False
    s = Scene(world, incident.incident_id, Cursor.from_dict(routed["cursor"]))
    s.ask(s.cursor)
    world.audit.entries.clear()
    return s


def owner_scene() -> Scene:
    """tier1-primary acknowledged through their link; the owner phase asked them (alone) to approve."""
    s = scene()
    assert s.submit(s.ids["tier1-primary"], "acknowledge").outcome is Outcome.DECIDED
    (_, output) = s.succeeded()[-1]
    following = record_decision(s.incident_id, s.cursor.to_dict(), output, s.world, CLICK)
    cursor = Cursor.from_dict(following)
    assert cursor == owner_cursor(s.cursor, TIMING)
    assert s.ask(cursor, "owner-token", CLICK).keys() == {"tier1-primary"}
    s.world.audit.entries.clear()
    return s


def later_phase_scene(phase: Phase) -> Scene:
    """The statement is out: the owner (tier2-primary) is asked to resolve, or to confirm the review."""
    s = scene()
    s.world.incidents.update(s.incident_id, IncidentChanges(owner="tier2-primary"))
    cursor = monitor_cursor(0, TIMING) if phase is Phase.MONITOR else review_cursor(TIMING)
    assert s.ask(cursor, f"{phase.value}-token", SENT).keys() == {"tier2-primary"}
    s.world.audit.entries.clear()
    return s
