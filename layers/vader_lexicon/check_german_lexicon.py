"""Validate the German sentiment lexicon at build time (run by the VaderLexiconLayer's Makefile).

A typo in the lexicon must fail the deploy with every problem listed, not the scoring function. With a
second argument, also write the stem index there (german_lexicon.tsv.stems.json: the scoring function
then loads the lexicon without stemming it; a stale or missing index only costs load time).

    .venv/bin/python layers/vader_lexicon/check_german_lexicon.py layers/vader_lexicon/german_lexicon.tsv
"""

import sys


def main(path: str, index: str | None = None) -> int:
    try:
        from crisiswatch.adapters.german_lexicon import (  # noqa: PLC0415
            GermanLexiconError,
            load_german_lexicon,
            write_stem_index,
        )
    except ImportError:
        print(
            "german lexicon: not validated (build from the project's .venv, e.g. `make build`, to check it)"
        )
        return 0
    try:
        lexicon = load_german_lexicon(path)
    except GermanLexiconError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"german lexicon: {lexicon.entries} entries ({len(lexicon.forms)} inflecting words, "
        f"{len(lexicon.exact)} exact forms, {len(lexicon.phrases)} phrases, {len(lexicon.symbols)} emoji "
        "and emoticons)"
    )
    if index:
        print(f"german lexicon: stem index written to {write_stem_index(path, index)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "german_lexicon.tsv", *sys.argv[2:3]))
