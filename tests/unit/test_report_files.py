"""The report as files: a self-contained printable page, Markdown that renders to the same facts (and
never to markup from people's text), and the charts as SVG files."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from crisiswatch.domain.review.report import PostCrisisReport
from crisiswatch.web.report_files import md, render_report_html, render_report_markdown, report_files
from tests.builders.html import Document, assert_inert
from tests.builders.reports import (
    CRISIS_START,
    HOSTILE,
    audit_trail,
    make_incident,
    recall_buckets,
    sample_report,
)

CHARTS = {"volume": "volume.svg", "negativity": "negativity.svg"}


def hostile_report() -> PostCrisisReport:
    """Every text people or posts write, as an attacker would write it."""
    incident = make_incident()
    statement = {
        **incident.statement.to_dict(),
        "text": HOSTILE,
        "approved_by": HOSTILE,
        "label": HOSTILE,
    }
    explanation = {**incident.explanation, "evidence": {"top_terms": [[HOSTILE, 3], ["glass", 2]]}}
    incident = make_incident(
        brand=HOSTILE, summary=HOSTILE, statement=statement, explanation=explanation, owner=HOSTILE
    )
    return sample_report(incident, audit_trail(person=HOSTILE, note=HOSTILE))


def rendered_markdown(text: str) -> Document:
    """The HTML a CommonMark renderer (with tables, and raw HTML allowed) makes of the Markdown."""
    return Document(f"<body>{MarkdownIt('commonmark').enable('table').render(text)}</body>")


# ----- the files -------------------------------------------------------------------------------------


def test_the_report_comes_as_a_page_markdown_and_two_charts() -> None:
    files = report_files(sample_report())

    assert {name: kind for name, (_, kind) in files.items()} == {
        "report.html": "text/html; charset=utf-8",
        "report.md": "text/markdown; charset=utf-8",
        "volume.svg": "image/svg+xml",
        "negativity.svg": "image/svg+xml",
    }
    assert ET.fromstring(files["volume.svg"][0]).get("id") == "chart-volume"
    assert ET.fromstring(files["negativity.svg"][0]).get("id") == "chart-negativity"
    markdown = files["report.md"][0].decode()
    assert "](volume.svg)" in markdown and "](negativity.svg)" in markdown
    assert files["report.html"][0].decode().startswith("<!doctype html>")


def test_the_html_report_needs_nothing_from_elsewhere() -> None:
    page = Document(render_report_html(sample_report()))

    assert not page.find("link") and not page.find("script") and not page.find("a")
    assert not [element for element in page.elements if "src" in element.attrs or "href" in element.attrs]
    assert [svg.attrs["id"] for svg in page.find("svg")] == ["chart-volume", "chart-negativity"]
    assert "url(" not in page.find("style")[0].text and "@import" not in page.find("style")[0].text


# ----- what the page says ----------------------------------------------------------------------------


def test_the_html_report_answers_when_who_what_and_whether_it_worked() -> None:
    page = Document(render_report_html(sample_report()))

    assert page.by_id("generated-at").text == "2024-03-16 10:24:00 UTC"
    detection = " ".join(page.by_id("detection").text.split())
    assert "First sign 2024-03-14 10:00 UTC" in detection and "Time to detect 23 min 40 s" in detection
    assert page.rows("notifications") == ["2024-03-14 10:24:30 UTC 30 s notified tiers 1 alice"]
    assert "Approved by alice at 2024-03-14 10:49:00 UTC." in " ".join(page.by_id("statement").text.split())
    assert (
        page.rows("decisions")[2]
        == "alice approved the statement 2024-03-14 10:49:00 UTC 25 min holding (social)"
    )
    assert page.rows("outcome") == [
        "before 2024-03-13 10:00 UTC 2024-03-14 10:00 UTC 2880 10.0 11.1 % 230,400",
        "during 2024-03-14 10:00 UTC 2024-03-14 11:00 UTC 853 71.1 47.4 % 319,200",
        "after 2024-03-14 11:00 UTC 2024-03-14 12:25 UTC 170 10.0 11.1 % 13,600",
    ]
    outcome = " ".join(page.by_id("outcome").text.split())
    assert "Peak 160 mentions in the 5 minutes from 2024-03-14 10:25 UTC, 50.3 % negative" in outcome
    assert page.by_id("recovery").text == (
        "negativity back near its usual level from 2024-03-14 11:00 UTC, 36 min 20 s after the alert"
    )
    assert page.rows("types") == ["product safety 422"]
    assert "Top terms when the alert fired: glass (40), recall (22)" in page.by_id("types").text
    assert page.rows("figures")[4] == "Statement published 2024-03-14 10:51:00 UTC 27 min crisiswatch"
    execution = " ".join(page.by_id("execution").text.split())
    assert "Events 3 Status running Failed attempts 1" in execution and "Timed-out waits 0" in execution


def test_a_crisis_that_did_not_calm_down_says_so() -> None:
    restless = [
        replace(stats, negative=stats.volume // 2) if stats.bucket >= CRISIS_START else stats
        for stats in recall_buckets()
    ]
    report = sample_report(buckets=restless)

    page = Document(render_report_html(report))

    assert report.recovered_at is None
    assert page.by_id("recovery").text == "not recovered by the end of the data"
    assert "- **Recovery:** not recovered by the end of the data" in render_report_markdown(report, CHARTS)


def test_a_drill_report_says_it_is_in_policy_time() -> None:
    report = sample_report(make_incident(route={"rounds": [], "minute_seconds": 1}), audit_trail())

    page = Document(render_report_html(report))
    markdown = render_report_markdown(report, CHARTS)

    assert "one policy minute in 1 s" in page.find(css="drill")[0].text
    assert "**Drill:** This was a drill that ran one policy minute in 1 s" in markdown


# ----- Markdown --------------------------------------------------------------------------------------


def test_the_markdown_renders_to_the_same_facts() -> None:
    markdown = render_report_markdown(sample_report(), CHARTS)

    page = rendered_markdown(markdown)

    headings = [heading.text for heading in page.find("h2")]
    assert headings == [
        "When did we know",
        "Mentions and mood",
        "Who was told and when",
        "What we said",
        "Decisions",
        "Did it work",
        "Crisis types and top terms",
        "Findings",
        "Response figures",
        "Execution",
    ]
    assert [image.attrs["src"] for image in page.find("img")] == ["volume.svg", "negativity.svg"]
    assert "Generated 2024-03-16 10:24:00 UTC" in markdown
    assert (
        "| during | 2024-03-14 10:00 UTC | 2024-03-14 11:00 UTC | 853 | 71.1 | 47.4 % | 319,200 |" in markdown
    )
    assert "> We are looking into reports about our lattes." in markdown
    assert (
        "Approved by **alice** at 2024-03-14 10:49:00 UTC. Published at 2024-03-14 10:51:00 UTC" in markdown
    )
    assert "Top terms when the alert fired: glass (40), recall (22)" in markdown
    assert "- The pre-approved statement was revised 1 time before approval" in markdown
    quotes = [" ".join(quote.text.split()) for quote in page.find("blockquote")]
    assert quotes == ["Found glass in my latte", "We are looking into reports about our lattes."]


def test_chart_files_are_linked_by_the_names_given() -> None:
    markdown = render_report_markdown(sample_report(), {"volume": "charts/volume 1.svg"})

    images = [image.attrs["src"] for image in rendered_markdown(markdown).find("img")]

    assert images == ["charts/volume%201.svg"]


def test_hostile_text_stays_text_in_the_html_report() -> None:
    page = Document(render_report_html(hostile_report()))

    assert_inert(page)
    for section in ("facts", "statement", "decisions", "notifications", "figures", "types"):
        assert HOSTILE in page.by_id(section).text, section
    assert HOSTILE in page.find("title")[0].text and HOSTILE in page.find("h1")[0].text


def test_hostile_text_stays_text_in_the_markdown_report() -> None:
    markdown = render_report_markdown(hostile_report(), CHARTS)

    page = rendered_markdown(markdown)

    for raw in ("<script", "<img", "](javascript:", "\nnext"):
        assert raw not in markdown
    assert_inert(page, images=("volume.svg", "negativity.svg"))
    assert not page.find("a")
    shown = " ".join(HOSTILE.split())  # one line: it cannot leave its cell, item or quote
    assert page.text.count(shown) >= 10
    for table in page.find("table"):
        widths = {
            len(page.find("td", inside=row) or page.find("th", inside=row))
            for row in page.find("tr", inside=table)
        }
        assert len(widths) == 1, f"a row of {widths} cells: a pipe or newline split a cell"
    decisions = page.find("table")[-4]
    assert page.find("th", inside=decisions)[0].text == "Who"
    assert page.find("td", inside=decisions)[0].text == shown


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain words", "plain words"),
        ("<b>&</b>", "&lt;b&gt;&amp;&lt;/b&gt;"),
        ("[x](javascript:alert(1))", r"\[x\]\(javascript:alert\(1\)\)"),
        ("![i](http://x/y.png)", r"\!\[i\]\(http://x/y.png\)"),
        ("a | b\nc\r\n  d", r"a \| b c d"),
        ("*bold* _it_ `code` ~strike~ # h", r"\*bold\* \_it\_ \`code\` \~strike\~ \# h"),
        ("- item", r"\- item"),
        ("1. first", r"1\. first"),
        ("10.5 and 2024-03-14", "10.5 and 2024-03-14"),
        ("back\\slash", r"back\\slash"),
        (42, "42"),
    ],
)
def test_md_makes_text_inert(text: object, escaped: str) -> None:
    assert md(text) == escaped
