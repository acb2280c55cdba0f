"""The detector's evidence rules: who reports a crisis type (several authors, a newsroom, reach) lets one
source count; good news (a spike mostly not negative) opens nothing on crisis words in passing; severity
grows with the evidence while an incident is open, never falls. Hand-built bucket timelines."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from crisiswatch.domain.clock import BUCKET
from crisiswatch.domain.detection.detector import (
    Alert,
    BucketStats,
    CrisisDetector,
    DetectorState,
    author_slot,
)
from crisiswatch.domain.detection.severity import Severity
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from tests.fakes import T0

DETECTOR = CrisisDetector(type_weights=default_taxonomy().weights)
DAY = 288


def ordinary(i: int, start: datetime = T0) -> BucketStats:
    """A quiet bucket with a daily rhythm: 2 to 8 mentions over two sources, about a fifth negative."""
    hour = (start + i * BUCKET).hour
    volume = 2 + (6 if 9 <= hour <= 21 else 0) * ((i % 5) + 1) // 5
    return BucketStats(
        bucket=start + i * BUCKET,
        volume=volume,
        negative=int(i % 3 == 0),
        scored=volume,
        sources={"reddit": volume // 2, "bluesky": volume - volume // 2},
    )


def warmed(buckets: int = 2 * DAY) -> tuple[DetectorState, datetime]:
    state = DetectorState()
    alerts = [alert for i in range(buckets) if (alert := DETECTOR.observe(state, ordinary(i)))]
    assert alerts == []
    return state, T0 + buckets * BUCKET


def reports(
    stats: BucketStats,
    crisis_type: str,
    source: str,
    authors: Sequence[str],
    *,
    followers: int = 200,
    positive: int = 0,
    negative: int | None = None,
) -> BucketStats:
    """`stats` plus one report of `crisis_type` on `source` per author (negative unless `positive`)."""
    count = len(authors)
    slots = {slot for author in authors if (slot := author_slot(author)) is not None}
    per_type = dict(stats.crisis_types)
    per_type[crisis_type] = {**per_type.get(crisis_type, {}), source: count}
    return BucketStats(
        bucket=stats.bucket,
        volume=stats.volume + count,
        negative=stats.negative + (count - positive if negative is None else negative),
        scored=stats.scored + count,
        negative_reach=stats.negative_reach,
        sources={**stats.sources, source: stats.sources.get(source, 0) + count},
        crisis_types=per_type,
        type_authors={**stats.type_authors, crisis_type: sorted(slots)},
        type_positive={**stats.type_positive, crisis_type: positive},
        type_reach={**stats.type_reach, crisis_type: followers * count},
        type_negative={
            **stats.type_negative,
            crisis_type: count - positive if negative is None else negative,
        },
        type_scored={**stats.type_scored, crisis_type: count},
    )


def judge(state: DetectorState, series: Sequence[BucketStats], running: bool = False) -> list[Alert | None]:
    return [DETECTOR.observe(state, stats, running=running) for stats in series]


# -- one source may be enough --------------------------------------------------------------------


def test_three_people_on_one_source_reporting_account_trouble_open_an_incident() -> None:
    state, nxt = warmed()
    series = [
        reports(ordinary(0, nxt), "data_breach", "reddit", ["anna"]),
        reports(ordinary(1, nxt), "data_breach", "reddit", ["ben"]),
        reports(ordinary(2, nxt), "data_breach", "reddit", ["cleo"]),
    ]
    first, second, third = judge(state, series)
    assert first is None and second is None  # two people may be a coincidence
    assert third is not None and third.crisis_types == ("data_breach",)
    fired = third.explanation["crisis_types"]["data_breach"]
    assert fired["corroboration"] == "authors" and fired["authors"] == 3
    assert "3 data breach reports from 3 authors on reddit" in third.summary
    assert third.severity is Severity.SEV3  # one source is thin evidence: a watch, raised as it grows


def test_one_person_repeating_themselves_on_one_source_is_not_a_crisis() -> None:
    state, nxt = warmed()
    series = [reports(ordinary(i, nxt), "data_breach", "reddit", ["anna", "anna"]) for i in range(3)]
    assert judge(state, series) == [None, None, None]


def test_a_news_source_counts_on_its_own() -> None:
    state, nxt = warmed()
    series = [
        reports(ordinary(0, nxt), "misinformation", "rss", ["newsroom"]),
        reports(ordinary(1, nxt), "misinformation", "rss", ["newsroom"]),
        reports(ordinary(2, nxt), "misinformation", "rss", ["newsroom"]),
    ]
    alerts = judge(state, series)
    assert alerts[0] is None  # one article is one voice, however it weighs
    assert alerts[1] is not None  # two newsroom reports weigh as four: past a weight-2 type's three
    fired = alerts[1].explanation["crisis_types"]["misinformation"]
    assert fired["corroboration"] == "news" and fired["news_reports"] == 2 and fired["observed"] == 2


def test_a_news_report_taken_up_on_another_source_opens_at_once() -> None:
    state, nxt = warmed()
    article = reports(ordinary(0, nxt), "employee_misconduct", "rss", ["newsroom"], followers=1_500_000)
    taken_up = reports(ordinary(1, nxt), "employee_misconduct", "bluesky", ["reader"])
    first, second = judge(state, [article, taken_up])
    assert first is None
    assert second is not None and second.crisis_types == ("employee_misconduct",)
    assert "2 employee misconduct reports from 2 sources" in second.summary


def test_a_post_without_a_newsroom_needs_the_full_count() -> None:
    state, nxt = warmed()
    series = [
        reports(ordinary(0, nxt), "employee_misconduct", "reddit", ["anna"]),
        reports(ordinary(1, nxt), "employee_misconduct", "bluesky", ["ben"]),
    ]
    assert judge(state, series) == [None, None]  # weight 2: three reports, none of them weighs double


def test_large_reach_on_one_source_counts_and_small_reach_does_not() -> None:
    for followers, opens in ((30_000, True), (500, False)):
        state, nxt = warmed()
        series = [
            reports(
                ordinary(i, nxt),
                "employee_misconduct",
                "x",
                ["reporter", "reporter"][: 1 + i % 2],
                followers=followers,
            )
            for i in range(3)
        ]
        alerts = [alert for alert in judge(state, series) if alert]
        assert bool(alerts) is opens, followers
        if opens:
            assert alerts[0].explanation["crisis_types"]["employee_misconduct"]["corroboration"] == "reach"


def test_without_known_authors_one_source_is_still_one_voice() -> None:
    state, nxt = warmed()
    series = [reports(ordinary(i, nxt), "data_breach", "reddit", ["", ""]) for i in range(3)]
    assert judge(state, series) == [None, None, None]


def test_scattered_single_reports_on_a_quiet_baseline_never_alert() -> None:
    """Two days of the odd crisis word by different people on one source, hours apart: no alert."""
    state = DetectorState()
    types = ("data_breach", "legal_safety", "misinformation", "customer_dissatisfaction")
    alerts = []
    for i in range(4 * DAY):
        stats = ordinary(i)
        if i % 25 == 0:
            stats = reports(stats, types[(i // 25) % len(types)], "reddit", [f"user{i}"], followers=5_000)
        alerts += [alert] if (alert := DETECTOR.observe(state, stats)) else []
    assert alerts == []


# -- severity over an incident's life ----------------------------------------------------------------


def test_severity_is_raised_as_evidence_grows_and_never_lowered() -> None:
    state, nxt = warmed()
    opening = judge(
        state,
        [
            reports(ordinary(i, nxt), "data_breach", "reddit", [f"a{i}", f"b{i}"][: 1 + (i > 0)])
            for i in range(3)
        ],
    )
    opened = next(alert for alert in opening if alert)
    assert opened.severity is Severity.SEV3 and opened.raised_from is None

    # A second source joins in: the same story, now corroborated.
    grown = reports(
        reports(ordinary(3, nxt), "data_breach", "reddit", ["c3"]), "data_breach", "mastodon", ["d3", "e3"]
    )
    raised = DETECTOR.observe(state, grown)
    assert raised is not None
    assert raised.raised_from is Severity.SEV3 and raised.severity is Severity.SEV2
    assert raised.opened_bucket == opened.bucket
    assert "2 sources" in raised.summary

    # The same evidence again, or less, raises nothing and lowers nothing.
    again = reports(
        reports(ordinary(4, nxt), "data_breach", "reddit", ["f4"]), "data_breach", "mastodon", ["g4"]
    )
    assert DETECTOR.observe(state, again) is None
    assert judge(state, [ordinary(i, nxt) for i in range(5, 12)]) == [None] * 7
    assert state.alert_severity == "SEV2"


def test_a_volume_surge_raises_a_breach_to_sev1() -> None:
    state, nxt = warmed()
    judge(state, [reports(ordinary(i, nxt), "data_breach", "reddit", [f"u{i}a", f"u{i}b"]) for i in range(2)])
    assert state.alert_severity == "SEV3"  # four people, one source: a watch
    surge = BucketStats(
        bucket=nxt + 2 * BUCKET, volume=400, negative=300, scored=400, sources={"reddit": 200, "x": 200}
    )
    surge = reports(surge, "data_breach", "x", [f"x{i}" for i in range(30)])
    raised = DETECTOR.observe(state, surge)
    assert raised is not None and raised.severity is Severity.SEV1
    assert raised.raised_from is Severity.SEV3 and state.alert_severity == "SEV1"


def test_a_raise_only_happens_while_the_incident_is_fresh() -> None:
    state, nxt = warmed()
    judge(state, [reports(ordinary(i, nxt), "data_breach", "reddit", [f"a{i}", f"b{i}"]) for i in range(2)])
    assert state.alert_bucket is not None
    later = nxt + DETECTOR.refractory + BUCKET
    state.quiet_until = None  # after the refractory period a new alert is an opening, not a raise
    stats = reports(
        reports(ordinary(0, later), "data_breach", "reddit", ["p", "q"]), "data_breach", "x", ["r", "s"]
    )
    alert = DETECTOR.observe(state, stats)
    assert alert is not None and alert.raised_from is None


# -- good news stays good ------------------------------------------------------------------------------


def launch(i: int, start: datetime, volume: int = 80, negative: int = 4) -> BucketStats:
    """A celebrity launch: ten times the usual volume, overwhelmingly happy."""
    return BucketStats(
        bucket=start + i * BUCKET,
        volume=volume,
        negative=negative,
        scored=volume,
        sources={"x": volume // 2, "reddit": volume // 4, "bluesky": volume - volume // 2 - volume // 4},
    )


def test_a_happy_spike_with_crisis_words_in_passing_opens_nothing() -> None:
    state, nxt = warmed()
    series = []
    for i in range(6):
        stats = launch(i, nxt)
        # grumbling about resellers (boycott), on two sources, by different people
        stats = reports(stats, "boycott", "reddit", [f"grumbler{i}a", f"grumbler{i}b"])
        stats = reports(stats, "boycott", "x", [f"grumbler{i}c"])
        # "the shop crashed under demand, lol, everyone wants one": a product failure said happily
        stats = reports(stats, "product_failure", "x", [f"fan{i}a", f"fan{i}b"], positive=2)
        series.append(stats)
    alerts = judge(state, series)
    assert alerts == [None] * 6


def test_a_happy_spike_is_not_a_crisis_even_when_negative_counts_rise_with_it() -> None:
    state, nxt = warmed()
    # 10x volume brings 10x the usual grumbles: the negative count is anomalous, its share is not.
    series = [launch(i, nxt, volume=120, negative=18) for i in range(4)]
    assert judge(state, series) == [None] * 4


def test_a_breach_reported_by_several_people_still_opens_amid_good_news() -> None:
    state, nxt = warmed()
    series = [
        reports(launch(0, nxt), "data_breach", "reddit", ["victim1"]),
        reports(launch(1, nxt), "data_breach", "reddit", ["victim2"]),
        reports(launch(2, nxt), "data_breach", "reddit", ["victim3"]),
    ]
    alerts = [alert for alert in judge(state, series) if alert]
    assert len(alerts) == 1 and alerts[0].crisis_types == ("data_breach",)
    assert alerts[0].explanation["good_news"]["negative_share"] < DETECTOR.good_news_share


def test_a_weighty_type_said_happily_amid_good_news_stays_quiet() -> None:
    state, nxt = warmed()
    # "this launch is killing it", "the queue was insane, almost died laughing": safety words, happy.
    series = [
        reports(launch(i, nxt), "legal_safety", "x", [f"fan{i}a", f"fan{i}b", f"fan{i}c"], positive=3)
        for i in range(3)
    ]
    assert judge(state, series) == [None] * 3


def test_a_type_that_is_what_the_spike_is_about_opens_amid_a_calm_tone() -> None:
    """A rumour wave told in a neutral tone: few negative mentions, but a quarter of all is the rumour."""
    state, nxt = warmed()
    series = []
    for i in range(3):
        stats = launch(i, nxt, volume=60, negative=3)
        stats = reports(stats, "misinformation", "x", [f"r{i}-{k}" for k in range(20)], negative=0)
        series.append(stats)
    alerts = [alert for alert in judge(state, series) if alert]
    assert alerts and alerts[0].crisis_types == ("misinformation",)


def test_an_angry_spike_is_not_good_news() -> None:
    state, nxt = warmed()
    series = [
        reports(launch(i, nxt, volume=80, negative=40), "boycott", "reddit", [f"b{i}", f"c{i}"])
        for i in range(3)
    ]
    alerts = [alert for alert in judge(state, series) if alert]
    assert alerts and "good_news" not in alerts[0].explanation


# -- state ----------------------------------------------------------------------------------------------


def test_the_new_state_round_trips() -> None:
    state, nxt = warmed(DAY)
    judge(state, [reports(ordinary(i, nxt), "data_breach", "reddit", [f"a{i}", f"b{i}"]) for i in range(2)])
    restored = DetectorState.from_dict(state.to_dict())
    assert restored == state
    assert restored.recent_evidence and restored.alert_severity is not None


def test_author_slots_are_stable_and_case_insensitive() -> None:
    assert author_slot("Anna") == author_slot("anna ") is not None
    assert author_slot("") is None


def test_authors_are_counted_over_the_hour_as_first_hand_reports_trickle_in() -> None:
    """One person forty-five minutes ago, two more now: three people on one source, two in 15 minutes."""
    state, nxt = warmed()
    early = [reports(ordinary(0, nxt), "data_breach", "reddit", ["first"])]
    quiet = [ordinary(i, nxt) for i in range(1, 9)]
    now = [reports(ordinary(9, nxt), "data_breach", "reddit", ["second", "third"])]
    alerts = judge(state, [*early, *quiet, *now])
    assert alerts[:-1] == [None] * 9
    assert alerts[-1] is not None
    assert alerts[-1].explanation["crisis_types"]["data_breach"]["authors"] == 3


def test_two_people_an_hour_apart_are_not_enough() -> None:
    state, nxt = warmed()
    series = [
        reports(ordinary(0, nxt), "data_breach", "reddit", ["first"]),
        *[ordinary(i, nxt) for i in range(1, 13)],
        reports(ordinary(13, nxt), "data_breach", "reddit", ["second"]),
        reports(ordinary(14, nxt), "data_breach", "reddit", ["third"]),
    ]
    assert [alert for alert in judge(state, series) if alert] == []


# -- what is usual for the brand ------------------------------------------------------------------------


def clumps(state: DetectorState, start: datetime, size: int, every: int = 36, times: int = 8) -> datetime:
    """Everyday clumps of `size` product complaints (two sources, different people) every three hours."""
    for i in range(every * times):
        stats = ordinary(i, start)
        if i % every == 0:
            stats = reports(stats, "product_failure", "reddit", [f"c{i}-{k}" for k in range(size - 1)])
            stats = reports(stats, "product_failure", "bluesky", [f"d{i}"], negative=0)
        DETECTOR.observe(state, stats)  # the first clumps alert: nothing is usual yet
    return start + every * times * BUCKET


def test_a_clump_like_the_everyday_ones_is_no_crisis_and_twice_the_usual_peak_is() -> None:
    state, nxt = warmed()
    nxt = clumps(state, nxt, size=3)
    assert 2.5 <= state.type_peaks["product_failure"] <= 3.0
    bigger = [f"p{k}" for k in range(4)]
    assert DETECTOR.observe(state, reports(ordinary(0, nxt), "product_failure", "reddit", bigger)) is None
    state, nxt = warmed()
    nxt = clumps(state, nxt, size=3)
    twice = reports(ordinary(0, nxt), "product_failure", "reddit", [f"p{k}" for k in range(4)])
    twice = reports(twice, "product_failure", "bluesky", ["q1", "q2"])
    alert = DETECTOR.observe(state, twice)
    assert alert is not None and alert.crisis_types == ("product_failure",)
    assert alert.explanation["crisis_types"]["product_failure"]["usual_peak"] >= 2.5


def test_a_crisis_in_its_first_hour_does_not_teach_the_detector_that_it_is_usual() -> None:
    state, nxt = warmed()
    series = [reports(ordinary(i, nxt), "data_breach", "reddit", [f"victim{i}"]) for i in range(11)]
    judge(state, series)
    assert "data_breach" not in state.type_rates and "data_breach" not in state.type_peaks
    judge(state, [ordinary(i, nxt) for i in range(11, 13)])  # the first report is now an hour old
    assert state.type_rates["data_breach"] > 0 and state.type_peaks["data_breach"] >= 1


def test_everyday_complaints_alone_open_nothing() -> None:
    """Customer-service grumbling (weight 1) on four sources, in the usual volume: service, not crisis."""
    state, nxt = warmed()
    series = []
    for i in range(3):
        stats = ordinary(i, nxt)
        for source in ("reddit", "bluesky"):
            stats = reports(stats, "customer_dissatisfaction", source, [f"{source}{i}"], negative=0)
        series.append(stats)
    assert judge(state, series) == [None, None, None]


def test_a_volume_rise_without_a_crisis_type_opens_only_in_a_storm() -> None:
    for negative, opens in ((24, False), (45, True)):
        state, nxt = warmed()
        alerts = [
            alert for alert in judge(state, [launch(i, nxt, negative=negative) for i in range(3)]) if alert
        ]
        assert bool(alerts) is opens, negative
        if opens:
            assert alerts[0].crisis_types == () and alerts[0].explanation["storm"]["negative_share"] >= 0.5


def test_a_running_incident_is_raised_past_its_refractory_period() -> None:
    state, nxt = warmed()
    trickle = [reports(ordinary(i, nxt), "data_breach", "reddit", [f"v{i}"]) for i in range(3)]
    opened = [alert for alert in judge(state, trickle) if alert]
    assert [alert.severity for alert in opened] == [Severity.SEV3]
    calm = [ordinary(i, nxt) for i in range(3, 3 + 36)]  # three hours: past the refractory period
    judge(state, calm)
    spread = [
        reports(
            reports(launch(i, nxt + 39 * BUCKET, negative=50), "data_breach", "reddit", [f"w{i}"]),
            "data_breach",
            "bluesky",
            [f"x{i}", f"y{i}"],
        )
        for i in range(2)
    ]
    for running, raised in ((True, True), (False, False)):
        copy = DetectorState.from_dict(state.to_dict())
        alerts = [alert for alert in judge(copy, spread, running) if alert]
        assert alerts, running
        assert (alerts[0].raised_from is Severity.SEV3) is raised  # else: an alert that opens anew
        assert alerts[0].severity is Severity.SEV1 or not raised


def test_a_breach_joke_in_a_happy_crowd_opens_nothing_and_a_breach_told_as_bad_news_does() -> None:
    """Black Friday: "my account got hacked, by myself" on two sources, read neutral; then the same
    number of reports read negative ("hacked, 500 euros gone")."""
    for negative, opens in ((0, False), (2, True)):
        state, nxt = warmed()
        series = []
        for i in range(3):
            stats = launch(i, nxt)
            stats = reports(stats, "data_breach", "reddit", [f"j{i}"], negative=negative // 2)
            stats = reports(stats, "data_breach", "bluesky", [f"k{i}"], negative=negative // 2)
            series.append(stats)
        alerts = [alert for alert in judge(state, series) if alert]
        assert bool(alerts) is opens
        if opens:
            assert alerts[0].crisis_types == ("data_breach",) and "good_news" in alerts[0].explanation
