"""Logging, tracing and metrics: Powertools set up once, for every handler.

The template names each function's service (`POWERTOOLS_SERVICE_NAME`) and sets the metrics namespace
and log level for all (`Globals`), so one logger, tracer and metrics object serve every function; a
handler imports them and wears `entry_point`, which stacks the three decorators in one order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger()
tracer = Tracer()
metrics = Metrics()

Handler = TypeVar("Handler", bound=Callable[..., Any])


def entry_point(
    *, log_event: bool | None = None, correlation_id_path: str | None = None
) -> Callable[[Handler], Handler]:
    """A Lambda entry point: logs carry the invocation's context, the invocation is traced, and the
    metrics it counted are flushed as it returns.

    `log_event`: only for events that hold no secret (task tokens, link ids and passwords never are);
    None follows `POWERTOOLS_LOGGER_LOG_EVENT`, which the template leaves off.
    """

    def wrap(handler: Handler) -> Handler:
        logged = logger.inject_lambda_context(
            handler, log_event=log_event, correlation_id_path=correlation_id_path
        )
        return cast(Handler, metrics.log_metrics(tracer.capture_lambda_handler(logged)))

    return wrap


def count(name: str, value: float = 1) -> None:
    """Add `value` to the metric `name` (a count) of this invocation."""
    metrics.add_metric(name, MetricUnit.Count, value)
