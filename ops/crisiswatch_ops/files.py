"""Files the command line reads and writes: never half-written, never over the file being read."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def built_template_path(project_root: Path) -> Path:
    """`sam build`'s template; the built layers (VADER's lexicon, the language model) stand beside it."""
    return project_root / ".aws-sam" / "build" / "template.yaml"


class OutputPathError(ValueError):
    """The output cannot be written where asked, and nothing was touched."""


def refuse_same_file(source: Path, target: Path) -> None:
    """Writing a result over its own input would destroy the input before it was read."""
    if target.exists() and source.exists() and os.path.samefile(source, target):
        raise OutputPathError(f"{target} is the input file itself: choose another output")


@contextlib.contextmanager
def replaced_atomically(target: Path, *, newline: str = "") -> Iterator[IO[str]]:
    """A text file that becomes `target` only when the block succeeds.

    It is written beside `target` (so the rename stays on one file system) and renamed over it at the
    end; if the block raises, the temporary file is removed and an existing `target` is left as it was.
    """
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputPathError(f"{directory} is not a folder")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on both paths
        "w", encoding="utf-8", newline=newline, dir=directory, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            yield handle
        # A temporary file is private (0600); the result gets the mode a plain `open` would have given.
        os.chmod(handle.name, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
