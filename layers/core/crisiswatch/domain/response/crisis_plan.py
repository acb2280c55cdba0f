"""Where the crisis plan stands and where it goes next: pure functions the state machine's tasks call.

The state machine (`statemachines/crisis_plan.asl.json`) owns the waiting: every wait for people is a
`waitForTaskToken` task whose timeout is the `wait_seconds` of a `Cursor`. This module decides what
that cursor is after each event: the first round of a route, a reminder before a tier's time runs
out, the next round when it did, the owner after an acknowledgement, nobody when every tier was silent.
A tier's wait is cut at its reminders, so a reminder is simply the end of one wait and the start of
the next; the links sent in the first message keep working across them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..errors import InvalidRequestError
from .incidents import Decision

if TYPE_CHECKING:  # pydantic is for whoever loads the policy; config imports Timing from here
    from .policy import EscalationPolicy, Route


class Phase(StrEnum):
    TIERS = "tiers"
    """The route's rounds: each tier is asked to acknowledge, approve, dismiss or escalate."""
    OWNER = "owner"
    """Acknowledged: the owner alone is asked to approve a statement (escalation has stopped)."""
    MONITOR = "monitor"
    """Published: the owner may resolve while the signals are watched for calm."""
    REVIEW = "review"
    """Resolved: the owner confirms the post-crisis review is done."""
    NOBODY = "nobody"
    """Every tier was silent (or escalated past the last): the fallback."""


class Message(StrEnum):
    NOTIFY = "notify"
    """New links to every recipient of the phase."""
    REMIND = "remind"
    """Fresh links and a reminder that time runs out; earlier links of the same request still work."""
    REBIND = "rebind"
    """No message: the same request waits on, under the new wait's task token."""


ALLOWED: dict[Phase, tuple[Decision, ...]] = {
    Phase.TIERS: (
        Decision.APPROVE,
        Decision.ACKNOWLEDGE,
        Decision.REQUEST_CHANGES,
        Decision.ESCALATE,
        Decision.DISMISS,
    ),
    Phase.OWNER: (Decision.APPROVE, Decision.REQUEST_CHANGES, Decision.ESCALATE, Decision.DISMISS),
    Phase.MONITOR: (Decision.RESOLVE,),
    Phase.REVIEW: (Decision.REVIEW_DONE,),
    Phase.NOBODY: (),
}


@dataclass(frozen=True)
class Timing:
    """Every duration of the plan, in seconds; the template's parameters set them."""

    minute_seconds: int = 60
    """How long a policy minute lasts: 60 in production, 1 for a drill or a test run in seconds."""
    owner_seconds: int = 1800
    monitor_interval_seconds: int = 300
    calm_seconds: int = 7200
    review_seconds: int = 7 * 86400


@dataclass(frozen=True)
class PlannedRound:
    tiers: tuple[str, ...]
    response_seconds: int
    reminders_before: tuple[int, ...]
    """Seconds before the end of the response time, latest first (largest number first)."""


def plan_rounds(policy: EscalationPolicy, route: Route, timing: Timing) -> list[PlannedRound]:
    """A round lasts as long as its slowest tier is given; it is reminded of every tier's reminders."""
    rounds = []
    for names in route.rounds:
        tiers = [policy.tiers[name] for name in names]
        response = max(tier.response_minutes for tier in tiers) * timing.minute_seconds
        before = sorted(
            {minutes * timing.minute_seconds for tier in tiers for minutes in tier.reminders_before_minutes},
            reverse=True,
        )
        rounds.append(PlannedRound(tuple(names), response, tuple(s for s in before if 0 < s < response)))
    return rounds


@dataclass(frozen=True)
class Cursor:
    """Who is asked now, how long this wait lasts, and which message starts it. JSON in the execution."""

    phase: Phase
    round: int = 0
    """The route's round (kept in the owner phase: an owner who goes silent hands over to the next)."""
    reminders_sent: int = 0
    wait_seconds: int = 1
    message: Message = Message.NOTIFY
    deadline_seconds: int = 0
    """Seconds from this wait's start until the whole request expires (links expire then)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase.value,
            "round": self.round,
            "reminders_sent": self.reminders_sent,
            "wait_seconds": self.wait_seconds,
            "message": self.message.value,
            "deadline_seconds": self.deadline_seconds,
        }

    @classmethod
    def from_dict(cls, data: Any) -> Cursor:
        if not isinstance(data, dict):
            raise InvalidRequestError("the cursor must be an object")
        try:
            cursor = cls(
                phase=Phase(data["phase"]),
                round=int(data.get("round", 0)),
                reminders_sent=int(data.get("reminders_sent", 0)),
                wait_seconds=int(data.get("wait_seconds", 1)),
                message=Message(data.get("message", Message.NOTIFY)),
                deadline_seconds=int(data.get("deadline_seconds", 0)),
            )
        except (KeyError, ValueError, TypeError) as error:
            raise InvalidRequestError(f"malformed cursor: {error!r}") from None
        if cursor.round < 0 or cursor.reminders_sent < 0 or cursor.wait_seconds < 1:
            raise InvalidRequestError("malformed cursor: negative round or reminders, or no wait")
        return cursor


NOBODY = Cursor(Phase.NOBODY)


def start_round(rounds: list[PlannedRound], index: int) -> Cursor:
    """The first wait of round `index`: until its first reminder, or its whole response time."""
    if index >= len(rounds):
        return NOBODY
    planned = rounds[index]
    first_stop = planned.reminders_before[0] if planned.reminders_before else 0
    return Cursor(
        Phase.TIERS,
        round=index,
        wait_seconds=max(1, planned.response_seconds - first_stop),
        message=Message.NOTIFY,
        deadline_seconds=planned.response_seconds,
    )


def after_timeout(cursor: Cursor, rounds: list[PlannedRound]) -> Cursor:
    """A wait ran out: remind the same people if a reminder is due, else move on to the next round."""
    if cursor.phase is Phase.TIERS and cursor.round < len(rounds):
        reminders = rounds[cursor.round].reminders_before
        if cursor.reminders_sent < len(reminders):
            left = reminders[cursor.reminders_sent]
            following = (
                reminders[cursor.reminders_sent + 1] if cursor.reminders_sent + 1 < len(reminders) else 0
            )
            return replace(
                cursor,
                reminders_sent=cursor.reminders_sent + 1,
                wait_seconds=max(1, left - following),
                message=Message.REMIND,
                deadline_seconds=left,
            )
        return start_round(rounds, cursor.round + 1)
    if cursor.phase is Phase.OWNER:
        return start_round(rounds, cursor.round + 1)  # the owner went silent: the next tier takes over
    raise InvalidRequestError(f"nothing follows a timeout in the {cursor.phase.value} phase")


def owner_cursor(cursor: Cursor, timing: Timing) -> Cursor:
    return Cursor(
        Phase.OWNER,
        round=cursor.round,
        wait_seconds=timing.owner_seconds,
        message=Message.NOTIFY,
        deadline_seconds=timing.owner_seconds,
    )


def after_decision(cursor: Cursor, decision: Decision, rounds: list[PlannedRound], timing: Timing) -> Cursor:
    """Who is asked next once someone decided (approve and dismiss end the asking: the flow moves on)."""
    if decision is Decision.ACKNOWLEDGE:
        return owner_cursor(cursor, timing)
    if decision is Decision.ESCALATE:
        return start_round(rounds, cursor.round + 1)
    if decision is Decision.REQUEST_CHANGES:
        # The same people see the revised statement, with their full time again.
        if cursor.phase is Phase.OWNER:
            return owner_cursor(cursor, timing)
        return start_round(rounds, cursor.round)
    return cursor


def monitor_cursor(checks: int, timing: Timing) -> Cursor:
    """The first wait of monitoring tells the owner how to resolve; later ones wait on silently."""
    return Cursor(
        Phase.MONITOR,
        wait_seconds=timing.monitor_interval_seconds,
        message=Message.NOTIFY if checks == 0 else Message.REBIND,
        deadline_seconds=timing.calm_seconds + timing.monitor_interval_seconds,
    )


def review_cursor(timing: Timing) -> Cursor:
    return Cursor(
        Phase.REVIEW,
        wait_seconds=timing.review_seconds,
        message=Message.NOTIFY,
        deadline_seconds=timing.review_seconds,
    )
