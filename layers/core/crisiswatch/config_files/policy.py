"""The escalation policy file's schema and loader; the meaning of each field is in
`domain/response/policy.py`.

Every problem is reported at once, at its place: a crisis plan with a typo must fail the deploy, not the
night of the crisis.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..domain.detection.severity import Severity
from ..domain.response import policy as domain
from ..domain.speech import DEFAULT_LANGUAGE, known_language, known_zone
from .convert import to_domain

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


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The schema classes carry the domain's names: pydantic names them in some messages.
class Contact(_Schema):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")
    name: str = Field(min_length=1, max_length=80)
    email: Annotated[str, Field(pattern=_EMAIL)] | None = None
    phone: Annotated[str, Field(pattern=_E164)] | None = None
    language: Language | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not self.email and not self.phone:
            raise ValueError("a contact needs an email or a phone (E.164) to be told anything")
        return self


class Tier(_Schema):
    label: str = Field(min_length=1, max_length=80)
    contacts: list[Contact] = Field(min_length=1)
    response_minutes: int = Field(ge=1, le=24 * 60)
    reminders_before_minutes: list[int] = []
    legal: bool = False

    @model_validator(mode="after")
    def _reminders_fit(self) -> Tier:
        for minutes in self.reminders_before_minutes:
            if not 0 < minutes < self.response_minutes:
                raise ValueError(
                    f"a reminder {minutes} min before the end must fall inside the {self.response_minutes} "
                    "min response time"
                )
        return self


class MaintenanceWindow(_Schema):
    start: datetime
    end: datetime
    reason: str = Field(min_length=1, max_length=200)
    hold: list[Severity] = [Severity.SEV3]

    @model_validator(mode="after")
    def _sane(self) -> MaintenanceWindow:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("start and end need a time zone (for example 2026-12-01T09:00:00Z)")
        if self.end <= self.start:
            raise ValueError("end must be after start")
        if Severity.SEV1 in self.hold:
            raise ValueError("SEV1 is never held back")
        return self


class Team(_Schema):
    language: Language = DEFAULT_LANGUAGE
    time_zone: TimeZone = "UTC"


class EscalationPolicy(_Schema):
    team: Team = Team()
    tiers: dict[Annotated[str, Field(pattern=_KEY)], Tier] = Field(min_length=1)
    routes: dict[Severity, list[str]]
    at_once: dict[Severity | Annotated[str, Field(pattern=_KEY)], list[str]] = {}
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


def converted(policy: EscalationPolicy) -> domain.EscalationPolicy:
    tiers = {
        key: to_domain(
            tier, domain.Tier, contacts=tuple(to_domain(contact, domain.Contact) for contact in tier.contacts)
        )
        for key, tier in policy.tiers.items()
    }
    windows = tuple(to_domain(window, domain.MaintenanceWindow) for window in policy.maintenance_windows)
    team = to_domain(policy.team, domain.Team)
    return to_domain(policy, domain.EscalationPolicy, tiers=tiers, maintenance_windows=windows, team=team)


def _where(location: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in location) or "policy"


def load_policy(path: str) -> domain.EscalationPolicy:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise PolicyError([f"{path}: cannot be read ({error.strerror or error})"]) from None
    return parse_policy(text)


def parse_policy(text: str) -> domain.EscalationPolicy:
    """Parse and validate TOML; every problem is reported at once with where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError([f"not valid TOML: {error}"]) from None
    return parse_data(data)


def parse_data(data: Mapping[str, object]) -> domain.EscalationPolicy:
    """Validate the policy as a TOML parser gives it (tables as dicts)."""
    try:
        return converted(EscalationPolicy.model_validate(data))
    except ValidationError as error:
        raise PolicyError([f"{_where(item['loc'])}: {item['msg']}" for item in error.errors()]) from None
