"""Scoring figures: agreement with human ratings, throughput against NLTK's VADER alone, cold start.

* Pearson r of our sentiment (VADER compound pulled by crisis signals) and of NLTK's VADER alone
  against the mean human rating of each of VADER's four ground-truth sets.
* Mentions scored per second on one core: the whole per-mention scoring (language check, VADER,
  crisis types) against NLTK's `polarity_scores` alone, measured in the same run on the same texts.
* The scoring function's cold start from `sam build`'s output, in fresh interpreters: importing the
  handler (Lambda's init phase) and the first use of VADER and the taxonomy (paid by the first batch).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from crisiswatch.domain.scoring import score_text
from crisiswatch.domain.taxonomy import default_taxonomy
from crisiswatch_ops.analysis import load_analyzer, vader_data_dir

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = Path("/work/shared/data/vader-groundtruth")
SETS = {
    "tweets": "tweets_GroundTruth.txt",
    "NYT editorials": "nytEditorialSnippets_GroundTruth.txt",
    "movie reviews": "movieReviewSnippets_GroundTruth.txt",
    "Amazon reviews": "amazonReviewSnippets_GroundTruth.txt",
}
PUBLISHED_NLTK = {"tweets": 0.878, "NYT editorials": 0.490, "movie reviews": 0.422, "Amazon reviews": None}
COLD_STARTS = 5
BUILD = ROOT / ".aws-sam" / "build"

_COLD_START_PROBE = """
import time
t0 = time.perf_counter()
import app  # noqa: F401  (the handler module: Lambda's init phase)
t1 = time.perf_counter()
from crisiswatch.adapters.sentiment import VaderSentiment
from crisiswatch.domain.taxonomy import default_taxonomy
VaderSentiment().compound("warm up"); default_taxonomy().classify("warm up")
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def read_set(name: str) -> tuple[list[float], list[str]]:
    ratings, texts = [], []
    with (GROUND_TRUTH / name).open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                ratings.append(float(parts[1]))
                texts.append(parts[2])
    return ratings, texts


def cold_start() -> tuple[float, float]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(
            [str(BUILD / "ScoreMentionsFunction"), str(BUILD / "CoreLayer" / "python")]
        ),
        "NLTK_DATA": str(vader_data_dir(ROOT)),
        "POWERTOOLS_SERVICE_NAME": "crisiswatch",
        "POWERTOOLS_METRICS_NAMESPACE": "CrisisWatch",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    inits, first_uses = [], []
    for _ in range(COLD_STARTS):
        out = subprocess.run(
            [sys.executable, "-c", _COLD_START_PROBE],
            env=env,
            cwd=BUILD / "ScoreMentionsFunction",
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        inits.append(float(out[0]))
        first_uses.append(float(out[1]))
    return statistics.median(inits), statistics.median(first_uses)


def main() -> dict[str, float]:
    analyzer = load_analyzer(ROOT)
    taxonomy = default_taxonomy()
    print("Sentiment against human ratings (Pearson r; VADER's ground truth, Hutto & Gilbert 2014)")
    print(f"  {'set':<16} {'texts':>6} {'ours':>7} {'NLTK VADER':>11} {'published NLTK':>15}")
    all_texts: list[str] = []
    for label, name in SETS.items():
        ratings, texts = read_set(name)
        all_texts.extend(texts)
        vader = [analyzer.compound(text) for text in texts]
        ours = [score_text(text, "en", analyzer, taxonomy)[1] for text in texts]
        ours_values = [value if value is not None else 0.0 for value in ours]
        published = PUBLISHED_NLTK[label]
        print(
            f"  {label:<16} {len(texts):>6} {statistics.correlation(ratings, ours_values):7.4f} "
            f"{statistics.correlation(ratings, vader):11.4f} {published if published else '-':>15}"
        )
    from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: PLC0415

    nltk_alone = SentimentIntensityAnalyzer()
    rates: dict[str, list[float]] = {"ours": [], "nltk": []}
    for _ in range(3):
        started = time.perf_counter()
        for text in all_texts:
            nltk_alone.polarity_scores(text)
        rates["nltk"].append(len(all_texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        for text in all_texts:
            score_text(text, "und", analyzer, taxonomy)
        rates["ours"].append(len(all_texts) / (time.perf_counter() - started))
    ours_rate, nltk_rate = statistics.median(rates["ours"]), statistics.median(rates["nltk"])
    print(f"\nScoring throughput, one core ({len(all_texts)} texts, median of 3)")
    print(f"  ours: language, VADER, crisis types   {ours_rate:8.0f} mentions/s")
    print(
        f"  reference: NLTK VADER alone           {nltk_rate:8.0f} mentions/s  ({ours_rate / nltk_rate:.0%})"
    )
    init, first_use = cold_start()
    print(
        f"\nScoring function cold start (median of {COLD_STARTS} fresh interpreters, from sam build output)"
    )
    print(f"  init (import the handler)             {init * 1000:8.0f} ms")
    print(f"  first batch (load VADER, taxonomy)    {first_use * 1000:8.0f} ms")
    print()
    return {"mentions_per_second": ours_rate, "init_seconds": init, "first_use_seconds": first_use}


if __name__ == "__main__":
    main()
