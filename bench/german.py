"""German sentiment against people's labels: GermEval 2017 (Subtask B), development set.

2,584 German posts about Deutsche Bahn, each labelled positive, negative or neutral by people. Our label
is the compound's, with the thresholds shared with English (negative <= -0.05, positive >= 0.05). The
set is split in two halves by a hash of each post's id: the weights were tuned on the first half only,
so the second half is the honest estimate (the official test set, held back, judges the result). Printed
in the same run:

* micro-F1 (the task's official measure) and per-class precision, recall and F1, for both halves and
  the whole set, beside always-neutral (the majority class) and NLTK's English VADER on the same texts;
* seconds per text, ours against NLTK's VADER on the same German texts (median of 3 passes);
* the cold start of the German analyzer in fresh interpreters (import, load the lexicon, first text),
  from the repository's lexicon and with the stem index the layer build writes beside it.

The data is read where it lies, never copied: `ROOT.parent / "shared" / "data"`, or the folder named by
$CRISISWATCH_BENCH_DATA.

    .venv/bin/python -m bench.german            # the figures
    .venv/bin/python -m bench.german --tune     # the grid the weights were chosen on (first half only)
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from crisiswatch.adapters.german_lexicon import write_stem_index
from crisiswatch.adapters.german_sentiment import DEFAULT_WEIGHTS, GermanSentiment, GermanWeights
from crisiswatch.domain.detection.scoring import NEGATIVE_COMPOUND
from crisiswatch.domain.detection.taxonomy import POSITIVE_COMPOUND

ROOT = Path(__file__).resolve().parents[1]
DATA_ENV = "CRISISWATCH_BENCH_DATA"
LEXICON = ROOT / "layers" / "vader_lexicon" / "german_lexicon.tsv"
CLASSES = ("negative", "neutral", "positive")
TARGETS = {"micro-F1": 0.78, "negative F1": 0.6}
COLD_STARTS = 5
PLAIN = {
    "positive": [
        "Der Service war super.",
        "Das Personal war sehr freundlich.",
        "Danke, alles bestens!",
        "Tolle Fahrt, gerne wieder!",
        "Ich liebe diesen Zug.",
        "Das Essen war lecker.",
        "Pünktlich und sauber, top!",
    ],
    "negative": [
        "Der Zug ist schon wieder zu spät.",
        "Das WLAN funktioniert nicht.",
        "Schrecklicher Service.",
        "Total enttäuscht.",
        "Die Toiletten sind dreckig.",
        "Das ist ärgerlich.",
    ],
    "neutral": ["Der Zug fährt um acht Uhr ab.", "Ich bin am Bahnhof."],
}
"""Plain sentences (written for this benchmark) that a calibration must leave as they read: a neutral
band wide enough to call "Das Essen war lecker." neutral would fit the data by ignoring praise."""

_COLD_START_PROBE = """
import sys, time
t0 = time.perf_counter()
from crisiswatch.adapters.german_sentiment import GermanSentiment
analyzer = GermanSentiment.from_file(sys.argv[1])
t1 = time.perf_counter()
analyzer.compound("Der Zug ist schon wieder zu spät, danke für nichts")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


@dataclass(frozen=True)
class Post:
    id: str
    label: str
    text: str

    @property
    def tuning_half(self) -> bool:
        """The half the weights were tuned on: decided by the id's hash, never by content."""
        return hashlib.sha256(self.id.encode()).digest()[0] % 2 == 0


def data_dir() -> Path:
    configured = os.environ.get(DATA_ENV)
    return Path(configured) if configured else ROOT.parent / "shared" / "data"


def read_posts() -> list[Post]:
    path = data_dir() / "germeval2017-dev" / "germeval2017-dev.jsonl"
    posts = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                posts.append(Post(str(item["id"]), str(item["label"]), str(item["text"])))
    return posts


def label(compound: float) -> str:
    if compound <= NEGATIVE_COMPOUND:
        return "negative"
    return "positive" if compound >= POSITIVE_COMPOUND else "neutral"


@dataclass(frozen=True)
class Scores:
    texts: int
    micro_f1: float
    per_class: dict[str, tuple[float, float, float]]  # precision, recall, F1

    @property
    def negative_f1(self) -> float:
        return self.per_class["negative"][2]


def score(gold: list[str], predicted: list[str]) -> Scores:
    per_class = {}
    for name in CLASSES:
        true_positive = sum(g == p == name for g, p in zip(gold, predicted, strict=True))
        said = sum(p == name for p in predicted)
        there = sum(g == name for g in gold)
        precision = true_positive / said if said else 0.0
        recall = true_positive / there if there else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_class[name] = (precision, recall, f1)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return Scores(len(gold), correct / len(gold) if gold else 0.0, per_class)


def evaluate(compound: Callable[[str], float], posts: Iterable[Post]) -> Scores:
    chosen = list(posts)
    return score([post.label for post in chosen], [label(compound(post.text)) for post in chosen])


def print_scores(title: str, ours: Scores, vader: Scores, neutral: Scores) -> None:
    print(f"  {title} ({ours.texts} posts)")
    print(f"    {'':<22} {'micro-F1':>9}   " + "   ".join(f"{name:^20}" for name in CLASSES))
    print(f"    {'':<22} {'':>9}   " + "   ".join(f"{'P':>6}{'R':>7}{'F1':>7}" for _ in CLASSES))
    for name, scores in (("ours", ours), ("NLTK VADER (English)", vader), ("always neutral", neutral)):
        cells = "   ".join(f"{p:6.3f}{r:7.3f}{f:7.3f}" for p, r, f in scores.per_class.values())
        print(f"    {name:<22} {scores.micro_f1:9.3f}   {cells}")


def per_text_seconds(compound: Callable[[str], float], texts: list[str]) -> float:
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            compound(text)
        runs.append((time.perf_counter() - started) / len(texts))
    return statistics.median(runs)


def cold_start(lexicon: Path = LEXICON) -> tuple[float, float]:
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "layers" / "core")}
    loads, firsts = [], []
    for _ in range(COLD_STARTS):
        out = subprocess.run(
            [sys.executable, "-c", _COLD_START_PROBE, str(lexicon)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        loads.append(float(out[0]))
        firsts.append(float(out[1]))
    return statistics.median(loads), statistics.median(firsts)


def nltk_vader() -> Callable[[str], float]:
    from crisiswatch_ops.analysis import load_analyzer  # noqa: PLC0415

    return load_analyzer(ROOT)["en"].compound


def keeps_plain_sentences(analyzer: GermanSentiment, weights: GermanWeights) -> bool:
    return all(
        label(analyzer.score(reading, weights) if (reading := analyzer.reading(text)) else 0.0) == expected
        for expected, texts in PLAIN.items()
        for text in texts
    )


def tune(posts: list[Post]) -> None:
    """The grid the defaults were chosen on: the first half only, by micro-F1 plus negative F1, among
    the weightings that leave the plain sentences as they read. Each reading weighting reads the texts
    once; the calibration weights only rescale those readings."""
    half = [post for post in posts if post.tuning_half]
    gold = [post.label for post in half]
    lexicon = GermanSentiment.from_file(LEXICON).lexicon
    reading_grid = {
        "modifier": (0.5, 1.0),
        "irrealis": (0.5, 0.0, -0.5),
        "question": (0.0, 0.5, 1.0),
        "irony": (1.0, 0.0, -0.5),
    }
    calibration_grid = {
        "length_words": (0.0, 3.0, 5.0, 8.0, 10.0, 15.0, 20.0),
        "length_power": (0.5, 1.0),
        "question_emphasis": (1.0, 0.0),
        "neutral_band_negative": (0.0, 0.25, 0.5, 0.75, 1.0, 1.5),
        "neutral_band_positive": (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0),
    }
    results = []
    for values in itertools.product(*reading_grid.values()):
        weights = replace(DEFAULT_WEIGHTS, **dict(zip(reading_grid, values, strict=True)))
        analyzer = GermanSentiment(lexicon, weights)
        readings = [analyzer.reading(post.text) for post in half]
        for calibration in itertools.product(*calibration_grid.values()):
            tuned = replace(weights, **dict(zip(calibration_grid, calibration, strict=True)))
            predicted = [
                "neutral" if reading is None else label(analyzer.score(reading, tuned))
                for reading in readings
            ]
            scores = score(gold, predicted)
            plain = keeps_plain_sentences(analyzer, tuned)
            results.append((scores.micro_f1 + scores.negative_f1, plain, scores, tuned))
    results.sort(key=lambda item: item[0], reverse=True)
    print(f"Tuning half ({len(half)} posts): {len(results)} weightings, by micro-F1 + negative F1")
    for title, chosen in (
        (
            "leaving the plain sentences as they read (the defaults are the first)",
            [r for r in results if r[1]],
        ),
        ("for reference, the best of all, some calling plain praise neutral", results),
    ):
        print(f"  {title}")
        for _, _, scores, weights in chosen[:6]:
            print(
                f"    micro-F1 {scores.micro_f1:.3f}  negative F1 {scores.negative_f1:.3f}  "
                f"modifier {weights.modifier}  irrealis {weights.irrealis}  question {weights.question}  "
                f"irony {weights.irony}  "
                f"length {weights.length_words:g}^{weights.length_power}  "
                f"?? {weights.question_emphasis}  "
                f"bands -{weights.neutral_band_negative}/+{weights.neutral_band_positive}"
            )


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = sys.argv[1:] if argv is None else argv
    posts = read_posts()
    if "--tune" in args:
        tune(posts)
        return {}
    analyzer = GermanSentiment.from_file(LEXICON)
    vader = nltk_vader()
    halves = {
        "first half (tuned on)": [p for p in posts if p.tuning_half],
        "second half (held out)": [p for p in posts if not p.tuning_half],
        "whole development set": posts,
    }
    print("German sentiment against people's labels (GermEval 2017 dev, Subtask B; thresholds ±0.05)")
    figures: dict[str, float] = {}
    for title, chosen in halves.items():
        ours = evaluate(analyzer.compound, chosen)
        print_scores(
            title, ours, evaluate(vader, chosen), score([p.label for p in chosen], ["neutral"] * len(chosen))
        )
        figures[f"{title}: micro-F1"] = ours.micro_f1
        figures[f"{title}: negative F1"] = ours.negative_f1
    whole = evaluate(analyzer.compound, posts)
    print(
        "  targets (whole set): "
        + ", ".join(
            f"{name} >= {target} ({value:.3f})"
            for (name, target), value in zip(
                TARGETS.items(), (whole.micro_f1, whole.negative_f1), strict=True
            )
        )
    )
    texts = [post.text for post in posts]
    ours_seconds = per_text_seconds(analyzer.compound, texts)
    vader_seconds = per_text_seconds(vader, texts)
    print(f"\nSpeed, one core ({len(texts)} German texts, median of 3 passes)")
    print(f"  ours (German)                {ours_seconds * 1e6:8.0f} µs per text")
    print(
        f"  reference: NLTK VADER        {vader_seconds * 1e6:8.0f} µs per text"
        f"  (ours takes {ours_seconds / vader_seconds:.0%} of its time)"
    )
    load, first = cold_start()
    with tempfile.TemporaryDirectory() as folder:
        built = Path(folder) / LEXICON.name
        shutil.copyfile(LEXICON, built)
        write_stem_index(built)
        indexed_load, indexed_first = cold_start(built)
    print(f"\nGerman analyzer cold start (median of {COLD_STARTS} fresh interpreters)")
    print("                               as in the repository   with the layer's stem index")
    print(f"  import and load the lexicon  {load * 1000:8.0f} ms {indexed_load * 1000:22.0f} ms")
    print(f"  first text                   {first * 1000:8.0f} ms {indexed_first * 1000:22.0f} ms")
    print()
    figures.update({"seconds_per_text": ours_seconds, "load_seconds": load})
    return figures


if __name__ == "__main__":
    main()
