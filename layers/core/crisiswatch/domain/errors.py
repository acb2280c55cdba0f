"""Typed errors. Step Functions `Retry`/`Catch` match on these class names."""


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
