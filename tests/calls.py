"""The use cases' earlier call forms (every port a parameter), mapped onto the parameter objects.

The unit tests were written against these; they keep their calls, and each call still reaches the one
use-case function it names. New tests call the use-case objects (`crisiswatch.wiring.UseCases`) instead.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from crisiswatch.usecases import decisions, escalation, outcomes
from crisiswatch.usecases import detection as _detection
from crisiswatch.usecases.detection import DetectionRun
from crisiswatch.usecases.fetching import SourceFetch
from crisiswatch.usecases.ingest import Ingestion


def _ports(**ports: Any) -> Any:
    return SimpleNamespace(**ports)


def assess(incident_id, policy, statements, timing, incidents, audit, now):
    plan = _ports(policy=policy, statements=statements, timing=timing, incidents=incidents, audit=audit)
    return escalation.assess(incident_id, plan, now)


def request_decision(
    incident_id, cursor, task_token, policy, timing, base_url, incidents, links, notifier, audit, now
):
    plan = _ports(
        policy=policy,
        timing=timing,
        action_base_url=base_url,
        incidents=incidents,
        links=links,
        notifier=notifier,
        audit=audit,
    )
    return escalation.request_decision(incident_id, cursor, task_token, plan, now)


def time_ran_out(incident_id, cursor, policy, timing, incidents, links, audit, now):
    plan = _ports(policy=policy, timing=timing, incidents=incidents, links=links, audit=audit)
    return escalation.time_ran_out(incident_id, cursor, plan, now)


def record_unanswered(incident_id, incidents, audit, now):
    return escalation.record_unanswered(incident_id, _ports(incidents=incidents, audit=audit), now)


def record_failure(incident_id, error, incidents, links, audit, now):
    plan = _ports(incidents=incidents, links=links, audit=audit)
    return escalation.record_failure(incident_id, error, plan, now)


def record_decision(incident_id, cursor, decision_data, policy, timing, incidents, feedback, audit, now):
    plan = _ports(policy=policy, timing=timing, incidents=incidents, detector_feedback=feedback, audit=audit)
    return outcomes.record_decision(incident_id, cursor, decision_data, plan, now)


def publish_statement(incident_id, publisher, comms, incidents, audit, now):
    plan = _ports(publisher=publisher, comms=comms, incidents=incidents, audit=audit)
    return outcomes.publish_statement(incident_id, plan, now)


def check_signals(incident_id, previous, timing, incidents, states, audit, now):
    plan = _ports(timing=timing, incidents=incidents, detector_states=states, audit=audit)
    return outcomes.check_signals(incident_id, previous, plan, now)


def resolve(incident_id, resolution, timing, incidents, links, audit, now):
    plan = _ports(timing=timing, incidents=incidents, links=links, audit=audit)
    return outcomes.resolve(incident_id, resolution, plan, now)


def record_review(incident_id, decision, incidents, audit, now):
    return outcomes.record_review(incident_id, decision, _ports(incidents=incidents, audit=audit), now)


def review_overdue(incident_id, incidents, links, audit, now):
    plan = _ports(incidents=incidents, links=links, audit=audit)
    return outcomes.review_overdue(incident_id, plan, now)


def decide(link_id, submission, client, secret, links, incidents, callbacks, audit, now):
    ports = _ports(
        link_secret=lambda: secret, links=links, incidents=incidents, escalation=callbacks, audit=audit
    )
    return decisions.decide(link_id, submission, client, ports, now)


def detect(
    brand,
    now,
    detector,
    aggregates,
    states,
    incidents,
    audit,
    opened_at,
    oldest=None,
    batch=(),
    on_raise=None,
):
    ports = _ports(
        detector=detector, aggregates=aggregates, detector_states=states, incidents=incidents, audit=audit
    )
    run = DetectionRun(now=now, opened_at=opened_at, oldest=oldest, batch=batch)
    return _detection.detect(brand, run, ports, on_raise)


def raise_severity(brand, alert, incidents, audit, at, on_raise=None):
    return _detection.raise_severity(brand, alert, _ports(incidents=incidents, audit=audit), at, on_raise)


def ingest(
    source, cursor_key, cursors, mentions, quarantine, now, stories=None, received_at=None, languages=None
):
    ingestion = Ingestion(cursors, mentions, quarantine, stories)
    return ingestion.ingest(source, cursor_key, now, received_at, languages)


def fetch_source(
    source,
    key,
    cursors,
    healths,
    mentions,
    quarantine,
    stories,
    breaker,
    now,
    received_at=None,
    languages=None,
):
    fetch = SourceFetch(Ingestion(cursors, mentions, quarantine, stories), healths, breaker)
    return fetch.fetch(source, key, now, received_at, languages)
