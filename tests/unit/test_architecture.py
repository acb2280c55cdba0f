"""The rooms' import rules, read from the source with `ast` (docs/architecture.md explains them).

Every import counts: at the top, inside a function, under `if TYPE_CHECKING:`. Relative imports are
resolved against the importing module's package, so `from ..response import x` is checked like
`from crisiswatch.domain.response import x`.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "layers" / "core"
PACKAGE = CORE / "crisiswatch"

KERNEL = frozenset({"clock", "errors", "speech"})
"""The shared kernel: `domain/clock.py`, `domain/errors.py` and `domain/speech.py` (the languages and
the interface texts are worded through), importable from every room."""
ROOMS = ("listening", "detection", "response", "review")
"""In flow order: a room imports only rooms before it (and the kernel), never one after it."""

WORLD = frozenset({"os", "subprocess", "socket", "ssl", "http", "urllib.request", "asyncio", "shutil"})
"""Standard modules that reach the environment, processes or the network: not for the domain."""
DOMAIN_THIRD_PARTY: frozenset[str] = frozenset()
"""None: the domain's models are dataclasses; the files are validated (pydantic) in config_files/."""
USECASE_OWN = ("crisiswatch.domain", "crisiswatch.ports", "crisiswatch.breaker", "crisiswatch.usecases")
PORTS_OWN = ("crisiswatch.domain", "crisiswatch.breaker")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(CORE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(source: str, module: str, is_package: bool = False) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import in `source`; `from a import b` yields `a.b`, which may be
    a submodule or a name: both are judged by their module prefix."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            for alias in node.names:
                yield node.lineno, origin if alias.name == "*" else f"{origin}.{alias.name}"


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def is_stdlib(name: str) -> bool:
    return name.split(".", maxsplit=1)[0] in sys.stdlib_module_names


def room_of(name: str) -> int | None:
    """0 for the kernel, 1.. for the rooms in flow order, None for a domain module in neither."""
    parts = name.split(".")
    if len(parts) > 2 and parts[2] in ROOMS:
        return ROOMS.index(parts[2]) + 1
    if name == "crisiswatch.domain" or parts[2] in KERNEL:
        return 0
    return None


def domain_violations(module: str, target: str) -> list[str]:
    here = room_of(module)
    if here is None:
        return [f"{module} is in no room and not in the kernel (domain.{', domain.'.join(sorted(KERNEL))})"]
    if within(target, "crisiswatch.domain"):
        there = room_of(target)
        if there is None:
            return [f"imports {target}, which is in no room and not in the kernel"]
        if there > here:
            where = "the kernel" if here == 0 else f"room {ROOMS[here - 1]}"
            return [f"{where} imports {target}, from a later room ({ROOMS[there - 1]})"]
        return []
    if is_stdlib(target):
        parts = target.split(".")
        if any(".".join(parts[:n]) in WORLD for n in range(1, len(parts) + 1)):
            return [f"imports {target}: the domain reads no environment, process or network"]
        return []
    if target.split(".", maxsplit=1)[0] in DOMAIN_THIRD_PARTY:
        return []
    return [f"imports {target}: the domain imports only the standard library and itself"]


Rule = Callable[[str, str], list[str]]


def allowed_only(own: tuple[str, ...], what: str) -> Rule:
    def check(module: str, target: str) -> list[str]:
        if is_stdlib(target) or any(within(target, prefix) for prefix in own):
            return []
        return [f"imports {target}: {what} import only the standard library and {', '.join(own)}"]

    return check


def rule_for(module: str) -> Rule | None:
    if within(module, "crisiswatch.domain"):
        return domain_violations
    if within(module, "crisiswatch.usecases"):
        return allowed_only(USECASE_OWN, "use cases")
    if module == "crisiswatch.ports":
        return allowed_only(PORTS_OWN, "the ports")
    return None


def violations(module: str, source: str, is_package: bool = False) -> list[str]:
    found = []
    for line, target in imported(source, module, is_package):
        if within(target, "crisiswatch_ops") or within(target, "tests"):
            found.append(f"{module}:{line} imports {target}: Lambda code never imports operator or test code")
            continue
        rule = rule_for(module)
        if rule is not None:
            found += [f"{module}:{line} {problem}" for problem in rule(module, target)]
    return found


def sources(*roots: Path) -> list[tuple[str, Path]]:
    return [
        (module_name(path) if CORE in path.parents else path.relative_to(ROOT).as_posix(), path)
        for root in roots
        for path in sorted(root.rglob("*.py"))
        if "__pycache__" not in path.parts
    ]


def test_the_shipped_code_keeps_every_import_rule() -> None:
    checked = sources(PACKAGE, ROOT / "functions")
    by_room = {room: [m for m, _ in checked if within(m, f"crisiswatch.domain.{room}")] for room in ROOMS}
    assert all(len(modules) >= 2 for modules in by_room.values()), by_room  # the walk found the rooms
    assert any(within(m, "crisiswatch.usecases") for m, _ in checked)
    homeless = [m for m, _ in checked if within(m, "crisiswatch.domain") and room_of(m) is None]
    assert homeless == [], "every domain module lives in a room or the kernel"
    problems = [
        problem
        for module, path in checked
        for problem in violations(module, path.read_text(encoding="utf-8"), path.name == "__init__.py")
    ]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        ("crisiswatch.domain.listening.mentions", "import boto3", "imports boto3"),
        ("crisiswatch.domain.detection.scoring", "from pynamodb.models import Model", "pynamodb.models"),
        ("crisiswatch.domain.review.report", "import requests", "imports requests"),
        ("crisiswatch.domain.listening.watchlist", "from pydantic import BaseModel", "imports pydantic"),
        ("crisiswatch.domain.response.links", "from ...adapters.tables import X", "crisiswatch.adapters"),
        ("crisiswatch.domain.response.links", "from ...usecases import plan", "crisiswatch.usecases.plan"),
        ("crisiswatch.domain.review.timeline", "from crisiswatch.web import pages", "crisiswatch.web"),
        ("crisiswatch.domain.clock", "import os", "reads no environment"),
        ("crisiswatch.domain.listening.language", "from ..response.incidents import X", "later room"),
        ("crisiswatch.domain.listening.language", "from .. import review", "crisiswatch.domain.review"),
        ("crisiswatch.domain.detection.detector", "from ..review.report import X", "later room"),
        ("crisiswatch.domain.response.policy", "from ..review import timeline", "later room"),
        ("crisiswatch.domain.errors", "from .listening.mentions import X", "the kernel imports"),
        ("crisiswatch.domain.scoring", "import re", "in no room and not in the kernel"),
        (
            "crisiswatch.domain.detection.detector",
            "from ..breaker import X",
            "in no room and not in the kernel",
        ),
        ("crisiswatch.usecases.fetching", "from ..adapters.dynamodb import X", "crisiswatch.adapters"),
        ("crisiswatch.usecases.ingest", "import boto3", "imports boto3"),
        ("crisiswatch.usecases.plan", "from crisiswatch.wiring import build", "crisiswatch.wiring"),
        ("crisiswatch.ports", "from .adapters.tables import X", "crisiswatch.adapters"),
        ("crisiswatch.adapters.dynamodb", "from crisiswatch_ops import stack", "operator or test code"),
    ],
)
def test_a_forbidden_import_is_caught(module: str, source: str, complaint: str) -> None:
    def indented(code: str) -> str:  # the same import hidden in a function and under TYPE_CHECKING
        return f"def f() -> None:\n    {code}\n\nif TYPE_CHECKING:\n    {code}\n"

    for text in (source, indented(source)):
        problems = violations(module, text)
        assert problems, text
        assert all(complaint in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("crisiswatch.domain.review.report", "from ..response.incidents import Incident"),
        ("crisiswatch.domain.review.report", "from ..detection.detector import BucketStats"),
        ("crisiswatch.domain.response.incidents", "from ..detection.severity import Severity"),
        ("crisiswatch.domain.detection.scoring", "from ..listening.mentions import Mention"),
        ("crisiswatch.domain.listening.mentions", "from ..clock import to_iso"),
        ("crisiswatch.domain.listening.mentions", "from .language import normalise_tag"),
        ("crisiswatch.domain.response.statements", "from importlib import resources"),
        ("crisiswatch.config_files.watchlist", "from pydantic import BaseModel"),
        ("crisiswatch.usecases.fetching", "from ..breaker import CircuitBreaker"),
        ("crisiswatch.usecases.fetching", "from ..ports import MentionSource"),
        ("crisiswatch.adapters.dynamodb", "from pynamodb.models import Model"),
    ],
)
def test_an_allowed_import_passes(module: str, source: str) -> None:
    assert violations(module, source) == []


POWERTOOLS_SET_UP = frozenset({"Logger", "Tracer", "Metrics"})


def test_every_handler_is_observed_through_one_module() -> None:
    """Powertools' logger, tracer and metrics are made once, in crisiswatch/observability.py."""
    made_elsewhere = [
        f"{name}:{node.lineno}"
        for name, path in sources(PACKAGE, ROOT / "functions")
        if name != "crisiswatch.observability"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (node.module or "").startswith("aws_lambda_powertools")
        and {alias.name for alias in node.names} & POWERTOOLS_SET_UP
    ]
    assert made_elsewhere == []
    handlers = sorted((ROOT / "functions").glob("*/app.py"))
    assert len(handlers) >= 10
    unobserved = [
        path.parent.name for path in handlers if "@entry_point(" not in path.read_text(encoding="utf-8")
    ]
    assert unobserved == []


TESTS = ROOT / "tests"
SHARED_TEST_CODE = ("tests.builders", "tests.fakes")


def borrowed_test_code(module: str, target: str) -> bool:
    """True when `module` (a test file) imports another test module or another layer's helpers; the
    builders, the fakes and its own layer's conftest and helpers are fine."""
    if not within(target, "tests") or any(within(target, shared) for shared in SHARED_TEST_CODE):
        return False
    parts, own = target.split("."), module.split(".")
    return len(parts) < 3 or parts[1] != own[1] or parts[2].startswith("test_")


def test_tests_share_builders_not_each_other() -> None:
    borrowed = [
        f"{module}:{line} imports {target}"
        for path in sorted(TESTS.rglob("*.py"))
        if "fixtures" not in path.parts
        for module in [".".join(path.relative_to(ROOT).with_suffix("").parts)]
        for line, target in imported(path.read_text(encoding="utf-8"), module)
        if borrowed_test_code(module, target)
    ]
    assert borrowed == []


@pytest.mark.parametrize(
    ("module", "target", "borrowed"),
    [
        ("tests.unit.test_fuzz", "tests.handlers.test_action_links.call", True),
        ("tests.unit.test_link_pages", "tests.unit.test_decisions.scene", True),
        ("tests.ops.test_cli", "tests.adapters.conftest.create_tables", True),
        ("tests.unit.test_fuzz", "tests.builders.action_links.call", False),
        ("tests.runtime.test_runtime_startup", "tests.runtime.conftest.DECISION_TIMEOUT_SECONDS", False),
        ("tests.unit.test_scoring", "tests.fakes.FixedSentiment", False),
    ],
)
def test_a_borrowed_test_module_is_caught(module: str, target: str, borrowed: bool) -> None:
    assert borrowed_test_code(module, target) is borrowed


MAX_LINES = 60
"""A function (handler or not) longer than this is doing more than one thing; split it."""
LONG_ALLOWED = {
    "ops/crisiswatch_ops/cli.py:build_parser": "the CLI's parser: one declaration per command, in order",
}


def long_functions(source: str, where: str) -> dict[str, int]:
    """`where:name` -> lines, for every function or method of `source` over MAX_LINES (decorators and
    docstring included: what a reader has to take in)."""
    found = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(decorator.lineno for decorator in node.decorator_list)])
            length = (node.end_lineno or node.lineno) - first + 1
            if length > MAX_LINES:
                found[f"{where}:{node.name}"] = length
    return found


def test_no_function_is_over_sixty_lines() -> None:
    found: dict[str, int] = {}
    for root in (PACKAGE, ROOT / "layers" / "sources", ROOT / "functions", ROOT / "ops"):
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                found |= long_functions(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    over = {name: lines for name, lines in found.items() if name not in LONG_ALLOWED}
    assert over == {}
    assert LONG_ALLOWED.keys() <= found.keys(), "an exception that is no longer long: take it off"


def test_a_long_function_is_found() -> None:
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_LINES - 1))  # with its `def`: sixty lines
    assert long_functions(f"def handler():\n{body}\n", "app.py") == {}
    decorated = f"@entry_point()\ndef handler():\n{body}\n"  # the decorator is read too
    assert long_functions(decorated, "app.py") == {"app.py:handler": MAX_LINES + 1}
