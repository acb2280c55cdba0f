"""Small synthetic scenarios for tests and benchmarks: a quiet stretch, then a burst of angry mentions."""

from __future__ import annotations

import json
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

QUIET_TEXTS = (
    "Nice latte at {brand} today",
    "{brand} app finally remembers my order",
    "Queue at {brand} was long but the barista was lovely",
    "Trying the new seasonal blend from {brand}",
)
CRISIS_TEXT = "{brand} recall: glass in the cans, people got sick. Disgusting and dangerous! #{n}"


def burst_scenario(
    brand: str, start: datetime, quiet_buckets: int = 40, per_bucket: int = 4, burst: int = 60
) -> list[dict[str, Any]]:
    """`quiet_buckets` 5-minute buckets of `per_bucket` ordinary mentions, then `burst` crisis mentions
    within one minute on Mastodon and Bluesky (labelled `"crisis": true`)."""
    # Mentions are unique by (source, id) across brands, as posts are: each scenario gets its own ids.
    tag = zlib.crc32(brand.encode()) % 100_000
    lines: list[dict[str, Any]] = []
    for bucket in range(quiet_buckets):
        for index in range(per_bucket):
            moment = start + timedelta(minutes=5 * bucket, seconds=40 * index + 5)
            lines.append(
                {
                    "source": "reddit",
                    "id": f"t1_{tag:x}{bucket:x}q{index}",
                    "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "author": f"regular{index}",
                    "author_followers": 150 + 10 * index,
                    "text": QUIET_TEXTS[(bucket + index) % len(QUIET_TEXTS)].format(brand=brand),
                    "url": f"https://www.reddit.com/r/coffee/comments/{bucket:x}q{index}/",
                    "lang": "en",
                    "crisis": False,
                }
            )
    burst_at = start + timedelta(minutes=5 * quiet_buckets)
    for index in range(burst):
        created = (burst_at + timedelta(seconds=index % 60)).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = CRISIS_TEXT.format(brand=brand, n=index)
        if index % 2:
            post = f"at://did:plc:upset{tag}x{index}/app.bsky.feed.post/3k{tag:x}{index:06d}"
            line = {
                "source": "bluesky",
                "id": post,
                "author": f"upset{index}.bsky.social",
                "url": f"https://bsky.app/profile/upset{index}.bsky.social/post/3k{tag:x}{index:06d}",
            }
        else:
            line = {
                "source": "mastodon",
                "id": f"{tag}{index:06d}",
                "author": f"upset{index}@mastodon.social",
                "url": f"https://mastodon.social/@upset{index}/{tag}{index:06d}",
            }
        common = {"created_at": created, "author_followers": 900, "text": text, "lang": "en", "crisis": True}
        lines.append({**line, **common})
    return lines


def write_jsonl(path: Path, lines: list[dict[str, Any]], extra_raw_lines: tuple[str, ...] = ()) -> Path:
    """Write mentions (and any raw, possibly malformed, lines) as JSON Lines."""
    body = [json.dumps(line, ensure_ascii=False) for line in lines] + list(extra_raw_lines)
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    return path
