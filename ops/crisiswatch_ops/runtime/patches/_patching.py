"""Replace an attribute once per process and remember the original.

Patches are installed for the life of the process (moto's classes are process-global) and are
idempotent: applying one twice is a no-op. Behaviour that needs a running local runtime (a Lambda
runner, an outbox...) is looked up at call time, so the same patch serves successive runtimes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_LOCK = threading.Lock()
_ORIGINALS: dict[tuple[int, str], Any] = {}
MARKER = "__crisiswatch_patch__"
#: Stands for "the owner had no such attribute" (a patch that adds one).
MISSING: Any = object()


def _current(owner: Any, name: str) -> Any:
    if isinstance(owner, type) and name in owner.__dict__:
        return owner.__dict__[name]
    return getattr(owner, name, MISSING)


def replace(owner: Any, name: str, replacement: Any) -> Any:
    """Set ``owner.name = replacement`` unless already done; return the original attribute.

    ``owner.__dict__`` is read directly so a classmethod/staticmethod is kept as the descriptor.
    """
    with _LOCK:
        key = (id(owner), name)
        if key in _ORIGINALS:
            return _ORIGINALS[key]
        original = _current(owner, name)
        target = replacement.__func__ if isinstance(replacement, classmethod | staticmethod) else replacement
        if not isinstance(target, property):
            setattr(target, MARKER, True)
        setattr(owner, name, replacement)
        _ORIGINALS[key] = original
        return original


def original(owner: Any, name: str) -> Any:
    """The attribute as it was before ``replace`` (the current one if never replaced)."""
    with _LOCK:
        key = (id(owner), name)
        if key in _ORIGINALS:
            return _ORIGINALS[key]
    return _current(owner, name)


def is_patched(owner: Any, name: str) -> bool:
    with _LOCK:
        return (id(owner), name) in _ORIGINALS


AfterCreate = Callable[[Any, dict[str, Any], str, str], None]
"""What a patch adds once moto created a resource: (the model made, its Properties, account, region)."""


def after_cfn_create(model: type, then: AfterCreate) -> None:
    """Make `model.create_from_cloudformation_json` run moto's own and then `then` (what moto leaves out)."""

    def create(
        cls: Any,
        /,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        moto_create = original(model, "create_from_cloudformation_json").__func__
        made = moto_create(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)
        then(made, cloudformation_json.get("Properties") or {}, account_id, region_name)
        return made

    replace(model, "create_from_cloudformation_json", classmethod(create))
