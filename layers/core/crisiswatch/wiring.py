"""Builds the adapters once per Lambda container; handlers accept a `Services` override in tests."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from .adapters.dynamodb import (
    DynamoActionLinkStore,
    DynamoAggregateStore,
    DynamoAuditLog,
    DynamoCursorStore,
    DynamoDetectorFeedback,
    DynamoDetectorStateStore,
    DynamoIncidentStore,
    DynamoMentionStore,
    DynamoQuarantineStore,
    DynamoSourceHealthStore,
    DynamoStoryIndex,
    DynamoUsageStore,
)
from .adapters.fan_out import LambdaFanOut
from .adapters.notifications import RecordingPublisher, SnsCommsChannel, SnsNotifier
from .adapters.reports import S3ReportStore
from .adapters.stepfunctions import StepFunctionsEscalation, StepFunctionsHistory
from .adapters.tables import bind_tables
from .config import ConfigError, Settings, load_settings
from .domain.breaker import CircuitBreaker
from .domain.detection import CrisisDetector, Detector
from .domain.language import LanguageResolver
from .domain.scoring import SentimentAnalyzer
from .domain.taxonomy import Taxonomy, default_taxonomy, load_taxonomy

if TYPE_CHECKING:  # pydantic and requests cost the other functions' cold starts: only their users load them
    import requests

    from .domain.policy import EscalationPolicy
    from .domain.statements import StatementLibrary
    from .domain.watchlist import Watchlist

LINK_SECRET_MAX_AGE = 300
SECRET_MAX_AGE = 300
"""Seconds the signing key is cached by Powertools parameters: rotation takes effect within minutes."""


# boto3 (with s3transfer and multiprocessing: about 20 ms of a cold start) is imported where a client is
# made or a secret read (Powertools parameters imports it), not at every cold start: the tables go through
# pynamodb, which needs only botocore.
def _get_secret(name: str, **options: Any) -> Any:
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415

    return parameters.get_secret(name, **options)


def _get_parameter(name: str, **options: Any) -> Any:
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415

    return parameters.get_parameter(name, **options)


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
    def source_health(self) -> DynamoSourceHealthStore:
        return DynamoSourceHealthStore()

    @cached_property
    def usage(self) -> DynamoUsageStore:
        return DynamoUsageStore()

    @cached_property
    def stories(self) -> DynamoStoryIndex:
        return DynamoStoryIndex()

    @cached_property
    def breaker(self) -> CircuitBreaker:
        return CircuitBreaker()

    @cached_property
    def watchlist(self) -> Watchlist:
        """Read once per container: a changed watchlist arrives with a new deployment."""
        from .domain.watchlist import load_watchlist  # noqa: PLC0415

        return load_watchlist(self.settings.watchlist_file)

    @cached_property
    def http(self) -> requests.Session:
        from .adapters.sources.http import http_session  # noqa: PLC0415

        return http_session()

    @cached_property
    def fan_out(self) -> LambdaFanOut:
        import boto3  # noqa: PLC0415

        return LambdaFanOut(boto3.client("lambda"), self.settings.fetch_source_function)

    def source_secret(self, name: str | None) -> dict[str, str]:
        """Credentials as a JSON object: `/...` names an SSM SecureString, anything else a secret."""
        if not name:
            return {}
        if name.startswith("/"):
            value = _get_parameter(name, decrypt=True, transform="json", max_age=SECRET_MAX_AGE)
        else:
            value = _get_secret(name, transform="json", max_age=SECRET_MAX_AGE)
        if not isinstance(value, dict):
            raise ConfigError(f"the credentials in {name} must be a JSON object")
        return {str(key): str(item) for key, item in value.items()}

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
    def taxonomy(self) -> Taxonomy:
        path = self.settings.taxonomy_file
        return load_taxonomy(path) if path else default_taxonomy()

    @cached_property
    def detector(self) -> Detector:
        return CrisisDetector(type_weights=self.taxonomy.weights)

    @cached_property
    def sentiment(self) -> Mapping[str, SentimentAnalyzer]:
        """The analyzer of each language read (English, German), each loaded on its first text."""
        # NLTK is heavy: only the scoring function pays for importing it.
        from .adapters.sentiment import sentiment_analyzers  # noqa: PLC0415

        return sentiment_analyzers(self.settings.german_lexicon_file)

    @cached_property
    def languages(self) -> LanguageResolver:
        """Language identification with the default prior (`for_languages` gives a brand's). The model
        loads on the first text to identify, not here."""
        from .adapters.language import FastTextIdentifier  # noqa: PLC0415

        return LanguageResolver(FastTextIdentifier(self.settings.language_model_file))

    @cached_property
    def s3(self) -> Any:
        import boto3  # noqa: PLC0415

        return boto3.client("s3")

    @cached_property
    def escalation(self) -> StepFunctionsEscalation:
        import boto3  # noqa: PLC0415

        return StepFunctionsEscalation(boto3.client("stepfunctions"), self.settings.state_machine_arn)

    @cached_property
    def history(self) -> StepFunctionsHistory:
        import boto3  # noqa: PLC0415

        return StepFunctionsHistory(boto3.client("stepfunctions"))

    @cached_property
    def reports(self) -> S3ReportStore:
        if not self.settings.reports_bucket:
            raise ConfigError("REPORTS_BUCKET is not set: reports have nowhere to go")
        return S3ReportStore(self.s3, self.settings.reports_bucket)

    @cached_property
    def sns(self) -> Any:
        import boto3  # noqa: PLC0415

        return boto3.client("sns")

    @cached_property
    def notifier(self) -> SnsNotifier:
        return SnsNotifier(self.sns, self.settings.contacts_topic)

    @cached_property
    def comms(self) -> SnsCommsChannel:
        return SnsCommsChannel(self.sns, self.settings.comms_topic)

    @cached_property
    def publisher(self) -> RecordingPublisher:
        return RecordingPublisher(self.audit)

    @cached_property
    def detector_feedback(self) -> DynamoDetectorFeedback:
        return DynamoDetectorFeedback()

    @cached_property
    def policy(self) -> EscalationPolicy:
        """Read once per container: a changed policy arrives with a new deployment."""
        from .domain.policy import load_policy  # noqa: PLC0415 - pydantic: only the plan's functions

        if not self.settings.policy_file:
            raise ConfigError("ESCALATION_POLICY_FILE is not set: the crisis plan needs its policy")
        return load_policy(self.settings.policy_file)

    @cached_property
    def statements(self) -> StatementLibrary:
        from .domain.statements import default_statements, load_statements  # noqa: PLC0415

        path = self.settings.statements_file
        return load_statements(path) if path else default_statements()

    def link_secret(self) -> bytes:
        value = _get_secret(self.settings.link_secret_name, max_age=LINK_SECRET_MAX_AGE)
        return str(value).encode("utf-8")

    def dashboard_password(self) -> str:
        if not self.settings.dashboard_secret_name:
            raise ConfigError("DASHBOARD_SECRET_NAME is not set: the dashboard would be open to anyone")
        value = _get_secret(self.settings.dashboard_secret_name, max_age=LINK_SECRET_MAX_AGE)
        return str(value)


_services: Services | None = None


def get_services() -> Services:
    global _services  # noqa: PLW0603 - one per container, like boto3 clients
    if _services is None:
        _services = Services()
    return _services
