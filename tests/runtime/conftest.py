"""Fixtures for the embedded runtime's tests.

``runtime`` is one LocalRuntime for this test package (start-up is the expensive part; package scope
so it is stopped before other packages start runtimes of their own: moto allows one per process),
running the fixture SAM app copied to a temporary directory so ``sam build`` never writes into the
repository.
Patch self-tests use their own moto account ids, so they never touch the shared runtime's state.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT / "ops") not in sys.path:  # the package is not installed in the venv
    sys.path.insert(0, str(REPO_ROOT / "ops"))

from crisiswatch_ops.runtime import LocalRuntime, RuntimeOptions  # noqa: E402
from crisiswatch_ops.runtime.patches import apply_all, lambda_invoke, sns_outbox  # noqa: E402

FIXTURE_APP = Path(__file__).parent / "fixtures" / "app"
#: An hour: a decision is never late however slow the machine; the timeout test ends the wait itself
#: (``rt.stepfunctions.expire_wait``), and the patch's self-test checks that short waits end on time.
DECISION_TIMEOUT_SECONDS = 3600


@pytest.fixture(scope="session", autouse=True)
def _moto_patches() -> None:
    """The patches are process-wide and idempotent; self-tests check them as installed."""
    apply_all()


@pytest.fixture(scope="package")
def fixture_app(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fixture-app") / "app"
    shutil.copytree(FIXTURE_APP, target, ignore=shutil.ignore_patterns(".aws-sam", "__pycache__"))
    return target


@pytest.fixture(scope="package")
def runtime(fixture_app: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    rt = LocalRuntime(
        fixture_app,
        tmp_path_factory.mktemp("runtime-state"),
        RuntimeOptions(
            parameter_overrides={"DecisionTimeoutSeconds": str(DECISION_TIMEOUT_SECONDS)},
            start_scheduler=True,
        ),
    )
    rt.start()
    rt.scheduler.pause()  # nothing fires on its own unless a test resumes the clock
    rt.alarms.pause()  # alarms change (and notify) only when a test evaluates them
    try:
        yield rt
    finally:
        rt.stop()


@contextlib.contextmanager
def isolated_hooks(runner: object | None = None, sink: object | None = None) -> Iterator[None]:
    """Install a test's runner/outbox and put back whatever was installed (the shared runtime's)."""
    previous_runner, previous_sink = lambda_invoke.installed(), sns_outbox.installed()
    lambda_invoke.install(runner)  # type: ignore[arg-type]
    sns_outbox.install(sink)  # type: ignore[arg-type]
    try:
        yield
    finally:
        lambda_invoke.install(previous_runner)
        sns_outbox.install(previous_sink)
