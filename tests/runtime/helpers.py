"""Small builders shared by the runtime tests."""

from __future__ import annotations

import io
import textwrap
import zipfile
from pathlib import Path

#: Patch self-tests create their moto resources in these accounts, never in the runtime's.
ISOLATED_ACCOUNT = "000000000042"


def zip_bytes(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            data = textwrap.dedent(content).encode() if isinstance(content, str) else content
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_tree(root: Path, prefix: str) -> dict[str, bytes]:
    """Files of an installed package, to ship in a test layer (``python/<package>/...``)."""
    return {
        f"{prefix}/{path.relative_to(root.parent).as_posix()}": path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
