"""The only reader of environment variables. The template sets them; nothing else guesses names."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from .domain.incidents import Recipient


class ConfigError(RuntimeError):
    """A setting is missing or malformed: the message names it."""


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


@dataclass(frozen=True)
class Settings:
    tables: Tables
    tier_topics: dict[int, str] = field(default_factory=dict)
    tier_recipients: dict[int, list[Recipient]] = field(default_factory=dict)
    state_machine_arn: str = ""
    action_base_url: str = ""
    link_secret_name: str = ""
    replay_bucket: str = ""
    mention_ttl: timedelta = timedelta(days=90)
    watchlist_file: str = ""
    fetch_source_function: str = ""
    taxonomy_file: str = ""
    """A crisis taxonomy to use instead of the packaged one (`crisis_types.toml`)."""


def _recipients(raw: str) -> dict[int, list[Recipient]]:
    """`{"1": [{"id": "tier1-primary", "name": "On-call responder"}], "2": [...]}`."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
        return {
            int(tier): [Recipient(str(item["id"]), str(item.get("name") or item["id"])) for item in people]
            for tier, people in data.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(f"TIER_RECIPIENTS is not valid: {error}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    topics = {}
    for key, value in env.items():
        if key.startswith("TIER") and key.endswith("_TOPIC_ARN") and value:
            topics[int(key[4:-10])] = value
    try:
        ttl_days = int(env.get("MENTION_TTL_DAYS", "90"))
    except ValueError:
        raise ConfigError("MENTION_TTL_DAYS must be a whole number of days") from None
    return Settings(
        tables=Tables(
            mentions=env.get("MENTIONS_TABLE", ""),
            quarantine=env.get("QUARANTINE_TABLE", ""),
            cursors=env.get("CURSORS_TABLE", ""),
            stories=env.get("STORIES_TABLE", ""),
            buckets=env.get("BUCKETS_TABLE", ""),
            detector=env.get("DETECTOR_TABLE", ""),
            incidents=env.get("INCIDENTS_TABLE", ""),
            links=env.get("ACTION_LINKS_TABLE", ""),
            audit=env.get("AUDIT_TABLE", ""),
        ),
        tier_topics=topics,
        tier_recipients=_recipients(env.get("TIER_RECIPIENTS", "")),
        state_machine_arn=env.get("ESCALATION_STATE_MACHINE_ARN", ""),
        action_base_url=env.get("ACTION_BASE_URL", ""),
        link_secret_name=env.get("LINK_SECRET_NAME", ""),
        replay_bucket=env.get("REPLAY_BUCKET", ""),
        watchlist_file=env.get("WATCHLIST_FILE", ""),
        fetch_source_function=env.get("FETCH_SOURCE_FUNCTION", ""),
        taxonomy_file=env.get("CRISIS_TAXONOMY_FILE", ""),
        mention_ttl=timedelta(days=ttl_days),
    )
