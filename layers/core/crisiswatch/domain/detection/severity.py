"""How bad a detected crisis is: the detector grades it, the policy routes by it, the incident carries it."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"


SEVERITY_ORDER = (Severity.SEV3, Severity.SEV2, Severity.SEV1)
"""Least severe first."""


def more_severe(severity: Severity, than: Severity) -> bool:
    return SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(than)
