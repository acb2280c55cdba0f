"""``LocalRuntime``: the whole stand-in for AWS, in this process, for one SAM application.

Start-up order matters: moto and the patches first (deploying creates functions, subscriptions and
state machines through them), the API server before the deploy (its URL is the ``PublicBaseUrl``
parameter when the template declares one), then the deploy, then the event sources (stream
pollers, scheduler) that read what the deploy created.
"""

from __future__ import annotations

import base64
import json
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from ..files import built_template_path
from . import patches
from .alarms import AlarmEvaluator
from .api_gateway import ApiGateway, routes_from_template
from .build import sam_build
from .constants import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, get_logger
from .deploy import DeployResult, StackRequest, deploy
from .lambda_runner import LambdaRunner
from .metrics import QueueDepths
from .outbox import Outbox
from .patches import lambda_async_invoke, lambda_invoke, sns_outbox
from .scheduler import Scheduler, VirtualClock
from .server import MotoServer, make_client
from .stepfunctions import StepFunctionsClock
from .streams import StreamPollers
from .template import declared_parameters, load_template

LOG = get_logger()

PUBLIC_BASE_URL_PARAMETER = "PublicBaseUrl"
T = TypeVar("T")


@dataclass(frozen=True)
class RuntimeOptions:
    """How a `LocalRuntime` starts: the template's parameter overrides, the ports (0: any free one),
    whether to `sam build` first and to fire schedules, the stack's name, and the virtual clock (its
    start, default now, and how much faster than real time it runs)."""

    parameter_overrides: Mapping[str, str] = field(default_factory=dict)
    moto_port: int = 0
    api_port: int = 0
    build: bool = True
    speedup: float = 1.0
    start_scheduler: bool = True
    stack_name: str = "crisiswatch"
    clock_start: datetime | None = None


class LocalRuntime:
    """Build, emulate and deploy a SAM app locally; see the package docstring for the pieces."""

    def __init__(self, project_root: Path, state_dir: Path, options: RuntimeOptions | None = None) -> None:
        options = options or RuntimeOptions()
        self.project_root = Path(project_root).resolve()
        self.state_dir = Path(state_dir).resolve()
        self.parameter_overrides = dict(options.parameter_overrides)
        self.stack_name = options.stack_name
        self._moto_port = options.moto_port
        self._api_port = options.api_port
        self._build = options.build
        self._start_scheduler = options.start_scheduler
        self._clock = VirtualClock(start=options.clock_start, speedup=options.speedup)
        self._lock = threading.Lock()
        self._started = False
        self._server: MotoServer | None = None
        self._runner: LambdaRunner | None = None
        self._api: ApiGateway | None = None
        self._streams: StreamPollers | None = None
        self._scheduler: Scheduler | None = None
        self._queue_depths: QueueDepths | None = None
        self._alarms: AlarmEvaluator | None = None
        self._deployment: DeployResult | None = None
        self._lambda_client: Any = None
        self.outbox = Outbox(self.state_dir / "outbox.jsonl")
        self.stepfunctions = StepFunctionsClock()
        """Ends an execution's wait as if its time had run out: tests and demos drive the policy clock."""
        self.timings: dict[str, float] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalRuntime:
        """Build, start moto, patch, deploy and start the event sources (no-op if started)."""
        with self._lock:
            if self._started:
                return self
            try:
                self._start()
            except BaseException:
                self._stop()
                raise
            self._started = True
        return self

    def _start(self) -> None:
        began = time.monotonic()
        self._prepare_state_dir()
        self._timed("build", self._ensure_built)
        server, api = self._timed("moto", self._start_moto)
        deployment = self._timed("deploy", lambda: self._deploy_stack(server, api))
        for phase, seconds in deployment.timings.items():
            self.timings[f"deploy.{phase}"] = seconds
        self._timed("event_sources", lambda: self._start_event_sources(server, api, deployment))
        self.timings["total"] = time.monotonic() - began
        self._write_state_file()
        LOG.info(
            "local runtime ready in %.2fs: moto %s, API %s",
            self.timings["total"],
            self.endpoint_url,
            self.api_url,
        )

    def _timed(self, phase: str, step: Callable[[], T]) -> T:
        """Run one phase of the start-up, its seconds kept in `timings`."""
        mark = time.monotonic()
        result = step()
        self.timings[phase] = time.monotonic() - mark
        return result

    def _ensure_built(self) -> None:
        if self._build:
            sam_build(self.project_root)
        elif not built_template_path(self.project_root).exists():
            raise FileNotFoundError(
                f"{built_template_path(self.project_root)} is missing: start with build=True"
            )

    def _start_moto(self) -> tuple[MotoServer, ApiGateway]:
        """moto with its patches, Lambda's workers and the SNS outbox, and the API's HTTP server."""
        patches.apply_all()
        self._server = server = MotoServer(self._moto_port)
        server.start()
        self._runner = LambdaRunner(
            self.state_dir / "lambda", server.endpoint_url, log_dir=self.state_dir / "logs"
        )
        lambda_invoke.install(self._runner)
        sns_outbox.install(self.outbox)
        self._api = api = ApiGateway(server.endpoint_url, self._api_port)
        api.start()
        return server, api

    def _deploy_stack(self, server: MotoServer, api: ApiGateway) -> DeployResult:
        build_dir = built_template_path(self.project_root).parent
        overrides = dict(self.parameter_overrides)
        declared = _declared_parameters(build_dir / "template.yaml")
        if PUBLIC_BASE_URL_PARAMETER in declared and PUBLIC_BASE_URL_PARAMETER not in overrides:
            overrides[PUBLIC_BASE_URL_PARAMETER] = api.url
        self._deployment = deploy(
            build_dir,
            server.client("s3"),
            server.client("cloudformation", retries={"total_max_attempts": 1}),
            StackRequest(self.stack_name, overrides, api.url),
            zip_cache=self.state_dir / "artifacts",
        )
        return self._deployment

    def _start_event_sources(self, server: MotoServer, api: ApiGateway, deployment: DeployResult) -> None:
        """The API's routes, stream pollers, queue metrics, alarms and the schedule."""
        api.set_routes(
            routes_from_template(deployment.sam_template, deployment.resources, deployment.parameters)
        )
        self._streams = StreamPollers(server.endpoint_url)
        self._streams.start()
        self._queue_depths = QueueDepths(server.endpoint_url)
        self._queue_depths.sample()
        self._queue_depths.start()
        self._alarms = AlarmEvaluator(server.endpoint_url)
        self._alarms.start()
        self._scheduler = Scheduler(server.endpoint_url, clock=self._clock, resolve_name=self._physical_name)
        if self._start_scheduler:
            self._scheduler.start()
        else:
            self._scheduler.refresh()

    def stop(self) -> None:
        """Stop everything this runtime started; moto's state is discarded."""
        with self._lock:
            self._stop()
            self._started = False

    def _stop(self) -> None:
        # Workers first: an invocation in flight then ends at once (as a crashed environment) instead
        # of holding the scheduler or a stream poller until the function's own timeout.
        steps: list[Callable[[], object]] = [
            lambda: self._runner.close() if self._runner else None,
            lambda: self._scheduler.stop() if self._scheduler else None,
            lambda: self._streams.stop() if self._streams else None,
            lambda: self._queue_depths.stop() if self._queue_depths else None,
            lambda: self._alarms.stop() if self._alarms else None,
            lambda: self._api.stop() if self._api else None,
            lambda: lambda_invoke.install(None),
            lambda: sns_outbox.install(None),
            lambda: self._server.stop() if self._server else None,
        ]
        for step in steps:
            try:
                step()
            except Exception:
                LOG.warning("error while stopping the local runtime", exc_info=True)
        self._scheduler = self._streams = None
        self._queue_depths = None
        self._alarms = None
        self._api = None
        self._runner = None
        self._server = None
        self._lambda_client = None

    def __enter__(self) -> LocalRuntime:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ what callers use
    @property
    def endpoint_url(self) -> str:
        return self._require(self._server, "moto server").endpoint_url

    @property
    def api_url(self) -> str:
        return self._require(self._api, "API server").url

    @property
    def outputs(self) -> dict[str, str]:
        return dict(self._require(self._deployment, "deployment").outputs)

    @property
    def resources(self) -> dict[str, str]:
        return dict(self._require(self._deployment, "deployment").resources)

    @property
    def deployment(self) -> DeployResult:
        return self._require(self._deployment, "deployment")

    @property
    def scheduler(self) -> Scheduler:
        return self._require(self._scheduler, "scheduler")

    @property
    def streams(self) -> StreamPollers:
        return self._require(self._streams, "stream pollers")

    @property
    def queue_depths(self) -> QueueDepths:
        """SQS queue depths as ``AWS/SQS`` metrics; ``sample()`` publishes the current ones at once."""
        return self._require(self._queue_depths, "queue depth metrics")

    @property
    def alarms(self) -> AlarmEvaluator:
        """Evaluates the stack's alarms every few seconds; ``evaluate()`` does it at once."""
        return self._require(self._alarms, "alarm evaluator")

    @property
    def lambda_runner(self) -> LambdaRunner:
        return self._require(self._runner, "Lambda runner")

    @property
    def api(self) -> ApiGateway:
        return self._require(self._api, "API server")

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` against the local moto, with the fake identity."""
        return make_client(self.endpoint_url, service)

    def invoke(
        self, logical_id_or_name: str, event: dict[str, Any]
    ) -> tuple[dict[str, Any] | str, bool, str]:
        """Invoke a function synchronously through moto's Lambda API.

        Returns (payload parsed from JSON when it is JSON, errored, the log's last 4 KB like AWS's
        ``LogResult``). The full log is in ``<state_dir>/logs/<function>.log``.
        """
        if self._lambda_client is None:
            self._lambda_client = make_client(
                self.endpoint_url, "lambda", read_timeout=960, retries={"total_max_attempts": 1}
            )
        response = self._lambda_client.invoke(
            FunctionName=self._physical_name(logical_id_or_name),
            InvocationType="RequestResponse",
            LogType="Tail",
            Payload=json.dumps(event).encode("utf-8"),
        )
        raw = response["Payload"].read().decode("utf-8")
        try:
            payload: dict[str, Any] | str = json.loads(raw)
        except ValueError:
            payload = raw
        logs = response.get("LogResult")
        return (
            payload,
            bool(response.get("FunctionError")),
            base64.b64decode(logs).decode("utf-8") if logs else "",
        )

    def wait_until_idle(self, timeout: float = 60.0) -> None:
        """Wait until background Lambda invocations and stream pollers have nothing left to do.

        A fetch fanned out asynchronously writes mentions whose stream records then need scoring, so
        both are awaited, twice over, until neither has work.
        """
        deadline = time.monotonic() + timeout
        while True:
            lambda_async_invoke.wait_until_idle(max(deadline - time.monotonic(), 0.1))
            self.streams.wait_until_idle(max(deadline - time.monotonic(), 0.1))
            if lambda_async_invoke.in_flight() == 0:
                return

    def environ(self) -> dict[str, str]:
        """Environment variables that point a CLI, a script or a person's shell at this runtime."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "CRISISWATCH_STACK_NAME": self.stack_name,
            "CRISISWATCH_API_URL": self.api_url,
        }

    # ------------------------------------------------------------------ helpers
    def _physical_name(self, name: str) -> str:
        deployment = self._deployment
        if deployment is not None and name in deployment.resources:
            return deployment.resources[name]
        return name

    def _prepare_state_dir(self) -> None:
        """Fresh logs and outbox per start; extracted code and layers are kept (keyed by sha256)."""
        self.state_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.state_dir / "logs", ignore_errors=True)
        (self.state_dir / "outbox.jsonl").unlink(missing_ok=True)
        self.outbox.clear()

    def _write_state_file(self) -> None:
        """``<state_dir>/runtime.json``: how another process finds this runtime."""
        deployment = self.deployment
        state = {
            "endpoint_url": self.endpoint_url,
            "api_url": self.api_url,
            "stack_name": self.stack_name,
            "environ": self.environ(),
            "outputs": deployment.outputs,
            "resources": deployment.resources,
            "timings": self.timings,
        }
        (self.state_dir / "runtime.json").write_text(
            json.dumps(state, indent=2, sort_keys=True), encoding="utf-8"
        )

    @staticmethod
    def _require(value: T | None, what: str) -> T:
        if value is None:
            raise RuntimeError(f"the local runtime is not started (no {what})")
        return value


def _declared_parameters(template_path: Path) -> set[str]:
    return set(declared_parameters(load_template(template_path)))
