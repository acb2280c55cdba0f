"""What a connector raises when a whole fetch cannot proceed (a bad *item* never raises: it is rejected).

The classes are domain errors (the fetch use case decides on them); they are re-exported here for the
connectors.
"""

from crisiswatch.domain.errors import (
    BudgetExhaustedError,
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
    SourceUnavailableError,
)

__all__ = [
    "BudgetExhaustedError",
    "MalformedResponseError",
    "RateLimitedError",
    "SourceAuthError",
    "SourceError",
    "SourceUnavailableError",
]
