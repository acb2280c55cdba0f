"""``sam build`` as a subprocess: the same artifacts ``sam deploy`` would upload."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ..files import built_template_path
from .constants import get_logger

LOG = get_logger("build")


class BuildError(RuntimeError):
    """``sam build`` failed; the message carries its output."""


def venv_bin_dir() -> Path:
    """The bin dir of the interpreter running us (``sam`` and ``python3.11`` live there)."""
    return Path(sys.executable).parent


def sam_build(project_root: Path, *, timeout: float = 600.0, cached: bool = True) -> float:
    """Run ``sam build`` in ``project_root``; return how long it took in seconds.

    ``sam`` needs ``python3.11`` on PATH to pick the Python builder, so the interpreter's own bin
    dir goes first. Telemetry is off: the runtime must work with no network.
    """
    bin_dir = venv_bin_dir()
    sam = bin_dir / "sam"
    if not sam.exists():
        raise BuildError(f"sam CLI not found at {sam}; install aws-sam-cli into this environment")
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["SAM_CLI_TELEMETRY"] = "0"
    command = [str(sam), "build", "--template-file", "template.yaml"]
    if cached:
        command.append("--cached")
    started = time.monotonic()
    LOG.info("running %s in %s", " ".join(command), project_root)
    completed = subprocess.run(
        command,
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise BuildError(
            f"sam build failed with exit code {completed.returncode} in {project_root}:\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    if not built_template_path(project_root).exists():
        raise BuildError(f"sam build succeeded but {built_template_path(project_root)} is missing")
    LOG.info("sam build finished in %.2fs", elapsed)
    return elapsed
