"""Severity over an incident's life, end to end through detect(): first-hand posts in English and German
scored and counted, an incident opened on thin evidence, raised when a second source joins in, recorded
as `incident.severity_changed`, and the raised route told; never lowered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.domain.response.incidents import Incident, IncidentChanges, IncidentStatus
from crisiswatch.usecases.detection import DetectionRun, RaiseNotice, count_mentions, detect
from crisiswatch.usecases.escalation_raise import raise_notices, tell_of_raise
from tests.fakes import T0, FakeSentiment, FakeServices, make_incident, make_mention, quiet_history

BRAND = "Acme Coffee"
WARM = 600
START = T0 + WARM * BUCKET
WALL = datetime(2030, 1, 1, 9, 0, tzinfo=T0.tzinfo)


def warmed_world() -> FakeServices:
    world = FakeServices()
    run(world, T0)
    for stats in quiet_history(WARM):
        world.aggregates.put_bucket(BRAND, stats)
    run(world, START)
    return world


def run(world: FakeServices, now: datetime, on_raise: RaiseNotice | None = None) -> Incident | None:
    return detect(BRAND, DetectionRun(now, WALL), world, on_raise=on_raise)


def post(n: int, at: datetime, text: str, lang: str, source: str = "reddit", author: str = "") -> Mention:
    mention = make_mention(n, brand=BRAND, source=source, at=at, text=text, lang=lang)
    return mention if not author else Mention(**{**mention.__dict__, "author": author})


def count(world: FakeServices, mentions: Sequence[Mention]) -> None:
    analyzers = {"en": FakeSentiment(), "de": FakeSentiment()}
    count_mentions(mentions, analyzers, world.taxonomy, world.aggregates)


ACCOUNT_TROUBLE = [
    ("en", "Someone logged into my account from another country, what is going on"),
    ("de", "Mein Passwort wurde geändert, ich war das nicht"),
    ("en", "my loyalty points were drained overnight and support is silent"),
    ("de", "Bekomme ständig Sicherheitscodes, die ich nie angefordert habe"),
]


def test_first_hand_account_trouble_on_one_source_opens_then_a_second_source_raises_it() -> None:
    world = warmed_world()
    told: list[tuple[str, Severity, str]] = []

    def on_raise(incident: Incident, previous: Severity, reason: str, _at: datetime) -> None:
        told.append((incident.severity.value, previous, reason))

    # Three people on one forum, a few minutes apart, in both languages: no one says "breach" yet.
    for i, (lang, text) in enumerate(ACCOUNT_TROUBLE[:3]):
        count(world, [post(100 + i, START + i * BUCKET + timedelta(minutes=1), text, lang)])
    opened = run(world, START + 2 * BUCKET + timedelta(minutes=2), on_raise)
    assert opened is not None and opened.crisis_types == ("data_breach",)
    assert opened.severity is Severity.SEV3  # one source: thin evidence

    # The story reaches a second source.
    later = START + 3 * BUCKET + timedelta(minutes=1)
    count(world, [post(200, later, ACCOUNT_TROUBLE[3][1], "de", source="mastodon")])
    count(world, [post(201, later, ACCOUNT_TROUBLE[0][1], "en", source="mastodon")])
    assert run(world, later + timedelta(minutes=1), on_raise) is None  # nothing new opens

    raised = world.incidents.get(opened.incident_id)
    assert raised is not None and raised.severity is Severity.SEV2
    entry = world.audit.entries[-1]
    assert (entry.kind, entry.actor) == ("incident.severity_changed", "detector")
    assert set(entry.detail) == {"from", "to", "reason"}
    assert (entry.detail["from"], entry.detail["to"]) == ("SEV3", "SEV2")
    assert "data breach" in entry.detail["reason"]
    assert told == [("SEV2", Severity.SEV3, entry.detail["reason"])]


def test_the_same_author_posting_three_times_opens_nothing() -> None:
    world = warmed_world()
    for i in range(3):
        lang, text = ACCOUNT_TROUBLE[i]
        count(world, [post(300 + i, START + i * BUCKET + timedelta(minutes=1), text, lang, author="same")])
    assert run(world, START + 2 * BUCKET + timedelta(minutes=2)) is None


def test_a_raise_never_lowers_and_skips_closed_or_higher_incidents() -> None:
    from crisiswatch.domain.detection.detector import Alert  # noqa: PLC0415
    from crisiswatch.usecases.detection import raise_severity  # noqa: PLC0415

    world = FakeServices()
    incident = make_incident(brand=BRAND, bucket=START, severity=Severity.SEV2)
    assert world.incidents.open(incident)

    def alert(severity: Severity) -> Alert:
        return Alert(START + BUCKET, severity, ("crisis_type",), "more", {}, (), Severity.SEV3, START)

    assert raise_severity(BRAND, alert(Severity.SEV2), world, WALL) is None
    assert raise_severity(BRAND, alert(Severity.SEV3), world, WALL) is None
    assert world.audit.entries == []
    world.incidents.update(incident.incident_id, IncidentChanges(status=IncidentStatus.RESOLVED))
    assert raise_severity(BRAND, alert(Severity.SEV1), world, WALL) is None
    world.incidents.update(incident.incident_id, IncidentChanges(status=IncidentStatus.MONITORING))
    raised = raise_severity(BRAND, alert(Severity.SEV1), world, WALL)
    assert raised is not None and raised.severity is Severity.SEV1


def test_the_raised_route_is_told_at_once_executives_and_legal_included() -> None:
    world = FakeServices()
    incident = make_incident(brand=BRAND, severity=Severity.SEV1, crisis_types=("data_breach",))
    sent = tell_of_raise(incident, Severity.SEV2, "volume, crisis_type: ...", T0, world)
    recipients = {message.recipient for message in world.notifier.sent}
    assert sent == len(world.notifier.sent)
    assert recipients == {"tier1-primary", "tier1-backup", "tier2-primary", "exec-duty", "legal-counsel"}
    message = world.notifier.sent[0]
    assert "raised from SEV2 to SEV1" in message.subject
    assert len(message.sms_body) <= 160


def test_a_held_route_is_not_told() -> None:
    from crisiswatch.config_files.policy import parse_policy  # noqa: PLC0415
    from tests.fakes import TEST_POLICY  # noqa: PLC0415

    policy = parse_policy(
        TEST_POLICY
        + f"""
[[maintenance_windows]]
start = "{(T0 - timedelta(hours=1)).isoformat()}"
end = "{(T0 + timedelta(hours=1)).isoformat()}"
reason = "launch"
hold = ["SEV2", "SEV3"]
"""
    )
    incident = make_incident(brand=BRAND, severity=Severity.SEV2)
    assert raise_notices(incident, Severity.SEV3, "why", policy, T0) == []


def test_with_the_shipped_policy_a_raise_keeps_the_running_flow_in_step() -> None:
    """A raise changes the severity every later step of the running escalation reads; its cursor stays
    valid only while the raised route has as many rounds. True of the shipped policy for every raise."""
    from pathlib import Path  # noqa: PLC0415

    from crisiswatch.config_files.policy import load_policy  # noqa: PLC0415

    policy = load_policy(str(Path(__file__).resolve().parents[2] / "config" / "escalation_policy.toml"))
    for types in ((), ("data_breach",), ("legal_safety",), ("boycott",)):
        counts = {len(policy.route(severity, types, T0).rounds) for severity in Severity}
        assert len(counts) == 1, (types, counts)
