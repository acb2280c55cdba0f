"""Fake YouTube Data API v3, under `/youtube` (paths as on www.googleapis.com: `/youtube/v3/...`).

Faithful:
- The API key in `key` (or `X-Goog-Api-Key`): missing is a 403 ("The request is missing a valid API
  key.", reason `forbidden`), wrong a 400 ("API key not valid", reason `badRequest`, `API_KEY_INVALID`).
  Every error is in Google's JSON shape: `{"error": {"code", "message", "errors": [{"message", "domain",
  "reason", "location"?, "locationType"?}], "status"}}`.
- Quota by the server clock, per Pacific day: `search.list` costs 100 units and has its own bucket of
  100 calls a day, `commentThreads.list` costs 1 unit; past either a 403 `quotaExceeded` (domain
  `youtube.quota`). The `quota_exceeded` fault answers the same on demand.
- `GET /youtube/v3/search` (`part` required, `q`, `type=video`, `order=date`, `publishedAfter`/
  `publishedBefore` (RFC 3339), `maxResults` 0..50 (default 5), `pageToken`): `youtube#searchListResponse`
  with `items[].id.videoId` and a `snippet` whose title and description are HTML-escaped, as the real
  search returns them. Its page tokens are offsets (like the real `CAUQAA` tokens).
- `GET /youtube/v3/commentThreads` (`part` required, `videoId`, `maxResults` 1..100 (default 20),
  `order=time`, `pageToken`, `textFormat=html|plainText`, `searchTerms`): `youtube#commentThread` items
  whose `snippet.topLevelComment` holds the comment (`id`, `textDisplay`, `textOriginal`,
  `authorDisplayName`, `authorChannelId.value`, `likeCount`, `publishedAt`, `updatedAt`); the thread id
  is the top-level comment's id. A video with comments disabled is a 403 `commentsDisabled`, an unknown
  one a 404 `videoNotFound`. Out-of-range `maxResults` is a 400 `invalidParameter`.

Simplified: `order=relevance` is served newest first; comment page tokens are keyset tokens (the real
ones are opaque too); `part=id` alone still returns ids only, other parts are not distinguished; no
replies, no `allThreadsRelatedToChannelId`, no other resources.
"""

from __future__ import annotations

import html
from typing import Any
from zoneinfo import ZoneInfo

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
    opaque,
    paginate,
    parse_time,
    unopaque,
)
from .corpus import FakeItem, FakeVideo, SourceType
from .faults import FaultKind

PACIFIC = ZoneInfo("America/Los_Angeles")
SEARCH = "/youtube/v3/search"
THREADS = "/youtube/v3/commentThreads"
SEARCH_COST = 100
THREADS_COST = 1
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    502: "UNAVAILABLE",
    503: "UNAVAILABLE",
}
QUOTA_MESSAGE = (
    "The request cannot be completed because you have exceeded your "
    '<a href="/youtube/v3/getting-started#quota">quota</a>.'
)
VIDEO_PARAM = '<code><a href="/youtube/v3/docs/commentThreads/list#videoId">videoId</a></code>'


def google_error(
    status: int, message: str, reason: str, domain: str = "global", location: str | None = None
) -> FakeResponse:
    detail: dict[str, Any] = {"message": message, "domain": domain, "reason": reason}
    if location:
        detail.update(location=location, locationType="parameter")
    body: dict[str, Any] = {"code": status, "message": message, "errors": [detail]}
    if status in _STATUS:
        body["status"] = _STATUS[status]
    return json_response(status, {"error": body})


class YouTubeApi(Api):
    source: SourceType = "youtube"
    transport_faults = Api.transport_faults | {FaultKind.QUOTA_EXCEEDED}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units: dict[str, int] = {}
        self.search_calls: dict[str, int] = {}

    def error(self, status: int, message: str) -> FakeResponse:
        reasons = {
            429: "rateLimitExceeded",
            500: "backendError",
            502: "backendError",
            503: "backendError",
            404: "notFound",
        }
        return google_error(status, message, reasons.get(status, "backendError"))

    def fault(self, kind: FaultKind) -> FakeResponse:
        if kind == FaultKind.QUOTA_EXCEEDED:
            return google_error(403, QUOTA_MESSAGE, "quotaExceeded", "youtube.quota")
        return super().fault(kind)

    def day(self) -> str:
        return self.state.now().astimezone(PACIFIC).strftime("%Y-%m-%d")

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        path = request.path.rstrip("/")
        if path not in (SEARCH, THREADS) or request.method not in ("GET", "HEAD"):
            return google_error(404, "Not Found", "notFound")
        key = request.param("key") or request.header("x-goog-api-key")
        if not key:
            return google_error(403, "The request is missing a valid API key.", "forbidden")
        if key != self.state.credentials.youtube_api_key:
            response = google_error(400, "API key not valid. Please pass a valid API key.", "badRequest")
            return response
        if not request.param("part"):
            return google_error(400, "Required parameter: part", "required", location="part")
        day = self.day()
        cost = SEARCH_COST if path == SEARCH else THREADS_COST
        settings = self.state.settings
        if self.units.get(day, 0) + cost > settings.youtube_daily_units or (
            path == SEARCH and self.search_calls.get(day, 0) >= settings.youtube_search_calls_per_day
        ):
            self.state.count("youtube", "quota_refusals")
            return google_error(403, QUOTA_MESSAGE, "quotaExceeded", "youtube.quota")
        self.units[day] = self.units.get(day, 0) + cost
        self.state.count("youtube", "units_charged", cost)
        if path == SEARCH:
            self.search_calls[day] = self.search_calls.get(day, 0) + 1
            return self._search(call)
        return self._threads(call)

    # ----- search.list ------------------------------------------------------------------------------

    def _search(self, call: Call) -> FakeResponse:
        request = call.request
        limit = int_param(request.param("maxResults"), 5)
        if limit is None or not 0 <= limit <= 50:
            value = request.param("maxResults")
            return google_error(
                400,
                f"Invalid value '{value}'. Values must be within the range: [0, 50]",
                "invalidParameter",
                location="maxResults",
            )
        kind = request.param("type")
        if kind and "video" not in kind.split(","):
            return json_response(200, _search_list([], None, 0))
        after, before = (
            parse_time(request.param("publishedAfter")),
            parse_time(request.param("publishedBefore")),
        )
        if (request.param("publishedAfter") and after is None) or (
            request.param("publishedBefore") and before is None
        ):
            return google_error(400, "Invalid value for publishedAfter/publishedBefore", "invalidParameter")
        query = request.param("q", "") or ""
        now = self.state.now()
        videos = [
            video
            for video in self.state.data.videos
            if video.published_at <= now
            and matches_query(query, video.title, video.description)
            and (after is None or video.published_at >= after)
            and (before is None or video.published_at < before)
        ]
        videos.sort(key=lambda video: (video.published_at, video.video_id), reverse=True)
        token = request.param("pageToken")
        offset = unopaque(token)[0] if token and isinstance(unopaque(token), list) else 0
        if token and not offset:
            return google_error(
                400, "The request specifies an invalid page token.", "invalidPageToken", location="pageToken"
            )
        page = videos[offset : offset + limit]
        self.state.count("youtube", "videos_served", len(page))
        next_token = opaque([offset + limit, "search"]) if offset + limit < len(videos) else None
        return json_response(200, _search_list(page, next_token, len(videos)))

    # ----- commentThreads.list ----------------------------------------------------------------------

    def _threads(self, call: Call) -> FakeResponse:
        request = call.request
        video_id = request.param("videoId")
        if not video_id:
            return google_error(
                400,
                "No filter selected. Expected one of: videoId, allThreadsRelatedToChannelId, id",
                "missingRequiredParameter",
            )
        limit = int_param(request.param("maxResults"), 20)
        if limit is None or not 1 <= limit <= 100:
            value = request.param("maxResults")
            return google_error(
                400,
                f"Invalid value '{value}'. Values must be within the range: [1, 100]",
                "invalidParameter",
                location="maxResults",
            )
        video = self.state.data.video(video_id)
        if video is None or video.published_at > self.state.now():
            return _video_refused(404, "could not be found.", "videoNotFound")
        if video.comments_disabled:
            return _video_refused(403, "has disabled comments.", "commentsDisabled")
        terms = request.param("searchTerms") or ""
        items = [
            item
            for item in self.state.visible(self.state.data.of("youtube"))
            if item.place == video_id and (not terms or terms.casefold() in item.text.casefold())
        ]
        results = sorted(items, key=lambda item: (item.created_at, item.native_id), reverse=True)
        start = _thread_start(request.param("pageToken"), video_id, results)
        if isinstance(start, FakeResponse):
            return start
        plain = request.param("textFormat") == "plainText"
        ids_only = {part.strip() for part in (request.param("part") or "").split(",")} == {"id"}
        size = self.state.cap("youtube", limit)

        def render(item: FakeItem) -> Any:
            return _thread(item, video, plain=plain, ids_only=ids_only)

        page = paginate(call, Listing(f"/youtube/threads/{video_id}", results, render, _corrupt), start, size)
        payload: dict[str, Any] = {
            "kind": "youtube#commentThreadListResponse",
            "etag": f"etag-{video_id}-{start}",
            "pageInfo": {"totalResults": len(page.payloads), "resultsPerPage": limit},
            "items": page.payloads,
        }
        if page.more and page.entries:
            last = page.entries[-1]
            payload["nextPageToken"] = opaque(
                {"v": video_id, "t": last.created_at.isoformat(), "id": last.native_id}
            )
        return json_response(200, payload)


def _search_list(videos: list[FakeVideo], next_token: str | None, total: int) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "kind": "youtube#searchListResponse",
        "etag": f"search-{total}-{len(videos)}",
        "regionCode": "US",
        "pageInfo": {"totalResults": total, "resultsPerPage": len(videos)},
        "items": [
            {
                "kind": "youtube#searchResult",
                "etag": f"e-{video.video_id}",
                "id": {"kind": "youtube#video", "videoId": video.video_id},
                "snippet": {
                    "publishedAt": iso_s(video.published_at),
                    "channelId": video.channel_id,
                    "title": html.escape(video.title),
                    "description": html.escape(video.description),
                    "thumbnails": {
                        "default": {"url": f"https://i.ytimg.com/vi/{video.video_id}/default.jpg"}
                    },
                    "channelTitle": video.channel_title,
                    "liveBroadcastContent": "none",
                    "publishTime": iso_s(video.published_at),
                },
            }
            for video in videos
        ],
    }
    if next_token:
        payload["nextPageToken"] = next_token
    return payload


def _thread(item: FakeItem, video: FakeVideo, *, plain: bool, ids_only: bool) -> dict[str, Any]:
    if ids_only:
        return {"kind": "youtube#commentThread", "etag": f"e-{item.native_id}", "id": item.native_id}
    display = (
        item.text if plain or item.text.startswith("<") else html.escape(item.text).replace("\n", "<br>")
    )
    published = iso_s(item.created_at)
    channel = item.extra.get("channel_id", "UCfake")
    comment = {
        "kind": "youtube#comment",
        "etag": f"c-{item.native_id}",
        "id": item.native_id,
        "snippet": {
            "channelId": video.channel_id,
            "videoId": video.video_id,
            "textDisplay": display,
            "textOriginal": item.text,
            "authorDisplayName": f"@{item.author}",
            "authorProfileImageUrl": "https://yt3.ggpht.com/a/default-user=s48",
            "authorChannelUrl": f"http://www.youtube.com/channel/{channel}",
            "authorChannelId": {"value": channel},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": int(item.created_at.timestamp()) % 50,
            "publishedAt": published,
            "updatedAt": published,
        },
    }
    return {
        "kind": "youtube#commentThread",
        "etag": f"t-{item.native_id}",
        "id": item.native_id,
        "snippet": {
            "channelId": video.channel_id,
            "videoId": video.video_id,
            "topLevelComment": comment,
            "canReply": True,
            "totalReplyCount": 0,
            "isPublic": True,
        },
    }


def _corrupt(payload: Any, variant: str) -> Any:
    comment = ("snippet", "topLevelComment")
    return corrupt_fields(
        payload,
        variant,
        FieldPaths(
            id_paths=[("id",), (*comment, "id")],
            time_paths=[(*comment, "snippet", "publishedAt"), (*comment, "snippet", "updatedAt")],
            text_paths=[(*comment, "snippet", "textDisplay"), (*comment, "snippet", "textOriginal")],
            not_object={"kind": "youtube#commentThread", "id": "UgzBroken0", "snippet": None},
        ),
    )


def _thread_start(token: str | None, video_id: str, results: list[FakeItem]) -> int | FakeResponse:
    """Where the page of `token` starts in `results` (newest first), or the 400 of a bad token."""
    if not token:
        return 0
    anchor = unopaque(token)
    at = (
        parse_time(str(anchor.get("t"))) if isinstance(anchor, dict) and anchor.get("v") == video_id else None
    )
    if at is None or not isinstance(anchor, dict):
        return google_error(
            400,
            "The request specifies an invalid page token.",
            "invalidPageToken",
            location="pageToken",
        )
    last_id = str(anchor.get("id"))
    return next(
        (index for index, item in enumerate(results) if (item.created_at, item.native_id) < (at, last_id)),
        len(results),
    )


def _video_refused(status: int, what: str, reason: str) -> FakeResponse:
    return google_error(
        status,
        f"The video identified by the {VIDEO_PARAM} parameter {what}",
        reason,
        "youtube.commentThread",
        "videoId",
    )
