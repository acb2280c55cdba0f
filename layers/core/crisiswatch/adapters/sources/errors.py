"""What a connector raises when a whole fetch cannot proceed (a bad *item* never raises: it is rejected)."""

from __future__ import annotations

from datetime import datetime


class SourceError(Exception):
    """The source failed this time; it counts toward the source's circuit breaker."""


class SourceUnavailableError(SourceError):
    """5xx or timeouts that outlasted the retries."""


class SourceAuthError(SourceError):
    """401/403: credentials missing or refused, or the source closed public access. Reported, not fatal."""


class RateLimitedError(SourceError):
    """The source asked us to wait; the fetch resumes after `retry_at`."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class BudgetExhaustedError(SourceError):
    """A spending or quota budget of ours is used up until `retry_at`; never exceeded."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class MalformedResponseError(SourceError):
    """The response could not be parsed at all (truncated JSON, an HTML error page)."""
