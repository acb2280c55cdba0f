"""FetchSourceFunction: fetch one (brand, source) pair of the watchlist, behind its circuit breaker."""

from __future__ import annotations

import time
from dataclasses import asdict
from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from crisiswatch.breaker import BreakerState
from crisiswatch.domain.clock import parse_iso, utc_now
from crisiswatch.domain.errors import InvalidRequestError
from crisiswatch.observability import count, entry_point, logger, metrics
from crisiswatch.usecases.fetching import FetchStatus
from crisiswatch.wiring import Container, use_cases
from crisiswatch_sources.base import SourceContext
from crisiswatch_sources.http import http_session
from crisiswatch_sources.registry import build_source

RETURN_MARGIN_SECONDS = 3.0
"""Stop fetching this long before Lambda's own timeout, so the mentions found so far are stored."""

# The source connectors come from the SourcesLayer, which only this function carries (issue 16).
session = cache(http_session)
"""One HTTP session per container, made on the first fetch: its connections outlive an invocation."""


@entry_point()
def lambda_handler(
    event: dict[str, Any], context: LambdaContext, services: Container | None = None
) -> dict[str, Any]:
    root = use_cases(services)
    services = root.services
    try:
        brand, spec = services.watchlist.pair(str(event["brand"]), str(event["source_id"]))
    except KeyError as error:
        raise InvalidRequestError(f"not in the watchlist: {error}") from None
    now = parse_iso(event["time"]) if event.get("time") else utc_now()
    budget = min(spec.timeout_seconds, context.get_remaining_time_in_millis() / 1000 - RETURN_MARGIN_SECONDS)
    source = build_source(
        spec,
        SourceContext(
            brand=brand,
            session=session(),
            secret=lambda: services.source_secret(spec.secret),
            usage=services.usage,
            deadline=time.monotonic() + max(budget, 1.0),
        ),
    )
    outcome = root.fetching.fetch(
        source,
        f"{brand.name}#{spec.id}",
        now,
        received_at=utc_now(),
        languages=services.languages.for_languages(brand.languages),
    )
    metrics.add_dimension("source", spec.type)
    count(f"Fetch_{outcome.status.value}")
    count("CircuitOpen", int(outcome.breaker is not BreakerState.CLOSED))
    if outcome.report:
        count("MentionsStored", outcome.report.stored)
        count("MentionsDuplicate", outcome.report.duplicates)
        count("MentionsQuarantined", outcome.report.quarantined)
        count("MentionsSyndicated", outcome.report.syndicated)
    for warning in getattr(source, "warnings", []):
        logger.warning("Source warning", extra={"source": source.name, "warning": warning})
    log = logger.info if outcome.status in (FetchStatus.FETCHED, FetchStatus.SKIPPED) else logger.warning
    log("Fetch", extra={"source": source.name, "status": outcome.status.value, "detail": outcome.detail})
    return {
        "brand": brand.name,
        "source": spec.id,
        "status": outcome.status.value,
        "breaker": outcome.breaker.value,
        "detail": outcome.detail,
        "report": asdict(outcome.report) if outcome.report else None,
    }
