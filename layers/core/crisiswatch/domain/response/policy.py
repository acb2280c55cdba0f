"""The escalation policy: who is told about an incident, in which order, how fast, and when not to.

The policy is configuration (`config/escalation_policy.toml`), validated on load with every problem
reported at its place: a crisis plan with a typo must fail the deploy, not the night of the crisis.
Routing is a pure function of the incident's severity, crisis types and time.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..detection.severity import Severity
from ..speech import DEFAULT_LANGUAGE, known_language, known_zone

Language = Annotated[str, AfterValidator(known_language)]
"""A language code, refused (with its place) unless CrisisWatch speaks it."""
TimeZone = Annotated[str, AfterValidator(known_zone)]

_KEY = r"^[a-z][a-z0-9_]{0,39}$"
_E164 = r"^\+[1-9][0-9]{6,14}$"
_EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,255}\.[A-Za-z]{2,63}$"


class PolicyError(ValueError):
    """The policy file is invalid; `problems` lists each one as `where: what`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid escalation policy:\n  " + "\n  ".join(problems))
        self.problems = problems


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Spec):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    """Names the person in links, decisions and the audit trail (and the SNS filter policy)."""
    name: str = Field(min_length=1, max_length=80)
    email: Annotated[str, Field(pattern=_EMAIL)] | None = None
    phone: Annotated[str, Field(pattern=_E164)] | None = None
    language: Language | None = None
    """The language this person reads messages and action pages in; None: the team's."""

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not self.email and not self.phone:
            raise ValueError("a contact needs an email or a phone (E.164) to be told anything")
        return self


class Tier(_Spec):
    label: str = Field(min_length=1, max_length=80)
    contacts: list[Contact] = Field(min_length=1)
    response_minutes: int = Field(ge=1, le=24 * 60)
    """How long the tier has to answer before the incident moves on."""
    reminders_before_minutes: list[int] = []
    """Reminders this many minutes before the response time runs out (each shorter than it)."""
    legal: bool = False
    """This tier gives the legal review: when a route includes it, the checklist asks for that review."""

    @model_validator(mode="after")
    def _reminders_fit(self) -> Tier:
        for minutes in self.reminders_before_minutes:
            if not 0 < minutes < self.response_minutes:
                raise ValueError(
                    f"a reminder {minutes} min before the end must fall inside the {self.response_minutes} "
                    "min response time"
                )
        return self


class MaintenanceWindow(_Spec):
    start: datetime
    end: datetime
    reason: str = Field(min_length=1, max_length=200)
    hold: list[Severity] = [Severity.SEV3]
    """Severities held back during the window (a planned campaign's noise); never SEV1."""

    @model_validator(mode="after")
    def _sane(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a time zone (for example 2026-12-01T09:00:00Z)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if Severity.SEV1 in self.hold:
            raise ValueError("SEV1 is never held back")
        return self


class Team(_Spec):
    """The crisis team's defaults: the language its people read and the zone its clocks show."""

    language: Language = DEFAULT_LANGUAGE
    time_zone: TimeZone = "UTC"
    """An IANA zone; times that matter are shown in it with UTC beside them."""


class EscalationPolicy(_Spec):
    team: Team = Team()
    tiers: dict[Annotated[str, Field(pattern=_KEY)], Tier] = Field(min_length=1)
    routes: dict[Severity, list[str]]
    """Per severity, the tiers in escalation order; each gets its response time before the next."""
    at_once: dict[Severity | Annotated[str, Field(pattern=_KEY)], list[str]] = {}
    """Tiers told in the first round, by severity or crisis type (legal for a data breach)."""
    maintenance_windows: list[MaintenanceWindow] = []

    @model_validator(mode="after")
    def _consistent(self) -> EscalationPolicy:
        problems = []
        missing = [severity.value for severity in Severity if severity not in self.routes]
        if missing:
            problems.append(f"routes: every severity needs a route (missing {', '.join(missing)})")
        for where, names in [
            *((f"routes.{key.value}", names) for key, names in self.routes.items()),
            *((f"at_once.{getattr(key, 'value', key)}", names) for key, names in self.at_once.items()),
        ]:
            unknown = [name for name in names if name not in self.tiers]
            if unknown:
                problems.append(f"{where}: unknown tiers {', '.join(unknown)}")
            if len(set(names)) != len(names):
                problems.append(f"{where}: a tier is listed twice")
        for severity, names in self.routes.items():
            if not names:
                problems.append(f"routes.{severity.value}: needs at least one tier")
        if problems:
            raise ValueError("; ".join(problems))
        return self

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
            for name in self.at_once.get(key, []):
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


def _where(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "policy"


def load_policy(path: str) -> EscalationPolicy:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise PolicyError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    return parse_policy(text)


def parse_policy(text: str) -> EscalationPolicy:
    """Parse and validate TOML; every problem is reported at once with where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError([f"not valid TOML: {error}"]) from None
    try:
        return EscalationPolicy.model_validate(data)
    except ValidationError as error:
        raise PolicyError([f"{_where(item['loc'])}: {item['msg']}" for item in error.errors()]) from None
