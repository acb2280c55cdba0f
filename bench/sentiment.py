"""Scoring figures: agreement with human ratings, throughput against NLTK's VADER alone, cold start.

* Pearson r of our sentiment (VADER compound pulled by crisis signals) and of NLTK's VADER alone
  against the mean human rating of each of VADER's four ground-truth sets: with the texts tagged "en",
  and untagged ("und": the language identified, as for a source without tags), for an English-speaking
  brand (languages = ["en"]) and, on the tweets, for a German-speaking one (["de", "en"]).
* Mentions scored per second on one core: the whole per-mention scoring (language, VADER, crisis
  types) against NLTK's `polarity_scores` alone, measured in the same run on the same texts: for a
  stored mention (its language resolved at ingest) and for an untagged text (identified here).
* The scoring function's cold start from `sam build`'s output, in fresh interpreters with only the
  function, its layers and Lambda's runtime packages on the path: importing the handler (Lambda's init
  phase), then its first untagged mention through the handler's own services (language, VADER, crisis
  types); language identification's own cold start apart; NLTK's VADER alone as the reference.
* The size of each layer of template.yaml as `sam build` made it, unzipped and zipped.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.cold_start import lambda_runtime
from crisiswatch.domain.detection.scoring import score_text
from crisiswatch.domain.detection.taxonomy import default_taxonomy
from crisiswatch_ops.analysis import language_model_file, load_analyzer, load_languages, vader_data_dir

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CRISISWATCH_DATA") or ROOT.parent / "shared" / "data")
GROUND_TRUTH = DATA / "vader-groundtruth"
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
from datetime import datetime, timezone
from crisiswatch.domain.listening.mentions import Mention
from crisiswatch.domain.detection.scoring import score_mention
services = app.use_cases().services  # the handler's own wiring: VADER, the taxonomy, the language model
mention = Mention("mastodon", "1", "acme", datetime.now(timezone.utc),
                  "The coffee at Acme was lukewarm again and the staff were rude, what a recall mess")
score = score_mention(mention, services.sentiment, services.taxonomy, services.languages)
assert score.lang == "en" and score.sentiment is not None, score  # every step ran: language, VADER, types
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""
_LANGUAGE_COLD_PROBE = """
import os, time
t0 = time.perf_counter()
from crisiswatch.adapters.language import FastTextIdentifier
FastTextIdentifier(os.environ["LANGUAGE_MODEL_FILE"]).guesses("Der Kaffee war heute wieder lauwarm")
print(time.perf_counter() - t0)
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


def _probe(code: str, env: dict[str, str]) -> list[str]:
    """What `code` prints, run as ScoreMentionsFunction's init would run it, split into words."""
    return subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=env,
        cwd=BUILD / "ScoreMentionsFunction",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()


def cold_start(compiled: bool = False) -> tuple[float, float, float]:
    """Init, first mention and (apart) language identification's own cold start, in fresh interpreters
    without site-packages (-S): the function's code, its layers, then Lambda's runtime packages.

    As built (`compiled` False): no bytecode is written, as on Lambda's read-only /opt and /var/task, so
    every module the layers ship without a .pyc is compiled at every cold start. `compiled`: bytecode
    cached (in a scratch folder, PYTHONPYCACHEPREFIX) after a first run, as layers built with it would.
    """
    with tempfile.TemporaryDirectory() as scratch, tempfile.TemporaryDirectory() as pycache:
        cache = {"PYTHONPYCACHEPREFIX": pycache} if compiled else {"PYTHONDONTWRITEBYTECODE": "1"}
        return _cold_start(lambda_runtime(Path(scratch)), cache, compiled)


def _cold_start(runtime: Path, cache: dict[str, str], warm_up: bool) -> tuple[float, float, float]:
    env = cache | {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(
            [
                str(BUILD / "ScoreMentionsFunction"),
                str(BUILD / "CoreLayer" / "python"),
                str(BUILD / "LanguageLayer" / "python"),
                str(runtime),
            ]
        ),
        "NLTK_DATA": str(vader_data_dir(ROOT)),
        "LANGUAGE_MODEL_FILE": str(language_model_file(ROOT)),
        # Lambda always sets it; X-Ray's recorder (Powertools Tracer) then uses Lambda's context instead of
        # building a botocore client for centralized sampling (about 100 ms that Lambda never pays).
        "LAMBDA_TASK_ROOT": str(BUILD / "ScoreMentionsFunction"),
        "POWERTOOLS_SERVICE_NAME": "crisiswatch",
        "POWERTOOLS_METRICS_NAMESPACE": "CrisisWatch",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    inits: list[float] = []
    first_uses: list[float] = []
    languages: list[float] = []
    for run in range(COLD_STARTS + warm_up):
        out = _probe(_COLD_START_PROBE, env)
        inits.append(float(out[0]))
        first_uses.append(float(out[1]))
        language = _probe(_LANGUAGE_COLD_PROBE, env)
        languages.append(float(language[-1]))
        if warm_up and run == 0:
            inits, first_uses, languages = [], [], []  # that run only wrote the bytecode
    return statistics.median(inits), statistics.median(first_uses), statistics.median(languages)


_VADER_COLD = """
import time
started = time.perf_counter()
from nltk.sentiment.vader import SentimentIntensityAnalyzer
SentimentIntensityAnalyzer().polarity_scores("Der Kaffee war lauwarm")
print(time.perf_counter() - started)
"""


def vader_cold_start(compiled: bool = False) -> float:
    """NLTK's VADER alone from the CoreLayer: import, lexicon, a first text (bytecode as in `cold_start`)."""
    with tempfile.TemporaryDirectory() as pycache:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(BUILD / "CoreLayer" / "python"),
            "NLTK_DATA": str(vader_data_dir(ROOT)),
        } | ({"PYTHONPYCACHEPREFIX": pycache} if compiled else {"PYTHONDONTWRITEBYTECODE": "1"})
        runs = []
        for _ in range(COLD_STARTS + compiled):
            out = subprocess.run(
                [sys.executable, "-S", "-c", _VADER_COLD], env=env, capture_output=True, text=True, check=True
            )
            runs.append(float(out.stdout.split()[-1]))
        return statistics.median(runs[compiled:])


def layers() -> list[str]:
    """The template's layers, in its order."""
    names = []
    current = ""
    for line in (ROOT / "template.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("  ") and not line.startswith("   ") and line.rstrip().endswith(":"):
            current = line.strip()[:-1]
        elif line.strip() == "Type: AWS::Serverless::LayerVersion" and current:
            names.append(current)
    return names


def print_layer_sizes() -> None:
    print("\nLayers as sam build makes them (unzipped; zipped as deployed)")
    for name in layers():
        folder = BUILD / name
        files = [path for path in folder.rglob("*") if path.is_file()] if folder.is_dir() else []
        if not files:
            print(f"  {name:<20} not built")
            continue
        raw = sum(path.stat().st_size for path in files)
        with tempfile.TemporaryFile() as scratch:
            with zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in files:
                    archive.write(path, path.relative_to(folder))
            zipped = scratch.tell()
        print(f"  {name:<20} {raw / 1e6:7.1f} MB  {zipped / 1e6:6.1f} MB zipped  ({len(files)} files)")


def _r(ratings: list[float], scores: list[float | None]) -> float:
    return statistics.correlation(ratings, [value if value is not None else 0.0 for value in scores])


def main() -> dict[str, float]:
    analyzer = load_analyzer(ROOT)
    taxonomy = default_taxonomy()
    english = load_languages(ROOT, ["en"])
    german = english.for_languages(["de", "en"])
    print("Sentiment against human ratings (Pearson r; VADER's ground truth, Hutto & Gilbert 2014)")
    header = f"{'ours, en':>9} {'ours, und':>10} {'NLTK VADER':>11} {'published NLTK':>15}"
    print(f"  {'set':<16} {'texts':>6} {header}")
    from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: PLC0415

    nltk_alone = SentimentIntensityAnalyzer()
    all_texts: list[str] = []
    differ = 0
    tweets: tuple[list[float], list[str]] = ([], [])
    for label, name in SETS.items():
        ratings, texts = read_set(name)
        all_texts.extend(texts)
        tweets = (ratings, texts) if label == "tweets" else tweets
        vader = [nltk_alone.polarity_scores(text)["compound"] for text in texts]
        differ += sum(
            analyzer["en"].compound(text) != score for text, score in zip(texts, vader, strict=True)
        )
        tagged = [score_text(text, "en", analyzer, taxonomy).sentiment for text in texts]
        untagged = [score_text(text, "und", analyzer, taxonomy, english).sentiment for text in texts]
        published = PUBLISHED_NLTK[label]
        print(
            f"  {label:<16} {len(texts):>6} {_r(ratings, tagged):9.4f} {_r(ratings, untagged):10.4f} "
            f"{statistics.correlation(ratings, vader):11.4f} {published if published else '-':>15}"
        )
    untagged_de = [score_text(text, "und", analyzer, taxonomy, german).sentiment for text in tweets[1]]
    print(
        "  (en: tagged English; und: untagged, the language identified for a brand whose languages are "
        f'["en"];\n   for a brand of ["de", "en"] the untagged tweets give {_r(tweets[0], untagged_de):.4f})'
    )
    print(
        f"  our VADER (NLTK's, with a faster tokeniser) scores {len(all_texts) - differ} of the "
        f"{len(all_texts)} texts exactly as NLTK's polarity_scores"
    )
    rates: dict[str, list[float]] = {"stored": [], "und": [], "nltk": []}
    for _ in range(3):
        started = time.perf_counter()
        for text in all_texts:
            nltk_alone.polarity_scores(text)
        rates["nltk"].append(len(all_texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        for text in all_texts:
            score_text(text, "en", analyzer, taxonomy, german)
        rates["stored"].append(len(all_texts) / (time.perf_counter() - started))
        started = time.perf_counter()
        for text in all_texts:
            score_text(text, "und", analyzer, taxonomy, german)
        rates["und"].append(len(all_texts) / (time.perf_counter() - started))
    stored, untagged_rate, nltk_rate = (statistics.median(rates[key]) for key in ("stored", "und", "nltk"))
    print(f"\nScoring throughput, one core ({len(all_texts)} texts of the four sets, median of 3)")
    print(
        f"  ours, untagged: identified while scoring     {untagged_rate:8.0f} mentions/s  "
        f"{untagged_rate / nltk_rate:.2f}x NLTK VADER"
    )
    print(
        f"  ours, stored language (resolved at ingest)  {stored:8.0f} mentions/s  {stored / nltk_rate:.2f}x"
    )
    print(f"  reference: NLTK VADER alone (polarity_scores) {nltk_rate:6.0f} mentions/s")
    print('  (ours: score_text with language, VADER and crisis types; the brand\'s languages ["de", "en"])')
    init, first_use, language = cold_start()
    compiled = cold_start(compiled=True)
    print(
        f"\nScoring function cold start (median of {COLD_STARTS} fresh interpreters, sam build's output, its "
        "layers on the path)"
    )
    print(f"  {'':<52} {'as built':>9} {'with .pyc':>10}")
    rows = [
        ("init: import the handler module", init, compiled[0]),
        ("first mention: VADER, taxonomy, language model", first_use, compiled[1]),
        ("total, through the first (untagged) mention", init + first_use, compiled[0] + compiled[1]),
        ("of which language identification (measured apart)", language, compiled[2]),
    ]
    for label, built, cached in rows:
        print(f"  {label:<52} {built * 1000:6.0f} ms {cached * 1000:7.0f} ms")
    vader_built, vader_compiled = vader_cold_start(), vader_cold_start(compiled=True)
    label = "reference: NLTK VADER alone, import and first text"
    print(f"  {label:<52} {vader_built * 1000:6.0f} ms {vader_compiled * 1000:7.0f} ms")
    print(
        "  (as built: the layers as shipped; Lambda's /opt is read-only, so a module shipped without its\n"
        "   .pyc is compiled at every cold start (the CoreLayer ships its bytecode); with .pyc: bytecode\n"
        "   cached after a first run, as if every layer shipped all of it)"
    )
    print_layer_sizes()
    print()
    return {"mentions_per_second": stored, "init_seconds": init, "first_use_seconds": first_use}


if __name__ == "__main__":
    main()
