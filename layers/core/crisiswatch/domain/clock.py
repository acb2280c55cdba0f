"""Time helpers: every timestamp in CrisisWatch is timezone-aware UTC."""

from datetime import UTC, datetime, timedelta

BUCKET = timedelta(minutes=5)


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_iso(value: str) -> datetime:
    """Parse ISO 8601 (with `Z` or an offset); naive times are taken as UTC."""
    parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def to_iso(moment: datetime) -> str:
    """Second-precision ISO 8601 with `Z`; sorts lexicographically, which DynamoDB range keys rely on."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def bucket_start(moment: datetime, width: timedelta = BUCKET) -> datetime:
    """The start of the fixed-width bucket holding `moment` (buckets are aligned to the Unix epoch)."""
    seconds = int(width.total_seconds())
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, UTC)
