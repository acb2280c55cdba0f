"""Typed errors. Step Functions `Retry`/`Catch` match on these class names."""

from datetime import datetime


class CrisisWatchError(Exception):
    """Base class of every error the domain raises on purpose."""


class InvalidMentionError(CrisisWatchError):
    """A mention payload that cannot be normalised; it goes to quarantine with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidRequestError(CrisisWatchError):
    """A caller sent something malformed (bad JSON, missing fields, wrong types)."""


class IncidentNotFoundError(CrisisWatchError):
    """No incident has that id."""


class TransientError(CrisisWatchError):
    """Worth retrying: a dependency was briefly unavailable."""


class SourceError(CrisisWatchError):
    """A source failed this fetch; it counts toward the source's circuit breaker."""


class SourceUnavailableError(SourceError):
    """5xx or timeouts that outlasted the retries."""


class SourceAuthError(SourceError):
    """401/403: credentials missing or refused, or the source closed public access."""


class MalformedResponseError(SourceError):
    """The response could not be parsed at all (truncated JSON, an HTML error page)."""


class RateLimitedError(SourceError):
    """The source asked us to wait; fetching resumes after `retry_at` (not a failure of the source)."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class BudgetExhaustedError(SourceError):
    """A spending or quota budget of ours is used up until `retry_at`; it is never exceeded."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at
