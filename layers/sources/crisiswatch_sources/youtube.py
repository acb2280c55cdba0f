"""YouTube comments on recent videos about the brand (Data API v3, API key).

Two levels: `search.list` finds recent videos (100 units, and one call of the separate daily search
budget), then `commentThreads.list` reads each video's newest comments (1 unit a page). Both budgets are
counted per Pacific day (the quota resets at midnight America/Los_Angeles) and reserved with
`context.usage.reserve` BEFORE each call, so `spec.daily_quota_units` and `spec.search_calls_per_day` are
never exceeded, whatever runs concurrently. Searches are spread over the day (at most one per
`24 h / search_calls_per_day`); the videos found are kept in the cursor (at most MAX_VIDEOS, dropped after
VIDEO_MAX_AGE) so the fetches in between read comments without searching. Each fetch reads up to
`spec.max_videos` videos, least recently read first, `spec.max_pages` comment pages each.

Per video, the cursor keeps the publication time of the newest comment read and the ids read at that
second: paging (newest first, `order=time`) stops at the first comment already seen. A video read only
partly (pages or deadline) keeps `nextPageToken` and the newest time of the unfinished walk, and resumes
there; its watermark moves only when the walk is done. A video with comments disabled is skipped; a
deleted one is forgotten. When the budget or YouTube's own quota (403 `quotaExceeded`) runs out, the fetch
returns what it read (with a cursor that resumes there), or raises BudgetExhaustedError (retry at the next
Pacific midnight) when it could read nothing.

The key is sent in the `X-Goog-Api-Key` header (a Google system parameter), not the `key` query
parameter: URLs end up in exception messages and logs. Comment authors' subscriber counts would cost a
`channels.list` call per author, so reach is 0; comments carry no language ("und").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import requests

from crisiswatch.domain.clock import parse_iso, to_iso
from crisiswatch.domain.errors import InvalidMentionError
from crisiswatch.domain.listening.mentions import MentionParts, mention_from_parts
from crisiswatch.domain.listening.watchlist import YouTubeSpec
from crisiswatch.ports import FetchResult

from .base import Harvest, SourceContext, dump_cursor, load_cursor
from .errors import (
    BudgetExhaustedError,
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
)
from .http import json_of, request, response_of

API_ROOT = "https://www.googleapis.com"
SEARCH_PATH = "/youtube/v3/search"
COMMENTS_PATH = "/youtube/v3/commentThreads"
WATCH_URL = "https://www.youtube.com/watch?v={video}&lc={comment}"
PACIFIC = ZoneInfo("America/Los_Angeles")
SEARCH_UNITS = 100
COMMENT_PAGE_UNITS = 1
MAX_VIDEOS = 50
"""Videos remembered in the cursor (newest first)."""
VIDEO_MAX_AGE = timedelta(days=7)
"""Videos are searched among, and kept for, this long after publication."""
COMMENT_LOOKBACK = timedelta(days=1)
"""The first read of a video goes back this far (older comments are history, not a crisis)."""
MAX_AT_NEWEST = 200
MAX_RAW_CHARS = 20_000


@dataclass
class _Video:
    video_id: str
    published: str
    read_at: float = 0.0
    newest: str | None = None
    """publishedAt of the newest comment read (ISO, UTC); paging stops at or before it."""
    at_newest: list[str] = field(default_factory=list)
    token: str | None = None
    """An unfinished walk: the page to read next..."""
    walk_newest: str | None = None
    walk_at_newest: list[str] = field(default_factory=list)
    """...and the newest comment time (and ids) of that walk, the next watermark once it is done."""

    def to_json(self) -> dict[str, Any]:
        state: dict[str, Any] = {"id": self.video_id, "published": self.published, "read_at": self.read_at}
        if self.newest:
            state.update(newest=self.newest, at_newest=self.at_newest)
        if self.token:
            state.update(token=self.token, walk_newest=self.walk_newest, walk_at_newest=self.walk_at_newest)
        return state

    @classmethod
    def from_json(cls, state: Any) -> _Video | None:
        if not isinstance(state, dict) or not isinstance(state.get("id"), str):
            return None
        published = state.get("published")
        video = cls(state["id"], published if isinstance(published, str) else "")
        read_at = state.get("read_at")
        video.read_at = float(read_at) if isinstance(read_at, int | float) else 0.0
        video.newest = _iso_or_none(state.get("newest"))
        video.at_newest = _strings(state.get("at_newest"))
        token = state.get("token")
        video.token = token if isinstance(token, str) and token else None
        video.walk_newest = _iso_or_none(state.get("walk_newest"))
        video.walk_at_newest = _strings(state.get("walk_at_newest"))
        return video


class _OutOfBudget(Exception):  # noqa: N818 - a signal inside one fetch, not an error anyone sees
    pass


class YouTubeSource:
    def __init__(self, spec: YouTubeSpec, context: SourceContext) -> None:
        self.name = f"{spec.type}:{spec.id}"
        self.spec = spec
        self.context = context
        self.warnings: list[str] = []
        """What the last fetch skipped or stopped on, for the caller to log."""
        self._root = str(spec.base_url).rstrip("/") if spec.base_url else API_ROOT
        self._answered = 0
        """Calls answered in this fetch (a fetch that could make none raises BudgetExhaustedError)."""
        self._spent: str | None = None
        """Why the daily units stopped this fetch, if they did."""

    # ----- budgets ---------------------------------------------------------------------------------

    def _day(self, now: datetime) -> str:
        return now.astimezone(PACIFIC).strftime("%Y-%m-%d")

    def units_key(self, now: datetime) -> str:
        return f"youtube-units:{self.context.brand.name}:{self.spec.id}:{self._day(now)}"

    def search_key(self, now: datetime) -> str:
        return f"youtube-search:{self.context.brand.name}:{self.spec.id}:{self._day(now)}"

    @staticmethod
    def next_reset(now: datetime) -> datetime:
        """The next midnight in America/Los_Angeles, in UTC (DST-aware)."""
        local = now.astimezone(PACIFIC)
        midnight = datetime(local.year, local.month, local.day, tzinfo=PACIFIC) + timedelta(days=1)
        midnight = datetime(midnight.year, midnight.month, midnight.day, tzinfo=PACIFIC)
        return midnight.astimezone(UTC)

    def _reserve_units(self, amount: int, now: datetime) -> None:
        if not self.context.usage.reserve(self.units_key(now), amount, self.spec.daily_quota_units):
            raise _OutOfBudget(f"daily budget of {self.spec.daily_quota_units} units is spent")

    # ----- fetch -----------------------------------------------------------------------------------

    def fetch(self, cursor: str | None, now: datetime) -> FetchResult:
        self.warnings = []
        state = load_cursor(cursor)
        videos = [video for item in _list(state.get("videos")) if (video := _Video.from_json(item))]
        last_search = state.get("searched_at")
        harvest = Harvest()
        self._answered = 0
        self._spent = None
        try:
            if self._search_due(last_search, now) and not self.context.out_of_time():
                found = self._search(now)
                if found is not None:
                    last_search = to_iso(now)
                    videos = _merge(videos, found)
            cutoff = now - VIDEO_MAX_AGE
            videos = [video for video in videos if not video.published or _after(video.published, cutoff)]
            for video in sorted(videos, key=lambda video: video.read_at)[: self.spec.max_videos]:
                if self.context.out_of_time():
                    break
                if not self._read_video(video, now, harvest):
                    videos.remove(video)
        except _OutOfBudget as spent:
            self._spent = str(spent)
        if self._spent:
            if self._answered == 0:
                raise BudgetExhaustedError(f"{self.name}: {self._spent}", retry_at=self.next_reset(now))
            self.warnings.append(f"{self._spent}; resuming after {to_iso(self.next_reset(now))}")
        next_state: dict[str, Any] = {"videos": [video.to_json() for video in videos]}
        if isinstance(last_search, str):
            next_state["searched_at"] = last_search
        return harvest.result(dump_cursor(next_state))

    def _search_due(self, last_search: Any, now: datetime) -> bool:
        calls = self.spec.search_calls_per_day
        if calls <= 0:
            return False
        if not isinstance(last_search, str):
            return True
        try:
            return now - parse_iso(last_search) >= timedelta(days=1) / calls
        except ValueError:
            return True

    def _search(self, now: datetime) -> list[_Video] | None:
        """Recent videos matching the query; None when the search budget is spent for today."""
        key, limit = self.search_key(now), self.spec.search_calls_per_day
        if self.context.usage.used(key) >= limit:
            return None  # today's searches are spent: keep reading the videos already known
        if not self.context.usage.reserve(self.units_key(now), SEARCH_UNITS, self.spec.daily_quota_units):
            self._spent = f"fewer than {SEARCH_UNITS} units left today: no search"
            return None  # the comments of known videos may still fit in what is left
        if not self.context.usage.reserve(key, 1, limit):
            return None  # a concurrent fetch took the last search: the 100 units stay counted (safe side)
        params = {
            "part": "snippet",
            "q": self.spec.query or self.context.brand.default_query().replace(" OR ", "|"),
            "type": "video",
            "order": "date",
            "publishedAfter": to_iso(now - VIDEO_MAX_AGE),
            "maxResults": 50,
        }
        status, body = self._call(SEARCH_PATH, params, now)
        if status != 200:
            raise SourceError(f"search.list: HTTP {status} {_reason(body)}")
        found = []
        for item in _list(body.get("items")):
            ids = item.get("id") if isinstance(item, dict) else None
            video_id = ids.get("videoId") if isinstance(ids, dict) else None
            snippet = item.get("snippet") if isinstance(item, dict) else None
            published = snippet.get("publishedAt") if isinstance(snippet, dict) else None
            if isinstance(video_id, str) and video_id:
                found.append(_Video(video_id, _iso_or_none(published) or ""))
        return found

    def _read_video(
        self,
        video: _Video,
        now: datetime,
        harvest: Harvest,
    ) -> bool:
        """Read a video's new comments; False if the video is gone and should be forgotten."""
        floor = video.newest or to_iso(now - COMMENT_LOOKBACK)
        at_floor = set(video.at_newest)
        for _ in range(self.spec.max_pages):
            if self.context.out_of_time():
                return True
            params = {
                "part": "snippet",
                "videoId": video.video_id,
                "order": "time",
                "maxResults": 100,
                "textFormat": "plainText",
            }
            if video.token:
                params["pageToken"] = video.token
            status, body = self._call(COMMENTS_PATH, params, now, units=COMMENT_PAGE_UNITS)
            video.read_at = now.timestamp()
            reason = _reason(body)
            if status == 403 and reason == "commentsDisabled":
                return True
            if status == 404:
                self.warnings.append(f"video {video.video_id}: {reason or 'not found'}; forgotten")
                return False
            if status == 400 and video.token:
                video.token = None  # an expired page token: start the walk again (the table dedupes)
                continue
            if status != 200:
                raise SourceError(f"commentThreads.list: HTTP {status} {reason}")
            reached_floor = self._take_page(video, body, floor, at_floor, harvest)
            token = body.get("nextPageToken")
            if reached_floor or not isinstance(token, str) or not token:
                _finish_walk(video)
                return True
            video.token = token
        return True

    def _take_page(
        self,
        video: _Video,
        body: dict[str, Any],
        floor: str,
        at_floor: set[str],
        harvest: Harvest,
    ) -> bool:
        """Keep the page's new comments; True if it reached comments read before (paging can stop)."""
        reached_floor = False
        for thread in _list(body.get("items")):
            published = _published(thread)
            if published is not None and published < floor:
                # Newest first, so the rest was read before; the page is still finished, in case a newer
                # comment comes out of order.
                reached_floor = True
                continue
            if published == floor and _thread_id(thread) in at_floor:
                continue
            if published is not None and (video.walk_newest is None or published >= video.walk_newest):
                if published != video.walk_newest:
                    video.walk_newest, video.walk_at_newest = published, []
                if len(video.walk_at_newest) < MAX_AT_NEWEST:
                    video.walk_at_newest.append(_thread_id(thread))
            self._keep(thread, video.video_id, harvest)
        return reached_floor

    def _call(
        self, path: str, params: dict[str, Any], now: datetime, units: int = 0
    ) -> tuple[int, dict[str, Any]]:
        """One API call (units reserved first); YouTube's 403 reasons are turned into our errors."""
        if units:
            self._reserve_units(units, now)
        api_key = self.context.secret().get("api_key", "")
        if not api_key:
            raise SourceAuthError(f"{self.name}: the secret has no api_key")
        url = f"{self._root}{path}"
        try:
            response = request(
                self.context.session,
                "GET",
                url,
                now,
                params=params,
                headers={"X-Goog-Api-Key": api_key},
            )
        except SourceAuthError as denied:
            # A 403 says why in its body: comments disabled, quota, or a real refusal.
            answer = response_of(denied)
            if answer is None or answer.status_code != 403:
                raise
            response = answer
        body = _json_body(response) if response.status_code == 200 else _error_body(response)
        reason = _reason(body)
        if response.status_code == 200:
            self._answered += 1
        if response.status_code == 403 and reason in ("quotaExceeded", "dailyLimitExceeded"):
            # Our counter missed spending (another app on the key?): mark today as spent, stop.
            units_key = self.units_key(now)
            left = self.spec.daily_quota_units - self.context.usage.used(units_key)
            if left > 0:
                self.context.usage.reserve(units_key, left, self.spec.daily_quota_units)
            raise _OutOfBudget(f"YouTube says the quota is exceeded ({reason})")
        if response.status_code == 403 and reason in ("rateLimitExceeded", "userRateLimitExceeded"):
            raise RateLimitedError(f"{url}: 403 {reason}", now + timedelta(minutes=1))
        if response.status_code == 403 and reason != "commentsDisabled":
            raise SourceAuthError(f"{url}: 403 {reason or response.reason}")
        if response.status_code == 400 and (reason == "keyInvalid" or "API_KEY_INVALID" in response.text):
            raise SourceAuthError(f"{url}: 400 the API key is not valid")
        return response.status_code, body

    def _keep(
        self,
        thread: Any,
        video_id: str,
        harvest: Harvest,
    ) -> None:
        try:
            if not isinstance(thread, dict):
                raise InvalidMentionError("comment thread is not an object")
            comment_id = _thread_id(thread)
            if not comment_id:
                raise InvalidMentionError("comment thread has no id")
            if comment_id in harvest.emitted:
                return
            harvest.emitted.add(comment_id)
            snippet = _comment_snippet(thread)
            text = snippet.get("textDisplay") or snippet.get("textOriginal")
            thread_snippet = thread.get("snippet")
            replies = thread_snippet.get("totalReplyCount") if isinstance(thread_snippet, dict) else None
            mention = mention_from_parts(
                MentionParts(
                    source="youtube",
                    native_id=comment_id,
                    brand=self.context.brand.name,
                    created_at=snippet.get("publishedAt"),
                    text=text,
                    author=snippet.get("authorDisplayName") or "",
                    author_followers=0,
                    url=WATCH_URL.format(video=video_id, comment=comment_id),
                    lang="und",
                    engagement={"likes": snippet.get("likeCount"), "replies": replies},
                    raw=thread,
                )
            )
        except InvalidMentionError as error:
            harvest.rejected.append(
                (json.dumps(thread, default=str, ensure_ascii=False)[:MAX_RAW_CHARS], error.reason)
            )
            return
        if self.context.brand.matches(mention.text) and self.context.brand.keeps_language(mention.lang):
            harvest.mentions.append(mention)


def _finish_walk(video: _Video) -> None:
    """The walk reached what was read before: its newest comment becomes the video's watermark."""
    if video.walk_newest and (video.newest is None or video.walk_newest >= video.newest):
        if video.walk_newest == video.newest:
            video.at_newest = sorted({*video.at_newest, *video.walk_at_newest})[-MAX_AT_NEWEST:]
        else:
            video.at_newest = video.walk_at_newest
        video.newest = video.walk_newest
    video.token, video.walk_newest, video.walk_at_newest = None, None, []


def _merge(known: list[_Video], found: list[_Video]) -> list[_Video]:
    """Known videos keep their progress; new ones join; the newest MAX_VIDEOS are kept."""
    by_id = {video.video_id: video for video in known}
    for video in found:
        by_id.setdefault(video.video_id, video)
    return sorted(by_id.values(), key=lambda video: video.published, reverse=True)[:MAX_VIDEOS]


def _comment_snippet(thread: dict[str, Any]) -> dict[str, Any]:
    snippet = thread.get("snippet")
    top = snippet.get("topLevelComment") if isinstance(snippet, dict) else None
    inner = top.get("snippet") if isinstance(top, dict) else None
    if not isinstance(inner, dict):
        raise InvalidMentionError("comment thread has no snippet.topLevelComment.snippet")
    return inner


def _thread_id(thread: Any) -> str:
    value = thread.get("id") if isinstance(thread, dict) else None
    return value if isinstance(value, str) else ""


def _published(thread: Any) -> str | None:
    """The top-level comment's publishedAt as normalised ISO (comparable as text), or None."""
    try:
        return _iso_or_none(_comment_snippet(thread).get("publishedAt"))
    except (InvalidMentionError, AttributeError):
        return None


def _iso_or_none(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return to_iso(parse_iso(value))
    except (ValueError, OverflowError):
        return None


def _after(published: str, cutoff: datetime) -> bool:
    try:
        return parse_iso(published) >= cutoff
    except ValueError:
        return True


def _json_body(response: requests.Response) -> dict[str, Any]:
    body = json_of(response)
    if not isinstance(body, dict):
        raise MalformedResponseError(f"{response.url}: the response is not a JSON object")
    return body


def _error_body(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _reason(body: dict[str, Any]) -> str:
    """`error.errors[0].reason` of a Google API error body ("" if none)."""
    error = body.get("error")
    errors = error.get("errors") if isinstance(error, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else None
    reason = first.get("reason") if isinstance(first, dict) else None
    return reason if isinstance(reason, str) else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []
