"""Fixed identity of the local stand-in for AWS: one fake account, one region, fake credentials.

The values are deliberately obviously fake. They are passed explicitly to every client the runtime
creates (never exported to ``os.environ``), so nothing leaks into the caller's shell semantics.
"""

from __future__ import annotations

import logging

REGION = "us-east-1"
PARTITION = "aws"
#: moto's default account: boto3 clients with a non-numeric access key land in it.
ACCOUNT_ID = "123456789012"
ACCESS_KEY_ID = "testing"
SECRET_ACCESS_KEY = "testing"  # noqa: S105 - a fake credential for the local emulator
SESSION_TOKEN = "testing"  # noqa: S105

#: Bucket that holds the deployed artifacts (zips, state machine definitions) inside moto.
ARTIFACT_BUCKET = "crisiswatch-local-artifacts"

LOGGER_NAME = "crisiswatch.runtime"


def get_logger(child: str | None = None) -> logging.Logger:
    """The runtime's logger (quiet by default: it only gets a NullHandler)."""
    logger = logging.getLogger(LOGGER_NAME if child is None else f"{LOGGER_NAME}.{child}")
    return logger


logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())
