"""The escalation policy: validated on load, routes by severity and crisis type, windows hold SEV3 only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crisiswatch.config_files.policy import PolicyError, parse_policy
from crisiswatch.domain.detection.severity import Severity

SHIPPED = Path(__file__).resolve().parents[2] / "config" / "escalation_policy.toml"
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WINDOW = """
[[maintenance_windows]]
start = "2026-12-01T09:00:00Z"
end = "2026-12-01T18:00:00Z"
reason = "Winter campaign launch"
hold = ["SEV3", "SEV2"]
"""


def policy(extra: str = ""):  # type: ignore[no-untyped-def]
    return parse_policy(SHIPPED.read_text(encoding="utf-8") + extra)


def test_the_shipped_policy_is_valid() -> None:
    loaded = policy()
    assert set(loaded.tiers) == {"responders", "comms_lead", "executive", "legal"}


def test_a_sev3_goes_to_responders_then_the_comms_lead() -> None:
    route = policy().route(Severity.SEV3, (), NOON)
    assert route.rounds == (("responders",), ("comms_lead",))
    assert not route.held


def test_sev1_pulls_in_executives_at_once() -> None:
    route = policy().route(Severity.SEV1, (), NOON)
    assert route.rounds == (("responders", "executive"), ("comms_lead",))


def test_legal_safety_and_breach_crises_pull_in_legal_at_once() -> None:
    assert policy().route(Severity.SEV2, ("legal_safety",), NOON).rounds == (
        ("responders", "legal"),
        ("comms_lead",),
    )
    assert policy().route(Severity.SEV1, ("data_breach", "boycott"), NOON).rounds == (
        ("responders", "executive", "legal"),
        ("comms_lead",),
    )


def test_a_maintenance_window_holds_low_severities_but_never_sev1() -> None:
    loaded = policy(WINDOW)
    held = loaded.route(Severity.SEV3, (), NOON)
    assert held.held and held.hold_reason == "Winter campaign launch"
    assert held.hold_until == datetime(2026, 12, 1, 18, 0, tzinfo=UTC)
    assert not loaded.route(Severity.SEV1, (), NOON).held
    assert not loaded.route(Severity.SEV3, (), datetime(2026, 12, 1, 18, 0, tzinfo=UTC)).held


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (WINDOW.replace('hold = ["SEV3", "SEV2"]', 'hold = ["SEV1"]'), "SEV1 is never held back"),
        (
            WINDOW.replace('end = "2026-12-01T18:00:00Z"', 'end = "2026-12-01T08:00:00Z"'),
            "end must be after start",
        ),
        (WINDOW.replace("2026-12-01T09:00:00Z", "2026-12-01T09:00:00"), "time zone"),
    ],
)
def test_bad_maintenance_windows_are_refused(change: str, complaint: str) -> None:
    with pytest.raises(PolicyError) as error:
        policy(change)
    assert complaint in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        (
            'SEV3 = ["responders", "comms_lead"]',
            'SEV3 = ["responders", "pr_agency"]',
            "unknown tiers pr_agency",
        ),
        ('SEV3 = ["responders", "comms_lead"]\n', "", "missing SEV3"),
        (
            "response_minutes = 15\nreminders_before_minutes = [5]",
            "response_minutes = 15\nreminders_before_minutes = [20]",
            "inside the 15 min",
        ),
        ('phone = "+15555550101"', 'phone = "555-0101"', "tiers.responders.contacts.0.phone"),
        (
            '{ id = "legal-counsel", name = "Legal counsel", email = "legal@example.com" }',
            '{ id = "legal-counsel", name = "Legal counsel" }',
            "needs an email or a phone",
        ),
        ('legal_safety = ["legal"]', 'legal_safety = ["legal", "legal"]', "listed twice"),
        ("[routes]", "[routes]\nSEV9 = []", "routes.SEV9"),
    ],
)
def test_a_broken_policy_is_refused_with_its_place(old: str, new: str, complaint: str) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(PolicyError) as error:
        parse_policy(text.replace(old, new, 1))
    assert complaint in str(error.value)


def test_not_toml_is_refused() -> None:
    with pytest.raises(PolicyError, match="not valid TOML"):
        parse_policy("[tiers")
