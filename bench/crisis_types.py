"""Crisis types figures: precision, recall and F1 per type and language, macro-F1 against the target.

Two labelled sets in ``tests/data``, each post with its language (``lang``) and its crisis types:

* the dev set, which the terms in ``crisis_types.toml`` were written and tuned against;
* the held-out set, written at the same time and never used for tuning: the honest figure.

Words alone (no sentiment), each post read in its own language. Macro-F1 is the mean of the eight
types' F1, so a rare type counts as much as a common one; the target is 0.8 in each language.

References, built in the same run from the same file, so that each shows what one part is worth:

* "no negation": the same terms with every language's negations, exceptions, denials and clause breaks
  emptied and every exclusion dropped: a plain keyword tagger ("kein Rückruf" tagged as a recall);
* "English terms": the English (and language-free) term lists alone, with negation: what a tagger
  that reads only English would make of the German and Spanish posts.

Also the time per post (median of 3 passes over both sets, after a warm-up).
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from crisiswatch.domain.detection.taxonomy import ANY_LANGUAGE, Taxonomy, default_taxonomy

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "dev": ROOT / "tests" / "data" / "crisis_types_dev.jsonl",
    "held-out": ROOT / "tests" / "data" / "crisis_types_heldout.jsonl",
}
LANGUAGES = ("en", "de", "es")
TARGET = 0.8


def read_set(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def scores(
    taxonomy: Taxonomy, items: list[dict[str, object]], lang: str
) -> dict[str, tuple[float, float, float]]:
    """Crisis type -> (precision, recall, F1) over the posts in `lang`."""
    counts: dict[str, Counter[str]] = {crisis_type.key: Counter() for crisis_type in taxonomy.types}
    for item in items:
        if item["lang"] != lang:
            continue
        text, wanted_types = item["text"], item["crisis_types"]
        assert isinstance(text, str) and isinstance(wanted_types, list)
        found, wanted = set(taxonomy.classify(text, lang=lang)), set(wanted_types)
        for key, count in counts.items():
            count["tp"] += key in found & wanted
            count["fp"] += key in found - wanted
            count["fn"] += key in wanted - found
    result = {}
    for key, count in counts.items():
        precision = count["tp"] / (count["tp"] + count["fp"]) if count["tp"] + count["fp"] else 0.0
        recall = count["tp"] / (count["tp"] + count["fn"]) if count["tp"] + count["fn"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[key] = (precision, recall, f1)
    return result


def macro_f1(per_type: dict[str, tuple[float, float, float]]) -> float:
    return sum(f1 for _, _, f1 in per_type.values()) / len(per_type)


def without_negation(taxonomy: Taxonomy) -> Taxonomy:
    languages = [
        replace(lang, negations=(), negation_exceptions=(), denials=(), clause_breaks=())
        for lang in taxonomy.languages.values()
    ]
    types = [replace(crisis_type, exclude={}) for crisis_type in taxonomy.types]
    return Taxonomy(types, languages)


def english_terms_only(taxonomy: Taxonomy) -> Taxonomy:
    types = [
        replace(
            crisis_type,
            terms={lang: terms for lang, terms in crisis_type.terms.items() if lang in ("en", ANY_LANGUAGE)},
        )
        for crisis_type in taxonomy.types
    ]
    return Taxonomy(types, taxonomy.languages.values())


def microseconds_per_post(taxonomy: Taxonomy, items: list[dict[str, object]]) -> float:
    posts = [(str(item["text"]), str(item["lang"])) for item in items]
    for text, lang in posts:  # warm-up: compile the scanner and each language's reading
        taxonomy.classify(text, lang=lang)
    passes = []
    for _ in range(3):
        started = time.perf_counter()
        for text, lang in posts:
            taxonomy.classify(text, lang=lang)
        passes.append((time.perf_counter() - started) / len(posts))
    return statistics.median(passes) * 1e6


def main() -> dict[str, float]:
    ours = default_taxonomy()
    references = {"no negation": without_negation(ours), "English terms": english_terms_only(ours)}
    sets = {name: read_set(path) for name, path in SETS.items()}
    figures: dict[str, float] = {}
    print(f"Crisis types (words alone, each post in its own language; target macro-F1 {TARGET})")
    for name, items in sets.items():
        for lang in LANGUAGES:
            posts = sum(item["lang"] == lang for item in items)
            per_type = scores(ours, items, lang)
            print(f"\n  {name} set, {lang} ({posts} posts)")
            print(f"    {'type':<26} {'P':>5} {'R':>5} {'F1':>5}")
            for key, (precision, recall, f1) in per_type.items():
                print(f"    {key:<26} {precision:5.2f} {recall:5.2f} {f1:5.2f}")
            ours_macro = macro_f1(per_type)
            figures[f"{name} {lang}"] = ours_macro
            met = "meets" if ours_macro >= TARGET else "BELOW"
            print(f"    {'macro-F1, ours':<26} {'':>11} {ours_macro:5.3f}  ({met} the target {TARGET})")
            for label, reference in references.items():
                reference_macro = macro_f1(scores(reference, items, lang))
                print(f"    {'reference: ' + label:<26} {'':>11} {reference_macro:5.3f}")
    all_items = [item for items in sets.values() for item in items]
    speed = microseconds_per_post(ours, all_items)
    reference_speed = microseconds_per_post(references["no negation"], all_items)
    print(f"\n  time per post ({len(all_items)} posts, median of 3)")
    print(f"    ours                       {speed:8.1f} µs")
    print(f"    reference: no negation     {reference_speed:8.1f} µs")
    print()
    figures["microseconds_per_post"] = speed
    return figures


if __name__ == "__main__":
    main()
