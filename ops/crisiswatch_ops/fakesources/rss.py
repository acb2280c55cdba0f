"""Fake RSS 2.0 and Atom feeds, under `/rss/{feed}` (each feed is a full feed URL).

Faithful:
- RSS 2.0 (`<rss version="2.0">`, `<channel>`, `<item>` with `title`, `link`, `guid` with
  `isPermaLink`, `pubDate` in RFC 822 with `GMT` or a numeric zone, `dc:creator`, an HTML `description`)
  and Atom 1.0 (`<feed>`, `<entry>` with `id`, `title`, `link rel="alternate"`, `published`,
  `updated`, `author/name`, `summary type="html"`). Some RSS items have no `guid` (the link identifies
  them). Served as `application/rss+xml` / `application/atom+xml` with a charset.
- A feed lists only its newest `rss_window` items (50 by default), newest first, as feeds do: an item
  that scrolls out between two polls is gone.
- `ETag` (a hash of the body served) and `Last-Modified` (the newest item's date); `If-None-Match`
  that matches, or (without `If-None-Match`) `If-Modified-Since` not older than `Last-Modified`, is a 304
  with no body.

Simplified: no paging (feeds have none), so `deleted_between_pages` does not apply; `duplicates` repeats
the previous response's last items at the top, `out_of_order` shuffles the items. A malformed item has
no title and no description (RSS has almost no required fields: an item without a guid or a date is
still valid, so a broken item is one with nothing to read), and per variant also lacks its guid and link
or its date, or has a garbage date.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET  # building, not parsing: no untrusted input
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any

from .common import Api, Call, FakeResponse, Listing, iso_s, paginate
from .corpus import FakeItem, SourceType

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
DC_NS = "http://purl.org/dc/elements/1.1/"
_FEED = re.compile(r"^/(?P<feed>[A-Za-z0-9_.-]+)/?$")
ET.register_namespace("dc", DC_NS)


class RssApi(Api):
    source: SourceType = "rss"

    def error(self, status: int, message: str) -> FakeResponse:
        body = f"<html><body><h1>{status} {message}</h1></body></html>".encode()
        return FakeResponse(status, body, "text/html; charset=utf-8")

    def handle(self, call: Call) -> FakeResponse:
        request = call.request
        matched = _FEED.match(request.path)
        feed = self.state.data.feeds.get(matched.group("feed")) if matched else None
        if feed is None or request.method not in ("GET", "HEAD"):
            return self.error(404, "Not Found")
        items = [item for item in self.state.visible(self.state.data.of("rss")) if item.place == feed.name]
        results = sorted(items, key=lambda item: (item.created_at, item.native_id), reverse=True)
        results = results[: self.state.settings.rss_window]
        last_modified = format_datetime(results[0].created_at, usegmt=True) if results else None
        newest = results[0].created_at if results else None
        rendered = [self._render(item, feed.format) for item in results]
        canonical = self._document(feed.name, rendered, feed.format, newest)
        etag = '"' + hashlib.sha256(canonical).hexdigest()[:20] + '"'
        if self._not_modified(call, etag, newest):
            headers = {"ETag": etag, **({"Last-Modified": last_modified} if last_modified else {})}
            return FakeResponse(304, b"", "", headers)

        def render(item: FakeItem) -> Any:
            return self._render(item, feed.format)

        page = paginate(
            call, Listing(f"/rss/{feed.name}", results, render, _corrupt, pages=False), 0, len(results)
        )
        body = self._document(feed.name, page.payloads, feed.format, newest)
        if body != canonical:
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        content_type = "application/atom+xml" if feed.format == "atom" else "application/rss+xml"
        headers = {"ETag": etag}
        if last_modified:
            headers["Last-Modified"] = last_modified
        return FakeResponse(200, body, f"{content_type}; charset=utf-8", headers)

    def _not_modified(self, call: Call, etag: str, newest: datetime | None) -> bool:
        match = call.request.header("if-none-match")
        if match is not None:
            return etag in [value.strip() for value in match.split(",")] or match.strip() == "*"
        since = call.request.header("if-modified-since")
        if since and newest is not None:
            try:
                return bool(newest.replace(microsecond=0) <= parsedate_to_datetime(since))
            except (TypeError, ValueError):
                return False
        return False

    def _render(self, item: FakeItem, kind: str) -> ET.Element:
        text = item.text
        if kind == "atom":
            entry = ET.Element("entry")
            ET.SubElement(entry, "title").text = item.title
            ET.SubElement(entry, "id").text = item.native_id
            ET.SubElement(entry, "link", {"href": item.url, "rel": "alternate"})
            ET.SubElement(entry, "published").text = iso_s(item.created_at)
            ET.SubElement(entry, "updated").text = iso_s(item.created_at)
            author = ET.SubElement(entry, "author")
            ET.SubElement(author, "name").text = item.author
            if text:
                ET.SubElement(entry, "summary", {"type": "html"}).text = text
            return entry
        element = ET.Element("item")
        ET.SubElement(element, "title").text = item.title
        ET.SubElement(element, "link").text = item.url
        guid = item.extra.get("guid", item.native_id)
        if guid:
            attributes = {"isPermaLink": item.extra.get("guid_permalink") or "false"}
            ET.SubElement(element, "guid", attributes).text = guid
        zone = int(item.created_at.timestamp()) % 2 == 0
        ET.SubElement(element, "pubDate").text = (
            format_datetime(item.created_at, usegmt=True)
            if zone
            else item.created_at.strftime("%a, %d %b %Y %H:%M:%S +0000")
        )
        ET.SubElement(element, f"{{{DC_NS}}}creator").text = item.author
        if text:
            ET.SubElement(element, "description").text = text
        return element

    def _document(self, name: str, elements: list[Any], kind: str, updated: datetime | None = None) -> bytes:
        feed = self.state.data.feeds[name]
        if kind == "atom":
            root = ET.Element("feed", {"xmlns": ATOM_NS, f"{{{XML_NS}}}lang": feed.language})
            ET.SubElement(root, "title").text = feed.title or name
            ET.SubElement(root, "id").text = f"tag:{name}.example,2024:feed"
            ET.SubElement(root, "updated").text = iso_s(updated or datetime(2024, 1, 1, tzinfo=UTC))
            ET.SubElement(root, "link", {"href": f"https://{name}.example/", "rel": "alternate"})
            root.extend(elements)
            return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))
        root = ET.Element("rss", {"version": "2.0"})
        channel = ET.SubElement(root, "channel")
        ET.SubElement(channel, "title").text = feed.title or name
        ET.SubElement(channel, "link").text = f"https://{name}.example/"
        ET.SubElement(channel, "description").text = f"Latest from {feed.title or name}"
        ET.SubElement(channel, "language").text = feed.language
        if updated:
            ET.SubElement(channel, "lastBuildDate").text = format_datetime(updated, usegmt=True)
        channel.extend(elements)
        return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


def _corrupt(element: Any, variant: str) -> Any:
    """No text to read, plus what the variant takes away (see the module docstring)."""
    if not isinstance(element, ET.Element):
        return element
    for child in list(element):
        local = child.tag.rsplit("}", 1)[-1]
        drop = local in ("title", "description", "summary")
        drop = drop or (variant == "missing_id" and local in ("guid", "link", "id"))
        drop = drop or (variant == "missing_time" and local in ("pubDate", "published", "updated"))
        if drop:
            element.remove(child)
        elif variant == "bad_time" and local in ("pubDate", "published", "updated"):
            child.text = "sometime last week"
    if variant == "not_an_object":
        ET.SubElement(element, "unexpected").text = "<<not a field>>"
    return element
