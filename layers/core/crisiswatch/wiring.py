"""Builds the adapters once per Lambda container; handlers accept a `Services` override in tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import boto3
from aws_lambda_powertools.utilities import parameters

from .adapters.dynamodb import (
    DynamoActionLinkStore,
    DynamoAggregateStore,
    DynamoAuditLog,
    DynamoCursorStore,
    DynamoDetectorStateStore,
    DynamoIncidentStore,
    DynamoMentionStore,
    DynamoQuarantineStore,
)
from .adapters.notifications import SnsNotifier
from .adapters.stepfunctions import StepFunctionsEscalation
from .adapters.tables import bind_tables
from .config import Settings, load_settings
from .domain.detection import BaselineDetector, Detector
from .domain.scoring import SentimentAnalyzer

LINK_SECRET_MAX_AGE = 300
"""Seconds the signing key is cached by Powertools parameters: rotation takes effect within minutes."""


@dataclass
class Services:
    """Everything a handler may need, created lazily so each function pays only for what it uses."""

    settings: Settings = field(default_factory=load_settings)

    def __post_init__(self) -> None:
        bind_tables(self.settings.tables)

    @cached_property
    def mentions(self) -> DynamoMentionStore:
        return DynamoMentionStore(self.settings.mention_ttl)

    @cached_property
    def quarantine(self) -> DynamoQuarantineStore:
        return DynamoQuarantineStore()

    @cached_property
    def cursors(self) -> DynamoCursorStore:
        return DynamoCursorStore()

    @cached_property
    def aggregates(self) -> DynamoAggregateStore:
        return DynamoAggregateStore()

    @cached_property
    def detector_states(self) -> DynamoDetectorStateStore:
        return DynamoDetectorStateStore()

    @cached_property
    def incidents(self) -> DynamoIncidentStore:
        return DynamoIncidentStore()

    @cached_property
    def audit(self) -> DynamoAuditLog:
        return DynamoAuditLog()

    @cached_property
    def links(self) -> DynamoActionLinkStore:
        return DynamoActionLinkStore()

    @cached_property
    def detector(self) -> Detector:
        return BaselineDetector()

    @cached_property
    def sentiment(self) -> SentimentAnalyzer:
        # NLTK is heavy: only the scoring function pays for importing it.
        from .adapters.sentiment import VaderSentiment  # noqa: PLC0415

        return VaderSentiment()

    @cached_property
    def s3(self) -> Any:
        return boto3.client("s3")

    @cached_property
    def escalation(self) -> StepFunctionsEscalation:
        return StepFunctionsEscalation(boto3.client("stepfunctions"), self.settings.state_machine_arn)

    @cached_property
    def notifier(self) -> SnsNotifier:
        return SnsNotifier(boto3.client("sns"), self.settings.tier_topics)

    def link_secret(self) -> bytes:
        value = parameters.get_secret(self.settings.link_secret_name, max_age=LINK_SECRET_MAX_AGE)
        return str(value).encode("utf-8")


_services: Services | None = None


def get_services() -> Services:
    global _services  # noqa: PLW0603 - one per container, like boto3 clients
    if _services is None:
        _services = Services()
    return _services
