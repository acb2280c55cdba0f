"""The fake YouTube Data API: key checks, Google's error shape, quota, search.list, commentThreads.list."""

from __future__ import annotations

from dataclasses import replace

from crisiswatch_ops.fakesources import FakeSourceServer


def _get(server: FakeSourceServer, http, resource: str, key: str | None = "ok", **params):
    if key == "ok":
        key = server.credentials.youtube_api_key
    params.setdefault("part", "snippet")
    if key:
        params["key"] = key
    return http.get(f"{server.base_url('youtube')}/youtube/v3/{resource}", params=params)


def _reason(response) -> str:
    error = response.json()["error"]
    assert {"code", "message", "errors"} <= set(error) and error["code"] == response.status_code
    return str(error["errors"][0]["reason"])


def test_the_key_is_checked(server, http):
    missing = _get(server, http, "search", key=None, q="Northwind")
    assert missing.status_code == 403 and _reason(missing) == "forbidden"
    wrong = _get(server, http, "search", key="AIzaWrong", q="Northwind")
    assert wrong.status_code == 400 and "API key not valid" in wrong.json()["error"]["message"]
    header = http.get(
        f"{server.base_url('youtube')}/youtube/v3/search",
        params={"part": "snippet", "q": "Northwind"},
        headers={"X-Goog-Api-Key": server.credentials.youtube_api_key},
    )
    assert header.status_code == 200
    no_part = _get(server, http, "search", part="", q="Northwind")
    assert no_part.status_code == 400 and _reason(no_part) == "required"


def test_search_finds_recent_videos_with_escaped_titles(server, http):
    response = _get(server, http, "search", q="Northwind", type="video", order="date", maxResults="50")
    body = response.json()
    assert body["kind"] == "youtube#searchListResponse"
    ids = [item["id"]["videoId"] for item in body["items"]]
    assert ids == [
        video.video_id for video in sorted(server.data.videos, key=lambda v: v.published_at, reverse=True)
    ]
    later = server.data.videos[-1].published_at.isoformat().replace("+00:00", "Z")
    assert len(_get(server, http, "search", q="Northwind", publishedAfter=later).json()["items"]) == 1
    assert _get(server, http, "search", q="Northwind", maxResults="51").status_code == 400
    first = _get(server, http, "search", q="Northwind", maxResults="2").json()
    second = _get(
        server, http, "search", q="Northwind", maxResults="2", pageToken=first["nextPageToken"]
    ).json()
    assert [item["id"]["videoId"] for item in first["items"] + second["items"]] == ids[:4]


def test_comment_threads_page_with_tokens_newest_first(server, http):
    video = next(video for video in server.data.videos if not video.comments_disabled)
    expected = sorted(
        (item for item in server.data.of("youtube") if item.place == video.video_id),
        key=lambda item: (item.created_at, item.native_id),
        reverse=True,
    )
    seen, token = [], None
    while True:
        params = {"videoId": video.video_id, "maxResults": "4", "order": "time"}
        body = _get(
            server, http, "commentThreads", **params, **({"pageToken": token} if token else {})
        ).json()
        for thread in body["items"]:
            comment = thread["snippet"]["topLevelComment"]
            assert thread["id"] == comment["id"] and {"textDisplay", "textOriginal", "publishedAt"} <= set(
                comment["snippet"]
            )
        seen += [thread["id"] for thread in body["items"]]
        token = body.get("nextPageToken")
        if not token:
            break
    assert seen == [item.native_id for item in expected]


def test_disabled_comments_unknown_videos_and_bad_limits(server, http):
    disabled = next(video for video in server.data.videos if video.comments_disabled)
    response = _get(server, http, "commentThreads", videoId=disabled.video_id)
    assert response.status_code == 403 and _reason(response) == "commentsDisabled"
    missing = _get(server, http, "commentThreads", videoId="nope1234567")
    assert missing.status_code == 404 and _reason(missing) == "videoNotFound"
    assert (
        _get(server, http, "commentThreads", videoId=disabled.video_id, maxResults="101").status_code == 400
    )


def test_quota_units_and_search_calls_run_out(server, http):
    server.configure(replace(server.settings, youtube_daily_units=150, youtube_search_calls_per_day=5))
    video = next(video for video in server.data.videos if not video.comments_disabled)
    assert _get(server, http, "search", q="Northwind").status_code == 200
    spent = _get(server, http, "search", q="Northwind")
    assert spent.status_code == 403 and _reason(spent) == "quotaExceeded"
    assert spent.json()["error"]["errors"][0]["domain"] == "youtube.quota"
    assert _get(server, http, "commentThreads", videoId=video.video_id).status_code == 200
    assert server.counters()["youtube"]["units_charged"] == 101
