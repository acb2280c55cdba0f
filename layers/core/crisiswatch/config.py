"""The only reader of environment variables. The template sets them; nothing else guesses names."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from .domain.response.crisis_plan import Timing


class ConfigError(RuntimeError):
    """A setting is missing or malformed: the message names it."""


TABLE_NAMES: dict[str, tuple[str, str]] = {
    "mentions": ("MENTIONS_TABLE", "MentionsTableName"),
    "quarantine": ("QUARANTINE_TABLE", "QuarantineTableName"),
    "cursors": ("CURSORS_TABLE", "CursorsTableName"),
    "stories": ("STORIES_TABLE", "StoriesTableName"),
    "buckets": ("BUCKETS_TABLE", "BucketsTableName"),
    "detector": ("DETECTOR_TABLE", "DetectorTableName"),
    "incidents": ("INCIDENTS_TABLE", "IncidentsTableName"),
    "links": ("ACTION_LINKS_TABLE", "ActionLinksTableName"),
    "audit": ("AUDIT_TABLE", "AuditTableName"),
}
"""Each logical table -> (the functions' environment variable, the stack's output): the one map of names."""


@dataclass(frozen=True)
class Tables:
    mentions: str = ""
    quarantine: str = ""
    cursors: str = ""
    stories: str = ""
    buckets: str = ""
    detector: str = ""
    incidents: str = ""
    links: str = ""
    audit: str = ""

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> Tables:
        """The names a function's environment gives (the template sets them)."""
        return cls(**{table: env.get(variable, "") for table, (variable, _) in TABLE_NAMES.items()})

    @classmethod
    def from_outputs(cls, outputs: Mapping[str, str]) -> Tables:
        """The names a deployed stack's outputs give (the CLI, the local runtime, tests)."""
        return cls(**{table: outputs.get(output, "") for table, (_, output) in TABLE_NAMES.items()})


DEFAULT_LANGUAGE_MODEL_FILE = "/opt/language/lid.176.ftz"


@dataclass(frozen=True)
class Settings:
    tables: Tables
    contacts_topic: str = ""
    comms_topic: str = ""
    state_machine_arn: str = ""
    action_base_url: str = ""
    link_secret_name: str = ""
    replay_bucket: str = ""
    reports_bucket: str = ""
    dashboard_secret_name: str = ""
    """The dashboard's password (HTTP Basic, user `manager`)."""
    mention_ttl: timedelta = timedelta(days=90)
    watchlist_file: str = ""
    fetch_source_function: str = ""
    taxonomy_file: str = ""
    """A crisis taxonomy to use instead of the packaged one (`crisis_types.toml`)."""
    policy_file: str = ""
    """The escalation policy (`config/escalation_policy.toml`, shipped in the watchlist layer)."""
    statements_file: str = ""
    """Message templates to use instead of the packaged ones (`statements.toml`)."""
    language_model_file: str = DEFAULT_LANGUAGE_MODEL_FILE
    """fastText's language identification model (shipped by the LanguageLayer)."""
    german_lexicon_file: str = ""
    """The German sentiment lexicon; empty: the sentiment layer's copy."""
    timing: Timing = field(default_factory=Timing)


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number of seconds, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{name} must be at least 1 second")
    return value


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    try:
        ttl_days = int(env.get("MENTION_TTL_DAYS", "90"))
    except ValueError:
        raise ConfigError("MENTION_TTL_DAYS must be a whole number of days") from None
    defaults = Timing()
    return Settings(
        tables=Tables.from_environment(env),
        contacts_topic=env.get("CONTACTS_TOPIC_ARN", ""),
        comms_topic=env.get("COMMS_CHANNEL_TOPIC_ARN", ""),
        state_machine_arn=env.get("ESCALATION_STATE_MACHINE_ARN", ""),
        action_base_url=env.get("ACTION_BASE_URL", ""),
        link_secret_name=env.get("LINK_SECRET_NAME", ""),
        replay_bucket=env.get("REPLAY_BUCKET", ""),
        reports_bucket=env.get("REPORTS_BUCKET", ""),
        dashboard_secret_name=env.get("DASHBOARD_SECRET_NAME", ""),
        watchlist_file=env.get("WATCHLIST_FILE", ""),
        fetch_source_function=env.get("FETCH_SOURCE_FUNCTION", ""),
        taxonomy_file=env.get("CRISIS_TAXONOMY_FILE", ""),
        policy_file=env.get("ESCALATION_POLICY_FILE", ""),
        statements_file=env.get("STATEMENTS_FILE", ""),
        language_model_file=env.get("LANGUAGE_MODEL_FILE", "") or DEFAULT_LANGUAGE_MODEL_FILE,
        german_lexicon_file=env.get("GERMAN_LEXICON_FILE", ""),
        mention_ttl=timedelta(days=ttl_days),
        timing=Timing(
            minute_seconds=_seconds(env, "POLICY_MINUTE_SECONDS", defaults.minute_seconds),
            owner_seconds=_seconds(env, "OWNER_RESPONSE_SECONDS", defaults.owner_seconds),
            monitor_interval_seconds=_seconds(
                env, "MONITOR_INTERVAL_SECONDS", defaults.monitor_interval_seconds
            ),
            calm_seconds=_seconds(env, "CALM_SECONDS", defaults.calm_seconds),
            review_seconds=_seconds(env, "REVIEW_SECONDS", defaults.review_seconds),
        ),
    )
