"""NAB realTweets (DEV split): the online mention-volume anomaly detector against published detectors.

Runs ``crisiswatch.domain.anomaly`` over the 5 DEV series into a temporary directory, scores it with the
shared NAB scorer (threshold optimised over the 5 files, as for the published figures) and prints the
three cost profiles beside ARTime, Numenta HTM and a robust z-score with a 24 h refractory period. Also
prints a leave-one-file-out check: the threshold is chosen on 4 files and the 5th is scored with it.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from crisiswatch.domain.anomaly import MentionAnomalyDetector, score_series

DATA = Path("/work/shared/data/nab-realtweets-dev")
SCORER = Path("/work/shared/tools/nab_score.py")
WINDOWS = DATA / "combined_windows_dev.json"
FILES = ["AAPL", "CVS", "FB", "GOOG", "UPS"]
PROFILES = ["standard", "reward_low_FP_rate", "reward_low_FN_rate"]
PUBLISHED = {"ARTime": 82.8, "Numenta HTM": 73.7, "robust z, 24 h refractory": 61.5}


def _read(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="") as fh:
        return [(row["timestamp"], row["value"]) for row in csv.DictReader(fh)]


def _value(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def run_detector(out_dir: Path) -> None:
    detector = MentionAnomalyDetector()
    for name in FILES:
        fname = f"Twitter_volume_{name}.csv"
        rows = _read(DATA / fname)
        scores = score_series([(datetime.fromisoformat(t), _value(v)) for t, v in rows], detector)
        with (out_dir / fname).open("w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["timestamp", "value", "anomaly_score"])
            for (t, v), s in zip(rows, scores, strict=True):
                writer.writerow([t, v, repr(s)])


def _score(out_dir: Path, files: list[str], profile: str, threshold: float | None = None) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(SCORER),
        str(out_dir),
        str(WINDOWS),
        "--json",
        "--profile",
        profile,
        "--files",
        ",".join(f"Twitter_volume_{f}.csv" for f in files),
    ]
    if threshold is not None:
        cmd += ["--threshold", repr(threshold)]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def main() -> int:
    print("NAB realTweets DEV (5 files, 17 windows), threshold optimised over the files scored\n")
    with tempfile.TemporaryDirectory(prefix="nab-") as tmp:
        out = Path(tmp)
        run_detector(out)
        ours = {p: _score(out, FILES, p) for p in PROFILES}
        print(f"{'detector':30} {'standard':>9} {'low FP':>9} {'low FN':>9}")
        print(
            f"{'CrisisWatch (this repo)':30} " + " ".join(f"{ours[p]['normalized']:9.1f}" for p in PROFILES)
        )
        for name, published in PUBLISHED.items():
            print(f"{name:30} {published:9.1f} {'-':>9} {'-':>9}")
        std = ours["standard"]
        print(
            f"\nstandard: threshold {std['threshold']}, TP windows {std['tp_windows']}/{std['windows']}, "
            f"FP detections {std['fp']}"
        )
        print("\nleave-one-file-out (standard; threshold tuned on the other 4, applied to this one):")
        for held in FILES:
            rest = [f for f in FILES if f != held]
            thr = _score(out, rest, "standard")["threshold"]
            fixed = float("inf") if thr is None else float(str(thr))
            res = _score(out, [held], "standard", threshold=fixed)
            print(
                f"  {held:5} threshold {fixed:.4f}  score {res['normalized']:6.1f}  "
                f"TP {res['tp_windows']}/{res['windows']}  FP {res['fp']}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
