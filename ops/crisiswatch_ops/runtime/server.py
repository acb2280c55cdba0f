"""moto in server mode, in this process, on 127.0.0.1.

Server mode (not the decorator) matters: Lambda workers are subprocesses and the Step Functions
engine calls other services over HTTP, so every participant must reach the same state through a
socket. The backends are module-level in moto, so there can be one such server per process.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from typing import Any

import boto3
import botocore.session
from botocore.config import Config
from moto.server import ThreadedMotoServer

from .constants import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, get_logger

LOG = get_logger("server")

#: Turns on moto's Step Functions interpreter (a port of LocalStack's) instead of the inert model.
MOTO_CONFIG: dict[str, Any] = {"stepfunctions": {"execute_state_machine": True}}

_ACTIVE_LOCK = threading.Lock()
_ACTIVE: MotoServer | None = None


class MotoServer:
    """A started ``ThreadedMotoServer`` plus clients pointed at it."""

    def __init__(self, port: int = 0) -> None:
        self._requested_port = port
        self._server: ThreadedMotoServer | None = None
        self.port = 0
        self._previous_moto_port: str | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        global _ACTIVE  # noqa: PLW0603 - moto's backends are per process, so is this guard
        with _ACTIVE_LOCK:
            if _ACTIVE is not None:
                raise RuntimeError(
                    "a moto server is already running in this process (moto keeps its state in module "
                    "globals, so two local runtimes cannot coexist); stop the other one first"
                )
            _ACTIVE = self
        try:
            _quiet_werkzeug()
            self._server = ThreadedMotoServer(
                ip_address="127.0.0.1", port=self._requested_port, verbose=False
            )
            self._server.start()
            self.port = int(self._server.get_host_and_port()[1])
            # The Step Functions engine and moto's own integrations find the server through MOTO_PORT.
            self._previous_moto_port = os.environ.get("MOTO_PORT")
            os.environ["MOTO_PORT"] = str(self.port)
            self._post("/moto-api/reset", None)  # a clean slate even if a previous runtime ran here
            self._post("/moto-api/config", MOTO_CONFIG)
            LOG.info("moto server listening on %s", self.endpoint_url)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        global _ACTIVE  # noqa: PLW0603
        if self._server is not None:
            try:
                self._post("/moto-api/reset", None)  # drop the state: executions, workers' data
            except OSError:
                LOG.debug("moto reset on stop failed", exc_info=True)
            self._server.stop()
            self._server = None
        if self._previous_moto_port is None:
            os.environ.pop("MOTO_PORT", None)
        else:
            os.environ["MOTO_PORT"] = self._previous_moto_port
        with _ACTIVE_LOCK:
            if _ACTIVE is self:
                _ACTIVE = None

    def _post(self, path: str, body: dict[str, Any] | None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        request = urllib.request.Request(f"{self.endpoint_url}{path}", data=data, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own loopback server
            response.read()

    def client(self, service: str, **config: Any) -> Any:
        """A boto3 client for ``service`` against this server, with the fake identity."""
        return make_client(self.endpoint_url, service, **config)


_SESSION_LOCK = threading.Lock()
_SESSION: boto3.session.Session | None = None


def make_client(endpoint_url: str, service: str, **config: Any) -> Any:
    """boto3 client with explicit endpoint, region and credentials (nothing read from the environment).

    One shared session (guarded: sessions are not thread-safe) so service models load once.
    """
    global _SESSION  # noqa: PLW0603 - a cache
    retries = config.pop("retries", {"max_attempts": 3, "mode": "standard"})
    with _SESSION_LOCK:
        if _SESSION is None:
            _SESSION = boto3.session.Session(botocore_session=_isolated_botocore_session())
        return _SESSION.client(
            service,  # type: ignore[call-overload]
            endpoint_url=endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY_ID,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            # proxies={}: a loopback server must never be reached through an HTTP(S)_PROXY
            config=Config(retries=retries, proxies={}, **config),
        )


def _isolated_botocore_session() -> botocore.session.Session:
    """A botocore session blind to the caller's AWS_PROFILE and ~/.aws files.

    The local runtime must neither pick up a real profile's settings nor fail on a profile that only
    exists on someone else's machine.
    """
    session = botocore.session.Session()
    session.set_config_variable("profile", None)
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    return session


def _quiet_werkzeug() -> None:
    """werkzeug logs every request at INFO; keep it quiet unless the caller configured it."""
    werkzeug_logger = logging.getLogger("werkzeug")
    if werkzeug_logger.level == logging.NOTSET:
        werkzeug_logger.setLevel(logging.WARNING)
