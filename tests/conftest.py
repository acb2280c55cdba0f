"""Shared test setup: Powertools works offline, and every test starts from a clean environment."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# The builders assert on behalf of the tests that use them: their failures should explain themselves too.
pytest.register_assert_rewrite("tests.builders")

# Powertools reads these when a handler module creates its Tracer/Metrics at import, which may happen
# before any fixture runs; the autouse fixture below pins them for each test as well.
POWERTOOLS_ENV = {
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_METRICS_NAMESPACE": "CrisisWatchTests",
    "POWERTOOLS_SERVICE_NAME": "crisiswatch-tests",
    "POWERTOOLS_LOG_LEVEL": "INFO",  # as deployed: "nothing secret is logged" must be checked at INFO
}
for _key, _value in POWERTOOLS_ENV.items():
    os.environ.setdefault(_key, _value)


@pytest.fixture(autouse=True)
def _powertools_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in POWERTOOLS_ENV.items():
        monkeypatch.setenv(key, value)
    yield


@pytest.fixture
def aws_offline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and a fixed region for moto; nothing can reach a real account or endpoint."""
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    yield
