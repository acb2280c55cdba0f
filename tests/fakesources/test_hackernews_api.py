"""The fake Algolia HN search: tags, numericFilters, page/hitsPerPage/nbPages and the result cap."""

from __future__ import annotations

from dataclasses import replace

from crisiswatch_ops.fakesources import FakeSourceServer


def _search(server: FakeSourceServer, http, **params):
    params.setdefault("query", "Northwind")
    return http.get(server.base_url("hackernews") + "/api/v1/search_by_date", params=params)


def _hits(server: FakeSourceServer, kinds=("story", "comment"), low=None, high=None) -> list[str]:
    items = [
        item
        for item in server.data.of("hackernews")
        if item.created_at <= server.now
        and item.kind in kinds
        and "northwind" in (item.title + item.text + item.url).casefold()
        and (low is None or item.created_at.timestamp() > low)
        and (high is None or item.created_at.timestamp() <= high)
    ]
    items.sort(key=lambda item: (int(item.created_at.timestamp()), int(item.native_id)), reverse=True)
    return [item.native_id for item in items]


def test_hits_look_like_algolias(server, http):
    body = _search(server, http).json()
    assert {"hits", "nbHits", "nbPages", "page", "hitsPerPage", "query", "params", "processingTimeMS"} <= set(
        body
    )
    hit = body["hits"][0]
    assert isinstance(hit["objectID"], str) and isinstance(hit["created_at_i"], int) and "_tags" in hit
    assert body["hitsPerPage"] == 20 and body["nbHits"] == len(_hits(server))


def test_tags_and_or(server, http):
    stories = [
        hit["objectID"] for hit in _search(server, http, tags="story", hitsPerPage="1000").json()["hits"]
    ]
    assert stories == _hits(server, kinds=("story",))
    both = _search(server, http, tags="(story,comment)", hitsPerPage="1000").json()["hits"]
    assert [hit["objectID"] for hit in both] == _hits(server)
    author = both[0]["author"]
    and_author = _search(server, http, tags=f"story,author_{author}", hitsPerPage="1000").json()["hits"]
    assert all(hit["author"] == author and "story" in hit["_tags"] for hit in and_author)


def test_numeric_filters_on_created_at_i(server, http):
    times = [hit["created_at_i"] for hit in _search(server, http, hitsPerPage="1000").json()["hits"]]
    low, high = times[15], times[5]
    hits = _search(
        server, http, hitsPerPage="1000", numericFilters=f"created_at_i>{low},created_at_i<={high}"
    )
    assert [hit["objectID"] for hit in hits.json()["hits"]] == _hits(server, low=low, high=high)
    inclusive = _search(
        server, http, hitsPerPage="1000", numericFilters=f"created_at_i>={low},created_at_i<{high}"
    )
    assert [hit["created_at_i"] for hit in inclusive.json()["hits"]] == times[6:16]
    bad = _search(server, http, numericFilters="karma>5")
    assert bad.status_code == 400 and "message" in bad.json()


def test_pages_are_offsets_and_nb_pages_counts_them(server, http):
    everything = _hits(server)
    pages = _search(server, http, hitsPerPage="7").json()["nbPages"]
    assert pages == -(-len(everything) // 7)
    seen = []
    for page in range(pages + 1):
        seen += [
            hit["objectID"] for hit in _search(server, http, hitsPerPage="7", page=str(page)).json()["hits"]
        ]
    assert seen == everything


def test_no_hit_past_the_result_cap(server, http):
    server.configure(replace(server.settings, hn_result_cap=10))
    first = _search(server, http, hitsPerPage="4").json()
    assert first["nbPages"] == 3 and first["nbHits"] == len(_hits(server))
    third = _search(server, http, hitsPerPage="4", page="2").json()["hits"]
    assert len(third) == 2
    assert _search(server, http, hitsPerPage="4", page="3").json()["hits"] == []
