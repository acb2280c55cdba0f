"""Online crisis detection over 5-minute buckets of a brand's mentions.

Four signals, each judged against the brand's own history and each causal (a bucket is judged only on
what came before it):

* **volume**: the mention count, scored by the seasonal robust detector in `anomaly.py`, the very one
  `crisiswatch detect` runs over NAB series;
* **negativity**: the count of negative mentions, scored the same way;
* **spread**: how many sources are above their own recent level (a story jumping platforms);
* **crisis types**: per type of the taxonomy, reports in the last 15 minutes against the type's usual
  rate (a Poisson tail) and against twice its biggest 15-minute clump lately (everyday complaints come
  in clumps), at least 2, 3 or 5 of them for weights 3, 2, 1, and more than one voice: two sources, or
  on one source three distinct authors over the last hour, a news source (RSS), or authors reaching
  50,000 followers together. A newsroom's report counts twice, though never alone. The usual rate and
  peak are learnt from buckets an hour old, so a crisis in its first hour does not raise its own bar.
  This is what catches a crisis while it is small: three independent "glass in my can" reports are
  an incident long before they are a volume spike, and three people on one forum whose passwords were
  changed are one before anyone says "breach".

An incident needs a crisis type of weight 2 or 3, or one of weight 1 (everyday complaints) with another
signal; or a volume rise with negativity in a storm (half of the window's readable mentions negative):
without a crisis type, mood is the only evidence, and mood read from short posts is noisy. Volume
alone (a launch, a viral ad) is not a crisis. **Good news stays good**: in a spike (the volume signal,
or twice the expected count) whose readable mentions of the last 15 minutes are under 30%
negative (at least 20 of them), a crisis type opens only when its reports are not half positive and
either it weighs 3 (safety, breach) with three authors or two sources, or it is 15% of everything said
(the spike is about it).

**Severity over an incident's life**: an alert on crisis types heard on one source only opens a step
lower (thin evidence). While the incident is fresh (the two-hour refractory period), and afterwards as
long as it runs (the caller says so: `running`, read with the state), each bucket is still judged,
and a higher severity than the incident's is returned as a raise (`Alert.raised_from`); a lower one is
never. The state is a few kilobytes of JSON per brand.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from ..clock import BUCKET, parse_iso, to_iso
from .anomaly import AnomalyState, MentionAnomalyDetector, Observation
from .scoring import NEGATIVE_COMPOUND, MentionScore
from .severity import SEVERITY_ORDER, Severity
from .taxonomy import POSITIVE_COMPOUND

if TYPE_CHECKING:
    from ..listening.mentions import Mention

HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class BucketStats:
    """What one brand's mentions added up to in one bucket."""

    bucket: datetime
    volume: int = 0
    negative: int = 0
    scored: int = 0
    """Mentions whose sentiment could be read (the denominator of the negative share)."""
    negative_reach: int = 0
    """Followers of the authors of negative mentions: reach-weighted negativity."""
    sources: dict[str, int] = field(default_factory=dict)
    crisis_types: dict[str, dict[str, int]] = field(default_factory=dict)
    """Crisis type -> source -> mentions of that type."""
    type_authors: dict[str, list[int]] = field(default_factory=dict)
    """Crisis type -> the slots (`author_slot`) of the distinct authors of its reports: how many people
    report it, bounded however many post (an author's slot is a hash; empty when authors are unknown)."""
    type_positive: dict[str, int] = field(default_factory=dict)
    """Crisis type -> its reports told in a positive tone (before the crisis words' own pull): a crisis
    word used in good spirits."""
    type_reach: dict[str, int] = field(default_factory=dict)
    """Crisis type -> followers of the authors of its reports, summed: who is saying it."""
    type_negative: dict[str, int] = field(default_factory=dict)
    """Crisis type -> its reports told in a negative tone (the analyzer's score, before the crisis words'
    own pull): a report told as bad news."""
    type_scored: dict[str, int] = field(default_factory=dict)
    """Crisis type -> its reports whose sentiment could be read (the denominator of the two above)."""

    @property
    def negative_share(self) -> float:
        return self.negative / self.scored if self.scored else 0.0

    def type_count(self, crisis_type: str) -> int:
        return sum(self.crisis_types.get(crisis_type, {}).values())

    def evidence(self) -> dict[str, Any]:
        """What the detector keeps of this bucket for its 15-minute window (JSON-safe, bounded)."""
        return {
            "volume": self.volume,
            "negative": self.negative,
            "scored": self.scored,
            "authors": {key: sorted(slots)[:MAX_AUTHOR_SLOTS] for key, slots in self.type_authors.items()},
            "positive": dict(self.type_positive),
            "reach": dict(self.type_reach),
            "negative_reports": dict(self.type_negative),
            "readable_reports": dict(self.type_scored),
            "types": {key: self.type_count(key) for key in self.crisis_types},
        }


AUTHOR_SLOTS = 1024
"""Distinct authors are counted as slots of a hash: two of three reporters share one by chance 0.3% of
the time, and a bucket's set of slots stays bounded (a DynamoDB number set, a few kilobytes at most)."""
MAX_AUTHOR_SLOTS = 32
"""Slots kept per type in the detector's window: enough to tell three or five authors from one."""
NEWS_SOURCES = frozenset({"rss", "news", "newsapi", "gdelt"})
"""Sources that are newsrooms: a report there has been through an editor."""


@dataclass(frozen=True)
class TypeTally:
    """One crisis type's reports on one source in one bucket, as the aggregates count them."""

    count: int = 0
    positive: int = 0
    reach: int = 0
    negative: int = 0
    scored: int = 0
    authors: frozenset[int] = frozenset()


def tally_type(tally: TypeTally | None, mention: Mention, score: MentionScore) -> TypeTally:
    """`tally` with one more report of its type: `mention`, scored as `score`."""
    tally = tally or TypeTally()
    # The tone as told, before the crisis words' own pull: is the report good or bad news in itself?
    tone = score.compound
    slot = author_slot(mention.author)
    return TypeTally(
        count=tally.count + 1,
        positive=tally.positive + (1 if tone is not None and tone >= POSITIVE_COMPOUND else 0),
        negative=tally.negative + (1 if tone is not None and tone <= NEGATIVE_COMPOUND else 0),
        scored=tally.scored + (0 if tone is None else 1),
        reach=tally.reach + max(score.reach, 0),
        authors=tally.authors | ({slot} if slot is not None else set()),
    )


def author_slot(author: str) -> int | None:
    """The slot of an author (case-insensitive); None for an unknown author, who proves no independence."""
    name = author.strip().lower()
    return zlib.crc32(name.encode("utf-8")) % AUTHOR_SLOTS if name else None


@dataclass
class DetectorState:
    """Bounded per-brand state, persisted between invocations as JSON."""

    last_bucket: str | None = None
    buckets_seen: int = 0
    quiet_until: str | None = None
    volume: dict[str, Any] = field(default_factory=dict)
    negative: dict[str, Any] = field(default_factory=dict)
    source_levels: dict[str, float] = field(default_factory=dict)
    """Per source: exponentially weighted mentions per bucket over the last couple of hours."""
    type_rates: dict[str, float] = field(default_factory=dict)
    """Per crisis type: usual mentions per bucket, over about a day."""
    type_peaks: dict[str, float] = field(default_factory=dict)
    """Per crisis type: its highest 15-minute count lately, decaying with a half-life of a day, learnt
    from windows an hour old (a rising crisis must not raise its own bar). Everyday complaints come in
    clumps that a Poisson rate does not expect, and a clump like the last ones is none."""
    recent_types: list[dict[str, dict[str, int]]] = field(default_factory=list)
    """The crisis-type counts of the last closed buckets (the 15-minute window, minus the current)."""
    notable: list[dict[str, Any]] = field(default_factory=list)
    """A few recent negative or crisis-typed posts: an alert's evidence (see `evidence.py`)."""
    last_signal_bucket: str | None = None
    """The newest closed bucket in which any signal fired, alert or not: monitoring waits for calm."""
    recent_evidence: list[dict[str, Any]] = field(default_factory=list)
    """`BucketStats.evidence()` of the last closed buckets: authors over the last hour, sentiment and
    reach over the 15-minute window."""
    alert_bucket: str | None = None
    """The bucket of the last opening alert: the incident a raise applies to (`incident_id_for`)."""
    alert_severity: str | None = None
    """The severity that incident has as far as the detector knows: a raise must exceed it."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "last_bucket": self.last_bucket,
            "buckets_seen": self.buckets_seen,
            "quiet_until": self.quiet_until,
            "volume": self.volume,
            "negative": self.negative,
            "source_levels": dict(self.source_levels),
            "type_rates": dict(self.type_rates),
            "type_peaks": dict(self.type_peaks),
            "recent_types": list(self.recent_types),
            "notable": list(self.notable),
            "last_signal_bucket": self.last_signal_bucket,
            "recent_evidence": list(self.recent_evidence),
            "alert_bucket": self.alert_bucket,
            "alert_severity": self.alert_severity,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DetectorState:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        return cls(**known)


@dataclass(frozen=True)
class Alert:
    """A detection, with the numbers a person needs to judge it."""

    bucket: datetime
    severity: Severity
    signals: tuple[str, ...]
    summary: str
    explanation: dict[str, Any]
    crisis_types: tuple[str, ...] = ()
    raised_from: Severity | None = None
    """Set on a raise: the incident opened at `opened_bucket` had this severity and now has `severity`."""
    opened_bucket: datetime | None = None


class Detector(Protocol):
    """The one interface the scoring function depends on; implementations may change freely."""

    def observe(self, state: DetectorState, stats: BucketStats, *, running: bool = False) -> Alert | None:
        """Judge a closed bucket, then fold it into the state (mutated in place). `running`: the
        incident the state's last alert opened still runs (past the refractory period, a story that
        keeps growing raises it instead of opening nothing)."""
        ...

    def assess_partial(
        self, state: DetectorState, stats: BucketStats, *, running: bool = False
    ) -> Alert | None:
        """Judge the still-open bucket early, without touching the baseline."""
        ...


def poisson_tail(count: int, mean: float) -> float:
    """P(X >= count) for X ~ Poisson(mean): how surprising `count` events are."""
    if count <= 0:
        return 1.0
    term = math.exp(-mean)
    below = term
    for k in range(1, count):
        term *= mean / k
        below += term
    return max(0.0, 1.0 - below)


@dataclass(frozen=True)
class _Judged:
    """What judging a bucket found, which its alert explains: the signals that fired, the volume and
    negativity observations, the sources above their baseline and the crisis types that fired."""

    signals: list[str]
    volume: Observation
    negative: Observation
    surging: dict[str, dict[str, float]]
    fired_types: dict[str, dict[str, Any]]


@dataclass(frozen=True)
class CrisisDetector:
    type_weights: Mapping[str, int] = field(default_factory=dict)
    """Crisis type -> weight 1..3 from the taxonomy (unknown types weigh 1)."""
    anomaly: MentionAnomalyDetector = field(default_factory=MentionAnomalyDetector)
    volume_score: float = 0.5
    """A score of 0.5 is an excess twice the series' typical daily peak (z = 2 in `anomaly.py`): the
    threshold NAB's optimiser picks for the DEV series (0.49) rounded, never tuned to a brand."""
    warmup_buckets: int = 36
    """Three hours of history before a crisis type may alert (volume has its own, longer warm-up)."""
    type_window: int = 3
    """Buckets of crisis-type evidence: 15 minutes, short enough to alert on the third report."""
    type_p_value: float = 1e-4
    type_min_count: Mapping[int, int] = field(default_factory=lambda: {3: 2, 2: 3, 1: 5})
    """Reports needed, by type weight: two independent safety or breach reports are already a signal."""
    type_rate_floor: float = 1 / 288
    """A type never seen is assumed to come about once a day, so one stray word is no surprise."""
    type_rate_half_life: float = 288.0
    source_half_life: float = 24.0
    """Two hours: a source's level follows the daily rhythm, so a surge stands out against it."""
    source_ratio: float = 3.0
    source_min_count: int = 3
    spread_sources: int = 2
    """Sources above their own level at once for the spread signal: a story jumping platforms."""
    refractory: timedelta = timedelta(hours=2)
    single_source_authors: int = 3
    """One source is enough when this many distinct authors report a type (and at least the type's
    minimum count): three people telling of the same trouble are not one person repeating themselves."""
    author_window: int = 12
    """Buckets over which a type's distinct authors are counted (an hour): first-hand reports trickle in
    before the vocabulary settles, so the third person may come forty minutes after the first."""
    single_source_reach: int = 50_000
    """...or when the reports' authors reach this many followers together (a journalist, a big account)."""
    good_news_share: float = 0.3
    """A spike whose readable mentions are less than this share negative is good news (a launch, a win)."""
    storm_share: float = 0.5
    """Without a crisis type, a volume rise opens an incident only when this share of the window's
    readable mentions is negative: half of everything said."""
    good_news_min_scored: int = 20
    """Readable mentions in the window before its share of negative ones is trusted."""
    spike_ratio: float = 2.0
    """A bucket at this multiple of its expected volume is a spike, even before the volume signal."""
    amid_good_news_share: float = 0.15
    """Amid good news, a type of weight 1 or 2 opens only when its reports are this share of the window:
    the spike is about it, not a crisis word in passing."""
    type_peak_ratio: float = 2.0
    """Reports needed against the type's usual peak: twice its biggest clump lately, the same margin the
    volume signal keeps over a series' typical daily peak."""
    news_report_weight: int = 2
    """A report from a news source counts as this many towards a type's minimum and its surprise."""
    bad_news_share: float = 0.5
    """Amid good news, a weight-3 type opens on its voices alone when this share of its readable reports
    is negative (a type whose reports cannot be read, a language without sentiment, still opens)."""
    positive_type_share: float = 0.5
    """Amid good news, a type whose readable reports are this share positive is a word used in passing."""

    # -- the two entry points -------------------------------------------------------------

    def observe(self, state: DetectorState, stats: BucketStats, *, running: bool = False) -> Alert | None:
        alert = self._judge(state, stats, learn=True, running=running)
        self._remember(state, stats, alert)
        state.buckets_seen += 1
        state.last_bucket = to_iso(stats.bucket)
        return alert

    def assess_partial(
        self, state: DetectorState, stats: BucketStats, *, running: bool = False
    ) -> Alert | None:
        alert = self._judge(state, stats, learn=False, running=running)
        self._remember(state, stats, alert)
        return alert

    def _remember(self, state: DetectorState, stats: BucketStats, alert: Alert | None) -> None:
        if alert is None:
            return
        if alert.raised_from is None:
            state.quiet_until = to_iso(stats.bucket + self.refractory)
            state.alert_bucket = to_iso(alert.bucket)
        state.alert_severity = alert.severity.value

    # -- judging ---------------------------------------------------------------------------

    def _judge(self, state: DetectorState, stats: BucketStats, *, learn: bool, running: bool) -> Alert | None:
        volume = self._anomaly(state.volume, stats.bucket, stats.volume, learn)
        negative = self._anomaly(state.negative, stats.bucket, stats.negative, learn)
        surging = self._surging_sources(state, stats)
        window = self._window(state, stats)
        fired_types = self._fired_types(state, stats, window)
        if learn:
            state.volume = volume[1]
            state.negative = negative[1]
            self._learn_sources(state, stats)
            self._learn_types(state, stats)
        signals = self._signals(volume[0], negative[0], stats, surging)
        if not signals:
            # Everyday complaints (weight 1) are customer service, not a crisis, until more is said.
            fired_types = {key: found for key, found in fired_types.items() if int(found["weight"]) >= 2}
        if fired_types and state.buckets_seen >= self.warmup_buckets:
            signals.append("crisis_type")
        else:
            fired_types = {}
        if signals and learn:
            state.last_signal_bucket = to_iso(stats.bucket)
        good_news = self._good_news(stats, window, volume[0], "volume" in signals)
        if good_news is not None:
            fired_types = self._amid_good_news(fired_types, window)
            signals = [name for name in signals if name != "crisis_type" or fired_types]
        refractory = state.quiet_until is not None and stats.bucket < parse_iso(state.quiet_until)
        ongoing = refractory or running
        storm = self._storm(window)
        crisis = "crisis_type" in signals or (
            storm is not None and "volume" in signals and "negativity" in signals
        )
        if not crisis:
            return None
        severity = self._severity(signals, fired_types, stats)
        raised_from = _raised_from(state, severity) if ongoing else None
        if ongoing and raised_from is None:
            return None  # the open incident already covers this story, at this severity or higher
        judged = _Judged(signals, volume[0], negative[0], surging, fired_types)
        alert = self._alert(state, stats, severity, judged)
        if good_news is not None:
            alert.explanation["good_news"] = good_news
        if storm is not None and "crisis_type" not in signals:
            alert.explanation["storm"] = storm
        if raised_from is None:
            return alert
        opened = parse_iso(state.alert_bucket or to_iso(stats.bucket))
        return replace(alert, raised_from=raised_from, opened_bucket=opened)

    def _signals(
        self,
        volume: Observation,
        negative: Observation,
        stats: BucketStats,
        surging: Mapping[str, Any],
    ) -> list[str]:
        """The signals besides crisis types that fired for this bucket."""
        signals: list[str] = []
        if volume.score >= self.volume_score:
            signals.append("volume")
        if negative.score >= self.volume_score and stats.negative >= 3:
            signals.append("negativity")
        if len(surging) >= self.spread_sources:
            signals.append("spread")
        return signals

    def _window(self, state: DetectorState, stats: BucketStats) -> dict[str, Any]:
        """The 15-minute window's totals: mentions, negative and readable ones, and per crisis type its
        positive, negative and readable reports and reach; per type its authors' slots over the last
        hour (`author_window`)."""
        longer = [*state.recent_evidence[-(self.author_window - 1) :], stats.evidence()]
        buckets = longer[-self.type_window :]
        authors: dict[str, set[int]] = {}
        for bucket in longer:
            for key, slots in bucket.get("authors", {}).items():
                authors.setdefault(key, set()).update(int(slot) for slot in slots)
        per_type: dict[str, dict[str, int]] = {}
        for name in ("positive", "reach", "negative_reports", "readable_reports"):
            sums = per_type.setdefault(name, {})
            for bucket in buckets:
                for key, count in bucket.get(name, {}).items():
                    sums[key] = sums.get(key, 0) + int(count)
        return {
            "volume": sum(int(bucket.get("volume", 0)) for bucket in buckets),
            "negative": sum(int(bucket.get("negative", 0)) for bucket in buckets),
            "scored": sum(int(bucket.get("scored", 0)) for bucket in buckets),
            "authors": authors,
            **per_type,
        }

    def _good_news(
        self, stats: BucketStats, window: Mapping[str, Any], volume: Observation, volume_fired: bool
    ) -> dict[str, Any] | None:
        """The numbers that make this bucket good news (a spike, mostly not negative), or None. A spike:
        the volume signal, or the bucket or the 15-minute window at twice the expected count."""
        # The window, not the bucket alone: a bucket judged while it fills holds a few mentions only.
        usual = self.spike_ratio * max(volume.expected, 1.0)
        spike = volume_fired or stats.volume >= usual or int(window["volume"]) >= usual * self.type_window
        scored = int(window["scored"])
        if not spike or scored < self.good_news_min_scored:
            return None
        share = int(window["negative"]) / scored
        if share >= self.good_news_share:
            return None
        return {
            "negative_share": round(share, 3),
            "readable_mentions": scored,
            "threshold": self.good_news_share,
        }

    def _storm(self, window: Mapping[str, Any]) -> dict[str, Any] | None:
        """The numbers that make the window a storm of negativity (at least `storm_share` of its readable
        mentions negative), or None. Without a crisis type, mood is the only evidence, and mood read
        from short posts is noisy (irony, tears of joy, slang): a volume rise opens only in a storm."""
        scored = int(window["scored"])
        if scored < self.good_news_min_scored:
            return None
        share = int(window["negative"]) / scored
        if share < self.storm_share:
            return None
        return {"negative_share": round(share, 3), "readable_mentions": scored, "threshold": self.storm_share}

    def _amid_good_news(
        self, fired: dict[str, dict[str, Any]], window: Mapping[str, Any]
    ) -> dict[str, dict[str, Any]]:
        """The crisis types that still open an incident amid good news: their reports are not mostly
        positive, and either the type is a large share of everything said (the spike is about it), or a
        weight-3 type (harm to people or data) is reported by several authors or on several sources and
        told as bad news: at least half of its readable reports negative ("my account got hacked, by
        myself, lol" is a joke in a happy crowd; "my account got hacked, 500 euros gone" is not)."""
        kept: dict[str, dict[str, Any]] = {}
        volume = max(int(window["volume"]), 1)
        for crisis_type, details in fired.items():
            positive = int(details.get("positive", 0))
            if positive >= self.positive_type_share * max(int(details["observed"]), 1):
                continue
            several = (
                int(details.get("authors", 0)) >= self.single_source_authors or len(details["sources"]) >= 2
            )
            readable = int(details.get("readable", 0))
            bad_news = not readable or int(details.get("negative", 0)) >= self.bad_news_share * readable
            weighty = int(details["weight"]) >= 3 and several and bad_news
            if weighty or int(details["observed"]) >= self.amid_good_news_share * volume:
                kept[crisis_type] = details
        return kept

    def _anomaly(
        self, raw: dict[str, Any], bucket: datetime, count: int, learn: bool
    ) -> tuple[Observation, dict[str, Any]]:
        anomaly_state = AnomalyState.from_dict(raw) if raw else self.anomaly.new_state()
        observation = self.anomaly.observe(anomaly_state, bucket, float(count))
        return observation, anomaly_state.to_dict() if learn else raw

    def _surging_sources(self, state: DetectorState, stats: BucketStats) -> dict[str, dict[str, float]]:
        surging: dict[str, dict[str, float]] = {}
        for source, count in stats.sources.items():
            level = state.source_levels.get(source, 0.0)
            if count >= self.source_min_count and count >= self.source_ratio * level:
                surging[source] = {"observed": count, "expected": round(level, 2)}
        return surging

    def _fired_types(
        self, state: DetectorState, stats: BucketStats, window: Mapping[str, Any]
    ) -> dict[str, dict[str, Any]]:
        recent = [*state.recent_types[-(self.type_window - 1) :], stats.crisis_types]
        fired: dict[str, dict[str, Any]] = {}
        for crisis_type in {key for counts in recent for key in counts}:
            per_source: dict[str, int] = {}
            for counts in recent:
                for source, count in counts.get(crisis_type, {}).items():
                    per_source[source] = per_source.get(source, 0) + count
            observed = sum(per_source.values())
            news = sum(count for source, count in per_source.items() if source in NEWS_SOURCES)
            # A newsroom's report counts twice (an editor checked it, and it reaches many), though never
            # alone: one article is one voice until anybody else takes it up.
            weighed = observed + news * (self.news_report_weight - 1)
            weight = self.type_weights.get(crisis_type, 1)
            rate = max(state.type_rates.get(crisis_type, 0.0), self.type_rate_floor)
            expected = rate * self.type_window
            p_value = poisson_tail(weighed, expected)
            needed = self.type_min_count.get(weight, max(self.type_min_count.values()))
            peak = state.type_peaks.get(crisis_type, 0.0)
            enough = max(needed, self.type_peak_ratio * peak)
            if observed < 2 or weighed < enough or p_value >= self.type_p_value:
                continue
            authors = len(window["authors"].get(crisis_type, ()))
            reach = int(window["reach"].get(crisis_type, 0))
            corroboration = self._corroboration(per_source, authors, reach, news, needed)
            if corroboration is None:
                continue
            fired[crisis_type] = {
                "observed": observed,
                **({"news_reports": news} if news else {}),
                "expected": round(expected, 4),
                **({"usual_peak": round(peak, 2)} if peak >= 1 else {}),
                "p_value": float(f"{p_value:.3g}"),
                "sources": dict(sorted(per_source.items())),
                "weight": weight,
                "authors": authors,
                "reach": reach,
                "positive": int(window["positive"].get(crisis_type, 0)),
                "negative": int(window["negative_reports"].get(crisis_type, 0)),
                "readable": int(window["readable_reports"].get(crisis_type, 0)),
                "corroboration": corroboration,
            }
        return fired

    def _corroboration(
        self, per_source: Mapping[str, int], authors: int, reach: int, news: int, needed: int
    ) -> str | None:
        """Why the reports are more than one voice: two sources, or on one source several distinct
        authors, a newsroom, or a large reach. None: one voice, however loud."""
        if len(per_source) >= 2:
            return "sources"
        if authors >= max(self.single_source_authors, needed):
            return "authors"
        if news:
            return "news"
        if reach >= self.single_source_reach:
            return "reach"
        return None

    def _learn_sources(self, state: DetectorState, stats: BucketStats) -> None:
        alpha = 1.0 - 0.5 ** (1.0 / self.source_half_life)
        for source in {*state.source_levels, *stats.sources}:
            level = state.source_levels.get(source, 0.0)
            state.source_levels[source] = level + alpha * (stats.sources.get(source, 0) - level)
        # Forget sources that have gone quiet, so the state stays bounded.
        state.source_levels = {
            source: level for source, level in state.source_levels.items() if level >= 1e-3
        }

    def _learn_types(self, state: DetectorState, stats: BucketStats) -> None:
        """Keep the window's buckets; learn a type's usual rate and peak from buckets an hour old. A
        crisis that grows over its first hour must not teach the detector that it is usual."""
        state.recent_types = [*state.recent_types, stats.crisis_types][-(self.type_window - 1) :]
        kept = [*state.recent_evidence, stats.evidence()]
        # The hour of authors, plus the two buckets before the one an hour old (its 15-minute window).
        state.recent_evidence = kept[-(self.author_window + self.type_window - 1) :]
        if len(kept) < self.author_window + self.type_window:
            return
        hour_old = -(self.author_window + 1)
        alpha = 1.0 - 0.5 ** (1.0 / self.type_rate_half_life)
        old = {key: int(count) for key, count in kept[hour_old].get("types", {}).items()}
        for crisis_type in {*state.type_rates, *old}:
            rate = state.type_rates.get(crisis_type, 0.0)
            state.type_rates[crisis_type] = rate + alpha * (old.get(crisis_type, 0) - rate)
        state.type_rates = {key: rate for key, rate in state.type_rates.items() if rate >= 1e-5}
        self._learn_peaks(state, kept[hour_old - self.type_window + 1 : hour_old + 1])

    def _learn_peaks(self, state: DetectorState, window: list[dict[str, Any]]) -> None:
        """Decay every type's peak by a bucket, then raise it to the count of `window`, the 15 minutes
        that ended an hour ago: clumps count once they are history, not while they grow."""
        decay = 0.5 ** (1.0 / self.type_rate_half_life)
        counts: dict[str, int] = {}
        for bucket in window:
            for key, count in bucket.get("types", {}).items():
                counts[key] = counts.get(key, 0) + int(count)
        for crisis_type in {*state.type_peaks, *counts}:
            peak = state.type_peaks.get(crisis_type, 0.0) * decay
            state.type_peaks[crisis_type] = max(peak, float(counts.get(crisis_type, 0)))
        state.type_peaks = {key: peak for key, peak in state.type_peaks.items() if peak >= 0.5}

    @staticmethod
    def _severity(
        signals: list[str], fired_types: Mapping[str, Mapping[str, Any]], stats: BucketStats
    ) -> Severity:
        """SEV1 harms people or data at scale; SEV2 is a real crisis still contained; SEV3 is a watch.

        Crisis types heard on one source only (several authors, a newsroom or a big reach made them
        count) are thin evidence: one step lower, raised when a second source or volume joins in.
        """
        weight = max((int(details["weight"]) for details in fired_types.values()), default=0)
        points = len(signals) + weight + (1 if stats.negative_reach >= 100_000 else 0)
        if (weight >= 3 and "volume" in signals) or points >= 6:
            severity = Severity.SEV1
        elif weight >= 3 or points >= 4:
            severity = Severity.SEV2
        else:
            severity = Severity.SEV3
        thin = bool(fired_types) and all(
            details.get("corroboration", "sources") != "sources" for details in fired_types.values()
        )
        if thin and "volume" not in signals:
            return SEVERITY_ORDER[max(_rank(severity) - 1, 0)]
        return severity

    def _alert(
        self,
        state: DetectorState,
        stats: BucketStats,
        severity: Severity,
        judged: _Judged,
    ) -> Alert:
        signals, volume, negative = judged.signals, judged.volume, judged.negative
        surging, fired_types = judged.surging, judged.fired_types
        parts = [f"{stats.volume} mentions in 5 min against {volume.expected:.1f} expected"]
        for crisis_type, details in sorted(fired_types.items()):
            parts.append(
                f"{details['observed']} {crisis_type.replace('_', ' ')} reports from "
                f"{_voices(details)} in 15 min against {details['expected']:.2f} usual"
            )
        if "negativity" in signals:
            parts.append(f"{stats.negative} negative against {negative.expected:.1f} expected")
        explanation = {
            "bucket": to_iso(stats.bucket),
            "signals": signals,
            "observed": {
                "volume": stats.volume,
                "negative": stats.negative,
                "negative_share": round(stats.negative_share, 3),
                "negative_reach": stats.negative_reach,
                "sources": dict(stats.sources),
                "crisis_types": {key: stats.type_count(key) for key in sorted(stats.crisis_types)},
            },
            "expected": {"volume": round(volume.expected, 2), "negative": round(negative.expected, 2)},
            "scores": {"volume": round(volume.score, 3), "negative": round(negative.score, 3)},
            "threshold": {
                "anomaly_score": self.volume_score,
                "crisis_type_p_value": self.type_p_value,
                "sources_surging": self.spread_sources,
                "source_ratio": self.source_ratio,
                "single_source": {
                    "authors": self.single_source_authors,
                    "reach": self.single_source_reach,
                    "news_sources": sorted(NEWS_SOURCES),
                },
                "good_news_share": self.good_news_share,
            },
            "sources_above_baseline": surging,
            "crisis_types": fired_types,
            "baseline_window": {
                "buckets_seen": state.buckets_seen,
                "volume": volume.baseline,
                "crisis_types": f"usual rate, half-life {self.type_rate_half_life * BUCKET / HOUR:.0f} hours",
                "sources": f"level, half-life {self.source_half_life * BUCKET / HOUR:.0f} hours",
                "since": state.last_bucket,
            },
        }
        return Alert(
            stats.bucket, severity, tuple(signals), "; ".join(parts), explanation, tuple(sorted(fired_types))
        )


def _voices(details: Mapping[str, Any]) -> str:
    """Who reported a type, as the alert's summary says it: "2 sources", "3 authors on reddit"."""
    sources = details["sources"]
    if len(sources) >= 2:
        return f"{len(sources)} sources"
    source = next(iter(sources))
    corroboration = details.get("corroboration")
    if corroboration == "authors":
        return f"{details['authors']} authors on {source}"
    if corroboration == "news":
        return f"news source {source}"
    return f"{source}, reach {int(details.get('reach', 0)):,}"


def _raised_from(state: DetectorState, severity: Severity) -> Severity | None:
    """The open incident's severity when `severity` is higher (a raise), else None."""
    known = Severity(state.alert_severity) if state.alert_severity else None
    if known is None or state.alert_bucket is None or _rank(severity) <= _rank(known):
        return None
    return known


def _rank(severity: Severity) -> int:
    """0 for SEV3 up to 2 for SEV1: higher is more severe."""
    return SEVERITY_ORDER.index(severity)


MAX_CATCH_UP = timedelta(days=7)
"""A brand silent for longer restarts its walk here: bounded work per invocation."""


def buckets_to_judge(state: DetectorState, current_bucket: datetime) -> Iterator[datetime]:
    """The closed buckets since the state's last one, oldest first, gaps included (as empty buckets)."""
    if state.last_bucket is None:
        return
    start = parse_iso(state.last_bucket) + BUCKET
    start = max(start, current_bucket - MAX_CATCH_UP)
    moment = start
    while moment < current_bucket:
        yield moment
        moment += BUCKET
