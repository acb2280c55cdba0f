"""One language-identification candidate, measured in its own interpreter (run by `bench.language`).

Runs in the candidates' virtual environment (.venv-langbench, requirements/bench-language.txt), so it
imports nothing of CrisisWatch. `--cold` prints the seconds to import the library and answer a first
text; otherwise it reads the texts from the JSON file named by `--data` and prints one JSON object:
accuracy on the tweets and GermEval, its answer for each dev-set post (scored by `bench.language`),
seconds per text on the tweets, installed size with dependencies.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

Identify = Callable[[str], str]
EUROPEAN = ["de", "en", "fr", "es", "it", "nl", "pt", "pl", "tr", "sv", "da", "ru"]
"""The restricted candidate set: the brand's languages and the commonest others in German-speaking
countries' social media."""


def _fasttext(model_file: str) -> Identify:
    import fasttext  # noqa: PLC0415

    model = fasttext.load_model(model_file)
    predict = model.f.predict

    def identify(text: str) -> str:
        pairs = predict(" ".join(text.split()) + "\n", 1, 0.0, "replace")
        return pairs[0][1][len("__label__") :] if pairs else "und"

    return identify


def _py3langid(restricted: bool) -> Identify:
    import py3langid  # noqa: PLC0415
    from py3langid.langid import LanguageIdentifier  # noqa: PLC0415

    model = Path(py3langid.__file__).parent / "data" / "model.npz.xz"
    identifier = LanguageIdentifier.from_modelpath(model, norm_probs=True)
    if restricted:
        identifier.set_languages(EUROPEAN)
    return lambda text: str(identifier.classify(text)[0])


def _langid() -> Identify:
    import langid  # noqa: PLC0415

    return lambda text: str(langid.classify(text)[0])


def _langdetect() -> Identify:
    from langdetect import DetectorFactory, detect  # noqa: PLC0415
    from langdetect.lang_detect_exception import LangDetectException  # noqa: PLC0415

    DetectorFactory.seed = 0  # otherwise two runs may disagree on the same text

    def identify(text: str) -> str:
        try:
            return str(detect(text)).split("-")[0]
        except LangDetectException:
            return "und"

    return identify


def _lingua(mode: str) -> Identify:
    from lingua import IsoCode639_1, LanguageDetectorBuilder  # noqa: PLC0415

    if mode == "restricted":
        codes = [getattr(IsoCode639_1, code.upper()) for code in EUROPEAN]
        builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
    else:
        builder = LanguageDetectorBuilder.from_all_languages()
    if mode == "low":
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def identify(text: str) -> str:
        language = detector.detect_language_of(text)
        return language.iso_code_639_1.name.lower() if language else "und"

    return identify


def _pycld2() -> Identify:
    import pycld2  # noqa: PLC0415

    def identify(text: str) -> str:
        try:
            _, _, details = pycld2.detect(text)
        except pycld2.error:
            return "und"
        code = str(details[0][1]).split("-")[0]
        return "und" if code == "un" else code

    return identify


def _cld3() -> Identify:
    import gcld3  # noqa: PLC0415

    detector = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=1000)

    def identify(text: str) -> str:
        return str(detector.FindLanguage(text=text).language).split("-")[0]

    return identify


CANDIDATES: dict[str, tuple[Callable[[str], Identify], list[str]]] = {
    "fasttext": (_fasttext, ["fasttext-predict"]),
    "py3langid": (lambda _: _py3langid(False), ["py3langid"]),
    "py3langid-eu": (lambda _: _py3langid(True), ["py3langid"]),
    "langid": (lambda _: _langid(), ["langid"]),
    "langdetect": (lambda _: _langdetect(), ["langdetect"]),
    "lingua": (lambda _: _lingua("high"), ["lingua-language-detector"]),
    "lingua-low": (lambda _: _lingua("low"), ["lingua-language-detector"]),
    "lingua-eu": (lambda _: _lingua("restricted"), ["lingua-language-detector"]),
    "pycld2": (lambda _: _pycld2(), ["pycld2"]),
    "cld3": (lambda _: _cld3(), ["cld3-py"]),
}


def _safely(identify: Identify, text: str) -> str:
    """The candidate's answer on a dev-set post, "error" where it raises (emoji-only posts, for some)."""
    try:
        return identify(text)
    except Exception:
        return "error"


def installed_bytes(names: list[str]) -> int:
    """Files of the distributions and of everything they require (extras aside)."""
    seen: set[str] = set()
    total = 0
    pending = list(names)
    while pending:
        name = re.split(r"[\s;<>=!~\[(]", pending.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if not name or name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        for file in dist.files or []:
            path = Path(str(dist.locate_file(file)))
            if path.is_file() and "__pycache__" not in path.parts:
                total += path.stat().st_size
        pending += [req for req in dist.requires or [] if "extra ==" not in req]
    return total


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("candidate", choices=sorted(CANDIDATES))
    parser.add_argument("--model", default="")
    parser.add_argument("--data", default="")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    make, dists = CANDIDATES[args.candidate]
    started = time.perf_counter()
    identify = make(args.model)
    identify("Warm-up: the first text.")
    loaded = time.perf_counter() - started
    if args.cold:
        print(loaded)
        return 0
    data = json.loads(Path(args.data).read_text(encoding="utf-8"))
    tweets, germeval, dev = data["tweets"], data["germeval"], data["dev"]
    accuracy = {
        "tweets": sum(_safely(identify, text) == "en" for text in tweets) / len(tweets),
        "germeval": sum(_safely(identify, text) == "de" for text in germeval) / len(germeval),
    }
    answers = [_safely(identify, row["text"]) for row in dev]
    passes = []
    for _ in range(3):
        begun = time.perf_counter()
        for text in tweets:
            identify(text)
        passes.append((time.perf_counter() - begun) / len(tweets))
        if passes[-1] * len(tweets) > 2.0:
            break  # a slow candidate: one pass tells enough
    size = installed_bytes(dists) + (Path(args.model).stat().st_size if args.model else 0)
    figures = {
        "accuracy": accuracy,
        "dev": answers,
        "seconds_per_text": statistics.median(passes),
        "bytes": size,
    }
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
