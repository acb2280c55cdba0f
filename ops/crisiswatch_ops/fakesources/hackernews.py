"""Fake Hacker News search (Algolia's HN Search API), under `/hn`.

Faithful:
- `GET /api/v1/search_by_date` (newest first by `created_at_i`) and `/api/v1/search` (served in the same
  order here), no credentials.
- `tags`: comma = AND, parentheses = OR (`(story,comment)`, `story,author_pg`); the tags an item has are
  its type, `author_<name>` and `story_<id>`.
- `numericFilters` on `created_at_i`, `points` and `num_comments` with `<`, `<=`, `=`, `!=`, `>=`, `>`,
  comma-separated (AND); an unknown attribute or a bad filter is a 400 `{"message", "status"}`.
- `page` (from 0), `hitsPerPage` (default 20, at most 1000), `nbHits`, `nbPages`, `hitsPerPage`, `page`,
  `query`, `params`, `processingTimeMS`, `exhaustiveNbHits`. `page` is an offset: items deleted between
  two requests shift it. No hit past rank 1,000 (`paginationLimitedTo`, settable) is ever served:
  `nbPages` stops there and later pages are empty while `nbHits` still counts everything.
- Hits have `objectID` (a string), `created_at` and `created_at_i`, `author`, `_tags`, `title`, `url`,
  `story_text` (stories; HTML or null), `comment_text` (comments; HTML), `story_id`, `parent_id`,
  `story_title`, `points`, `num_comments`, `_highlightResult`.

Simplified: `query` words (OR-separated alternatives, quoted phrases kept whole) are matched as
case-insensitive substrings of title, text and URL (Algolia does prefix and typo-tolerant matching);
`/search` does not rank by relevance.
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

from .common import (
    Api,
    Call,
    FakeResponse,
    FieldPaths,
    Listing,
    corrupt_fields,
    int_param,
    iso_s,
    json_response,
    matches_query,
    paginate,
)
from .corpus import FakeItem, SourceType

PATHS = ("/api/v1/search_by_date", "/api/v1/search")
_FILTER = re.compile(r"^\s*(?P<attr>[a-z_]+)\s*(?P<op><=|>=|!=|<|>|=)\s*(?P<value>-?\d+(\.\d+)?)\s*$")
_ATTRS = ("created_at_i", "points", "num_comments")


class HackerNewsApi(Api):
    source: SourceType = "hackernews"

    def error(self, status: int, message: str) -> FakeResponse:
        return json_response(status, {"message": message, "status": status})

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        if request.path.rstrip("/") not in PATHS or request.method not in ("GET", "HEAD"):
            return self.error(404, "Not Found")
        query = request.param("query", "") or ""
        page_number = int_param(request.param("page"), 0)
        per_page = int_param(request.param("hitsPerPage"), 20)
        if page_number is None or per_page is None or page_number < 0:
            return self.error(400, "Invalid value for page or hitsPerPage")
        per_page = max(0, min(per_page, 1000))
        tags = _parse_tags(request.param("tags") or "")
        if tags is None:
            return self.error(400, "invalid tags")
        filters = _parse_filters(request.param("numericFilters") or "")
        if isinstance(filters, str):
            return self.error(400, filters)
        ordering = sorted(
            (
                item
                for item in self.state.visible(self.state.data.of("hackernews"))
                if matches_query(query, item.title, item.text, item.url)
                and _tags_match(tags, _item_tags(item))
            ),
            key=lambda item: (int(item.created_at.timestamp()), int(item.native_id)),
            reverse=True,
        )
        results = [
            item
            for item in ordering
            if all(_compare(_numbers(item)[attr], op, value) for attr, op, value in filters)
        ]
        cap = self.state.settings.hn_result_cap
        start = page_number * per_page
        size = max(0, min(per_page, cap - start))
        page = paginate(call, Listing("/hn/search", results, _hit, _corrupt, ordering=ordering), start, size)
        hits = page.payloads
        total = page.total
        pages = math.ceil(min(total, cap) / per_page) if per_page else 0
        params = urlencode({key: values[0] for key, values in request.query.items()})
        return json_response(
            200,
            {
                "exhaustive": {"nbHits": True, "typo": True},
                "exhaustiveNbHits": True,
                "exhaustiveTypo": True,
                "hits": hits,
                "hitsPerPage": per_page,
                "nbHits": total,
                "nbPages": pages,
                "page": page_number,
                "params": params,
                "processingTimeMS": 1,
                "query": query,
                "serverTimeMS": 2,
            },
        )


def _parse_tags(text: str) -> list[list[str]] | None:
    """AND of OR-groups."""
    groups: list[list[str]] = []
    depth, current = 0, ""
    parts: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
        if depth < 0:
            return None
    if depth:
        return None
    parts.append(current)
    for part in (part.strip() for part in parts):
        if not part:
            continue
        inner = part[1:-1] if part.startswith("(") and part.endswith(")") else part
        groups.append([tag.strip() for tag in inner.split(",") if tag.strip()])
    return groups


def _item_tags(item: FakeItem) -> set[str]:
    return {item.kind, f"author_{item.author}", f"story_{item.extra.get('story_id', '')}"}


def _tags_match(groups: list[list[str]], tags: set[str]) -> bool:
    return all(any(tag in tags for tag in group) for group in groups)


def _parse_filters(text: str) -> list[tuple[str, str, float]] | str:
    filters = []
    for part in (part for part in text.split(",") if part.strip()):
        matched = _FILTER.match(part)
        if not matched:
            return f"invalid numericFilters: {part!r}"
        if matched.group("attr") not in _ATTRS:
            return f"Unknown attribute in numericFilters: {matched.group('attr')}"
        filters.append((matched.group("attr"), matched.group("op"), float(matched.group("value"))))
    return filters


def _numbers(item: FakeItem) -> dict[str, float]:
    created = int(item.created_at.timestamp())
    return {"created_at_i": created, "points": created % 300, "num_comments": created % 40}


def _compare(left: float, op: str, right: float) -> bool:
    return {
        "<": left < right,
        "<=": left <= right,
        "=": left == right,
        "!=": left != right,
        ">=": left >= right,
        ">": left > right,
    }[op]


def _hit(item: FakeItem) -> dict[str, Any]:
    created = int(item.created_at.timestamp())
    numbers = _numbers(item)
    story_id = item.extra.get("story_id", item.native_id)
    base: dict[str, Any] = {
        "_tags": [item.kind, f"author_{item.author}", f"story_{story_id}"],
        "author": item.author,
        "created_at": iso_s(item.created_at),
        "created_at_i": created,
        "objectID": item.native_id,
        "story_id": int(story_id),
        "updated_at": iso_s(item.created_at),
    }
    if item.kind == "story":
        base.update(
            title=item.title,
            url=item.url or None,
            story_text=item.text or None,
            points=int(numbers["points"]),
            num_comments=int(numbers["num_comments"]),
            children=[],
            _highlightResult={"title": {"value": item.title, "matchLevel": "full", "matchedWords": []}},
        )
    else:
        base.update(
            comment_text=item.text,
            parent_id=int(story_id),
            story_title="A story",
            story_url="https://example.com/story",
            points=None,
            _highlightResult={
                "comment_text": {"value": item.text[:200], "matchLevel": "full", "matchedWords": []}
            },
        )
    return base


def _corrupt(payload: Any, variant: str) -> Any:
    return corrupt_fields(
        payload,
        variant,
        FieldPaths(
            id_paths=[("objectID",)],
            time_paths=[("created_at",), ("created_at_i",)],
            text_paths=[("title",), ("story_text",), ("comment_text",)],
            not_object="oops",
        ),
    )
