"""fastText's language identification model (lid.176.ftz, 176 languages) through fasttext-predict.

Both ship in the LanguageLayer (`layers/language/`): the model at LANGUAGE_MODEL_FILE, never downloaded.
The library is imported and the model loaded on the first text, not when a handler is imported: a
function pays for it (about 0.1 s) only if it has something to identify.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

LOG = logging.getLogger(__name__)

MIN_PROBABILITY = 0.01
"""Guesses below 1 % are dropped: they never decide, and the C++ side sorts fewer of them."""
_LABEL = len("__label__")

Predict = Callable[[str, int, float, str], list[tuple[float, str]]]


class FastTextIdentifier:
    """A `LanguageIdentifier`: ISO 639 codes (fastText's labels) with their probabilities."""

    def __init__(self, model_file: str) -> None:
        self._model_file = model_file
        self._predict: Predict | None = None
        self._failed = False
        self._lock = threading.Lock()

    def _load(self) -> Predict | None:
        with self._lock:
            if self._predict is None and not self._failed:
                try:
                    import fasttext  # noqa: PLC0415 - only when there is something to identify

                    model: Any = fasttext.load_model(self._model_file)
                    self._predict = model.f.predict  # the C++ call itself: no per-call Python wrapper
                except Exception:
                    # A missing layer or model must not stop ingestion: mentions are stored "und" and
                    # the error is logged once.
                    LOG.exception("Language identification is off: cannot load %s", self._model_file)
                    self._failed = True
        return self._predict

    def load(self) -> bool:
        """Load the model now (a warm-up); False if it cannot be loaded."""
        return self._load() is not None

    def guesses(self, text: str) -> list[tuple[str, float]]:
        predict = self._predict or self._load()
        if predict is None:
            return []
        if "\n" in text or "\r" in text:
            text = " ".join(text.split())  # the model reads one line
        try:
            pairs = predict(text + "\n", -1, MIN_PROBABILITY, "replace")
        except (TypeError, UnicodeError):
            # A lone surrogate ("\ud800", valid JSON) cannot cross into C++ as UTF-8.
            clean = text.encode("utf-8", errors="replace").decode("utf-8")
            pairs = predict(clean + "\n", -1, MIN_PROBABILITY, "replace")
        return [(label[_LABEL:], probability) for probability, label in pairs]
