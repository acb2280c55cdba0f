"""The composition root: builds the adapters and the use cases once per container, from its settings.

A Lambda container builds them from its environment (`get_use_cases`); the CLI from a stack's outputs
(`crisiswatch_ops.stack.Stack.services`); tests from `tests/fakes.FakeServices`. Handlers take a container
override for tests: anything that provides `Container`, which mypy checks the fakes against.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

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
from .adapters.stepfunctions import StepFunctionsCrisisPlan, StepFunctionsHistory
from .adapters.tables import bind_tables
from .breaker import CircuitBreaker
from .config import ConfigError, Settings, load_settings
from .domain.detection.detector import CrisisDetector, Detector
from .domain.detection.scoring import SentimentAnalyzer
from .domain.detection.taxonomy import Taxonomy, default_taxonomy, load_taxonomy
from .domain.listening.language import LanguageResolver
from .domain.response.crisis_plan import Timing
from .ports import (
    AuditStore,
    DetectionPorts,
    IngestPorts,
    LinkPorts,
    PlanPorts,
    PlanStarter,
    ReportPorts,
    TaskCallbacks,
    UsageStore,
)

# Each function loads only the use cases it runs (imported where they are built): the others' modules,
# pydantic and requests would cost every cold start.
if TYPE_CHECKING:
    from .domain.listening.watchlist import Watchlist
    from .domain.response.policy import EscalationPolicy
    from .domain.response.statements import StatementLibrary
    from .domain.speech import Locales, Speech
    from .ports import FanOut
    from .usecases.decisions import ActionLinks
    from .usecases.detection import Detection
    from .usecases.fetching import SourceFetch
    from .usecases.ingest import Ingestion
    from .usecases.plan import CrisisPlan
    from .usecases.reporting import Reporting

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


def _boto3_client(service: str) -> Any:
    import boto3  # noqa: PLC0415

    return boto3.client(service)  # type: ignore[call-overload]


@dataclass
class Services:
    """The AWS adapters, created lazily so each function pays only for what it uses."""

    settings: Settings = field(default_factory=load_settings)
    make_client: Callable[[str], Any] = field(default=_boto3_client, repr=False)
    """boto3 clients; the CLI passes its stack's (the local runtime's endpoint, say)."""

    def __post_init__(self) -> None:
        bind_tables(self.settings.tables)

    @property
    def timing(self) -> Timing:
        return self.settings.timing

    @property
    def action_base_url(self) -> str:
        return self.settings.action_base_url

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
        from .config_files.watchlist import load_watchlist  # noqa: PLC0415 - pydantic: only who fetches

        return load_watchlist(self.settings.watchlist_file)

    @cached_property
    def fan_out(self) -> LambdaFanOut:
        return LambdaFanOut(self.make_client("lambda"), self.settings.fetch_source_function)

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
        return self.make_client("s3")

    @cached_property
    def workflow(self) -> StepFunctionsCrisisPlan:
        return StepFunctionsCrisisPlan(self.make_client("stepfunctions"), self.settings.state_machine_arn)

    @cached_property
    def history(self) -> StepFunctionsHistory:
        return StepFunctionsHistory(self.make_client("stepfunctions"))

    @cached_property
    def reports(self) -> S3ReportStore:
        if not self.settings.reports_bucket:
            raise ConfigError("REPORTS_BUCKET is not set: reports have nowhere to go")
        return S3ReportStore(self.s3, self.settings.reports_bucket)

    @cached_property
    def sns(self) -> Any:
        return self.make_client("sns")

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
        from .config_files.policy import load_policy  # noqa: PLC0415 - pydantic: only the plan's functions

        if not self.settings.policy_file:
            raise ConfigError("ESCALATION_POLICY_FILE is not set: the crisis plan needs its policy")
        return load_policy(self.settings.policy_file)

    @cached_property
    def locales(self) -> Locales:
        """From the watchlist and the policy, each where this function has it (config/ in the
        WatchlistLayer); what is absent speaks the defaults (English, UTC)."""
        from .config_files.locales import locales_from_toml  # noqa: PLC0415

        def text(path: str) -> str | None:
            if not path:
                return None
            try:
                with open(path, encoding="utf-8") as handle:
                    return handle.read()
            except OSError as error:
                raise ConfigError(f"{path}: cannot be read ({error.strerror or error})") from None

        return locales_from_toml(text(self.settings.watchlist_file), text(self.settings.policy_file))

    def speech(self, language: str) -> Speech:
        from .i18n import speech  # noqa: PLC0415 - Babel: only the functions that write to people

        return speech(language, self.locales.time_zone)

    @cached_property
    def statements(self) -> StatementLibrary:
        from .domain.response.statements import default_statements, load_statements  # noqa: PLC0415

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


class CrisisPlanWorkflow(PlanStarter, TaskCallbacks, Protocol):
    """The crisis plan's executions (EscalationStateMachine): started per incident, resumed by decisions."""


class Container(IngestPorts, PlanPorts, LinkPorts, ReportPorts, DetectionPorts, Protocol):
    """Everything a handler may read from its container: `Services` in AWS, `FakeServices` in tests."""

    @property
    def settings(self) -> Settings: ...
    @property
    def workflow(self) -> CrisisPlanWorkflow: ...
    @property
    def audit(self) -> AuditStore: ...
    @property
    def usage(self) -> UsageStore: ...
    @property
    def fan_out(self) -> FanOut: ...
    @property
    def taxonomy(self) -> Taxonomy: ...
    @property
    def sentiment(self) -> Mapping[str, SentimentAnalyzer] | SentimentAnalyzer: ...
    @property
    def languages(self) -> LanguageResolver: ...
    @property
    def watchlist(self) -> Watchlist: ...
    @property
    def s3(self) -> Any: ...
    def source_secret(self, name: str | None) -> dict[str, str]: ...
    def dashboard_password(self) -> str: ...


@dataclass
class UseCases:
    """The use cases of one container, each built on first use from the container's ports."""

    services: Container

    @cached_property
    def crisis_plan(self) -> CrisisPlan:
        from .usecases.plan import CrisisPlan  # noqa: PLC0415

        return CrisisPlan(self.services)

    @cached_property
    def action_links(self) -> ActionLinks:
        from .usecases.decisions import ActionLinks  # noqa: PLC0415

        return ActionLinks(self.services)

    @cached_property
    def reporting(self) -> Reporting:
        from .usecases.reporting import Reporting  # noqa: PLC0415

        return Reporting(self.services)

    @cached_property
    def ingestion(self) -> Ingestion:
        from .usecases.ingest import Ingestion  # noqa: PLC0415

        s = self.services
        return Ingestion(s.cursors, s.mentions, s.quarantine, s.stories)

    @cached_property
    def replay_ingestion(self) -> Ingestion:
        """Replays are one source's record of a crisis: no story index links their copies."""
        from .usecases.ingest import Ingestion  # noqa: PLC0415

        s = self.services
        return Ingestion(s.cursors, s.mentions, s.quarantine)

    @cached_property
    def fetching(self) -> SourceFetch:
        from .usecases.fetching import SourceFetch  # noqa: PLC0415

        return SourceFetch(self.ingestion, self.services.source_health, self.services.breaker)

    @cached_property
    def detection(self) -> Detection:
        from .usecases.detection import Detection  # noqa: PLC0415

        s = self.services
        return Detection(s, s.sentiment, s.taxonomy, s.languages)


_services: Services | None = None
_use_cases: UseCases | None = None


def get_services() -> Services:
    global _services  # noqa: PLW0603 - one per container, like boto3 clients
    if _services is None:
        _services = Services()
    return _services


def use_cases(services: Container | None = None) -> UseCases:
    """The container's use cases, or (a test's override) those built on `services`."""
    global _use_cases  # noqa: PLW0603 - one per container, like boto3 clients
    if services is not None:
        return UseCases(services)
    if _use_cases is None:
        _use_cases = UseCases(get_services())
    return _use_cases


@dataclass
class RouteContainer:
    """The use cases an API handler's routes read: a test's container for the request it passes, the
    Lambda container's own otherwise (routes are called by the resolver, so the override cannot be
    passed to them as an argument)."""

    override: Container | None = None

    def use_cases(self) -> UseCases:
        return use_cases(self.override)

    def resolve(
        self, app: Resolver, event: dict[str, Any], context: Any, services: Container | None
    ) -> dict[str, Any]:
        self.override = services
        try:
            return app.resolve(event, context)
        finally:
            self.override = None


class Resolver(Protocol):
    """A Powertools event handler (APIGatewayRestResolver): one request in, one response out."""

    def resolve(self, event: dict[str, Any], context: Any) -> dict[str, Any]: ...
