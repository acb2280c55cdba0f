"""Handler tests call the real `lambda_handler` with the shared events and in-memory services."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest

from tests.builders.lambdas import FakeLambdaContext
from tests.fakes import FakeServices


@pytest.fixture
def context() -> FakeLambdaContext:
    return FakeLambdaContext()


@pytest.fixture
def services() -> FakeServices:
    return FakeServices()


class LogCapture:
    def __init__(self) -> None:
        self.stream = io.StringIO()

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def logs() -> Iterator[Callable[[ModuleType], LogCapture]]:
    """Capture what a function's Powertools logger writes, formatted exactly as it reaches CloudWatch."""
    attached: list[tuple[logging.Logger, logging.Handler]] = []

    def capture(module: ModuleType) -> LogCapture:
        capture = LogCapture()
        handler = logging.StreamHandler(capture.stream)
        handler.setFormatter(module.logger.registered_formatter)
        stdlib_logger: logging.Logger = module.logger._logger
        stdlib_logger.addHandler(handler)
        attached.append((stdlib_logger, handler))
        return capture

    yield capture
    for stdlib_logger, handler in attached:
        stdlib_logger.removeHandler(handler)
