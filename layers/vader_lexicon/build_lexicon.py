"""Copy vader_lexicon.txt out of the vaderSentiment wheel into the zip layout NLTK expects."""

import sys
import zipfile
from pathlib import Path

LEXICON_IN_WHEEL = "vaderSentiment/vader_lexicon.txt"
LEXICON_IN_ZIP = "vader_lexicon/vader_lexicon.txt"


def main(wheel_dir: str, target: str) -> None:
    wheels = sorted(Path(wheel_dir).glob("vaderSentiment-*.whl"))
    if not wheels:
        raise SystemExit(f"no vaderSentiment wheel in {wheel_dir}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        lexicon = wheel.read(LEXICON_IN_WHEEL)
    if len(lexicon.splitlines()) < 7000:
        raise SystemExit("the lexicon looks truncated")
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(LEXICON_IN_ZIP, lexicon)
    print(f"wrote {target} ({len(lexicon.splitlines())} lexicon entries)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
