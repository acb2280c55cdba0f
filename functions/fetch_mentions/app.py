"""FetchMentionsFunction: on each schedule tick, fan out one fetch per (brand, source) of the watchlist.

Replays (drills uploaded to the replay bucket) are read here directly: they are cheap, and reading them
in tick order keeps a replayed crisis in the order it happened.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.adapters.replay_source import ReplaySource, list_manifests
from crisiswatch.domain.clock import parse_iso
from crisiswatch.observability import entry_point, logger, metrics
from crisiswatch.wiring import Container, use_cases


@entry_point()
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    services = root.services
    now = parse_iso(EventBridgeEvent(event).time)
    reports = []
    replays = (
        list_manifests(services.s3, services.settings.replay_bucket)
        if services.settings.replay_bucket
        else []
    )
    for key, manifest in replays:
        if isinstance(manifest, str):
            logger.warning("Skipping a replay", extra={"manifest": key, "reason": manifest})
            metrics.add_metric("ReplayManifestsUnreadable", MetricUnit.Count, 1)
            continue
        source = ReplaySource(services.s3, services.settings.replay_bucket, manifest)
        report = root.replay_ingestion.ingest(
            source, f"{manifest.brand}#replay#{manifest.key}", now, languages=services.languages
        )
        metrics.add_metric("MentionsStored", MetricUnit.Count, report.stored)
        metrics.add_metric("MentionsDuplicate", MetricUnit.Count, report.duplicates)
        metrics.add_metric("MentionsQuarantined", MetricUnit.Count, report.quarantined)
        logger.info("Fetched", extra={"brand": manifest.brand, **report.__dict__})
        reports.append({"brand": manifest.brand, **report.__dict__})
    dispatched = 0
    if services.settings.watchlist_file:
        for brand, spec in services.watchlist.pairs():
            services.fan_out.dispatch({"brand": brand.name, "source_id": spec.id, "time": event.get("time")})
            dispatched += 1
    metrics.add_metric("FetchesDispatched", MetricUnit.Count, dispatched)
    return {"time": event.get("time"), "reports": reports, "dispatched": dispatched}
