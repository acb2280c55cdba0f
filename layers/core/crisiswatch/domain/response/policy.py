"""The escalation policy: who is told about an incident, in which order, how fast, and when not to.

The policy is configuration (`config/escalation_policy.toml`); `crisiswatch/config_files/` validates it
at the edge, every problem at its place, and builds these frozen dataclasses: a crisis plan with a typo
must fail the deploy, not the night of the crisis. Routing is a pure function of the incident's severity,
crisis types and time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from ..detection.severity import Severity
from ..speech import DEFAULT_LANGUAGE


@dataclass(frozen=True, kw_only=True)
class Contact:
    id: str
    """Names the person in links, decisions and the audit trail (and the SNS filter policy)."""
    name: str
    email: str | None = None
    phone: str | None = None
    language: str | None = None
    """The language this person reads messages and action pages in; None: the team's."""


@dataclass(frozen=True, kw_only=True)
class Tier:
    label: str
    contacts: tuple[Contact, ...]
    response_minutes: int
    """How long the tier has to answer before the incident moves on."""
    reminders_before_minutes: tuple[int, ...] = ()
    """Reminders this many minutes before the response time runs out (each shorter than it)."""
    legal: bool = False
    """This tier gives the legal review: when a route includes it, the checklist asks for that review."""


@dataclass(frozen=True, kw_only=True)
class MaintenanceWindow:
    start: datetime
    end: datetime
    reason: str
    hold: tuple[Severity, ...] = (Severity.SEV3,)
    """Severities held back during the window (a planned campaign's noise); never SEV1."""


@dataclass(frozen=True, kw_only=True)
class Team:
    """The crisis team's defaults: the language its people read and the zone its clocks show."""

    language: str = DEFAULT_LANGUAGE
    time_zone: str = "UTC"
    """An IANA zone; times that matter are shown in it with UTC beside them."""


@dataclass(frozen=True, kw_only=True)
class EscalationPolicy:
    tiers: Mapping[str, Tier]
    routes: Mapping[Severity, tuple[str, ...]]
    """Per severity, the tiers in escalation order; each gets its response time before the next."""
    at_once: Mapping[Severity | str, tuple[str, ...]] = field(default_factory=dict)
    """Tiers told in the first round, by severity or crisis type (legal for a data breach)."""
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()
    team: Team = field(default_factory=Team)

    def contact(self, contact_id: str) -> Contact | None:
        return next(
            (
                contact
                for tier in self.tiers.values()
                for contact in tier.contacts
                if contact.id == contact_id
            ),
            None,
        )

    def contacts_of(self, tier_names: tuple[str, ...]) -> list[Contact]:
        """Everyone in these tiers, once each (a person may sit in two tiers)."""
        seen: dict[str, Contact] = {}
        for name in tier_names:
            for contact in self.tiers[name].contacts:
                seen.setdefault(contact.id, contact)
        return list(seen.values())

    def all_contacts(self) -> list[Contact]:
        return self.contacts_of(tuple(self.tiers))

    def includes_legal(self, route: Route) -> bool:
        return any(self.tiers[name].legal for names in route.rounds for name in names)

    def route(self, severity: Severity, crisis_types: tuple[str, ...], at: datetime) -> Route:
        """Who is told, round by round, and whether a maintenance window holds the alert back."""
        order = list(self.routes[severity])
        first = [order[0]]
        for key in (severity, *crisis_types):
            for name in self.at_once.get(key, ()):
                if name not in first:
                    first.append(name)
        rounds = [tuple(first)] + [(name,) for name in order[1:] if name not in first]
        held_by = next(
            (
                window
                for window in self.maintenance_windows
                if window.start <= at < window.end and severity in window.hold
            ),
            None,
        )
        return Route(
            rounds=tuple(rounds),
            held=held_by is not None,
            hold_reason=held_by.reason if held_by else "",
            hold_until=held_by.end if held_by else None,
        )


@dataclass(frozen=True)
class Route:
    rounds: tuple[tuple[str, ...], ...]
    """Tier keys per round: the first round at once, each later one when the previous times out."""
    held: bool = False
    hold_reason: str = ""
    hold_until: datetime | None = None
