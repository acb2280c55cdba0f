"""Runs Lambda functions deployed in moto as warm Python worker processes (no Docker).

Each function configuration (ARN + code sha + layers + environment + handler + limits) gets a pool
of long-lived workers, like Lambda's execution environments: the first invocation pays the init
(module import), later ones reuse it. A busy worker never takes a second request: a concurrent
invocation starts another worker (Lambda scales out), up to ``max_workers_per_function``.

Layers are extracted, in order, into one directory per layer combination, which stands in for
``/opt`` (a real ``/opt`` is not writable here and would be shared by every function). Lambda puts
``/opt/python`` and ``/opt/python/lib/python3.X/site-packages`` on ``sys.path``; so do we, with the
extracted directory. Environment variable values that start with ``/opt/`` (a data file shipped in
a layer, say) are rewritten to point into that directory: this is the one visible difference from
Lambda, and it keeps layer paths in templates working unchanged.

The interpreter runs isolated (``-I -S``): it sees the function code, its layers and an "SDK"
directory holding only boto3 and its dependencies, as Lambda's Python runtime does. A dependency
that is missing from the function's package or layers fails here just as it would in AWS.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import io
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from .constants import ACCESS_KEY_ID, REGION, SECRET_ACCESS_KEY, SESSION_TOKEN, get_logger

LOG = get_logger("lambda")

BOOTSTRAP = Path(__file__).with_name("worker_bootstrap.py")
#: Lambda gives init up to 10 s regardless of the function timeout.
INIT_TIMEOUT_SECONDS = 10.0
#: ``LogResult`` carries the last 4 KB of the log, as in AWS (it travels in an HTTP header).
LOG_TAIL_BYTES = 4096
#: Environment variables Lambda sets itself; a function's own variables cannot override them.
RESERVED_ENV = frozenset(
    {
        "_HANDLER",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


@dataclass(frozen=True)
class Invocation:
    """What one invocation returned, in moto's ``_invoke_lambda`` shape plus the full log."""

    payload: str
    errored: bool
    logs: str
    request_id: str
    cold_start: bool = False
    duration_ms: float = 0.0

    @property
    def log_tail(self) -> str:
        encoded = self.logs.encode("utf-8")
        if len(encoded) <= LOG_TAIL_BYTES:
            return self.logs
        return encoded[-LOG_TAIL_BYTES:].decode("utf-8", errors="ignore")


@dataclass(frozen=True)
class LayerCode:
    arn: str
    sha256: str
    zip_bytes: bytes = field(repr=False)


@dataclass(frozen=True)
class FunctionCode:
    """Everything about a function that shapes its execution environment."""

    arn: str
    name: str
    version: str
    handler: str
    runtime: str
    timeout: float
    memory_mb: int
    code_sha256: str
    code_zip: bytes = field(repr=False)
    layers: tuple[LayerCode, ...] = ()
    environment: tuple[tuple[str, str], ...] = ()
    package_type: str = "Zip"

    @property
    def key(self) -> str:
        """Identity of an execution environment: any change means fresh workers."""
        material = json.dumps(
            [
                self.arn,
                self.version,
                self.handler,
                self.runtime,
                self.timeout,
                self.memory_mb,
                self.code_sha256,
                [layer.sha256 for layer in self.layers],
                list(self.environment),
            ]
        )
        return hashlib.sha256(material.encode()).hexdigest()[:24]


class _WorkerDiedError(Exception):
    def __init__(self, returncode: int | None) -> None:
        super().__init__(f"worker exited with status {returncode}")
        self.returncode = returncode


class _Worker:
    """One warm execution environment: a Python process speaking JSON lines."""

    def __init__(self, process: subprocess.Popen[bytes], key: str, arn: str) -> None:
        self.process = process
        self.key = key
        self.arn = arn
        self.initialised = False
        self.init_ms = 0.0
        self.init_logs = ""
        self._buffer = b""
        assert process.stdout is not None and process.stdin is not None
        self._stdout: IO[bytes] = process.stdout
        self._stdin: IO[bytes] = process.stdin

    def send(self, message: dict[str, Any]) -> None:
        try:
            self._stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            self._stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise _WorkerDiedError(self.process.poll()) from error

    def receive(self, deadline: float) -> dict[str, Any] | None:
        """The next message, or None if ``deadline`` (monotonic) passes first."""
        fd = self._stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                raise _WorkerDiedError(self.process.wait())
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        message = json.loads(line)
        assert isinstance(message, dict)
        return message

    def kill(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.wait(timeout=5)
        for stream in (self._stdin, self._stdout):
            with contextlib.suppress(Exception):
                stream.close()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class LambdaRunner:
    """Pools of warm workers, keyed by function configuration."""

    def __init__(
        self,
        work_dir: Path,
        endpoint_url: str,
        *,
        max_workers_per_function: int = 8,
        log_dir: Path | None = None,
    ) -> None:
        self.work_dir = work_dir
        self.endpoint_url = endpoint_url
        self.max_workers_per_function = max_workers_per_function
        self.log_dir = log_dir or work_dir / "logs"
        self._lock = threading.Condition()
        self._idle: dict[str, list[_Worker]] = {}
        self._busy: dict[str, int] = {}
        self._current_key: dict[str, str] = {}
        self._all: set[_Worker] = set()
        self._extract_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._closed = False
        self.cold_starts = 0
        self.invocations = 0

    # ------------------------------------------------------------------ public API
    def invoke(self, function: FunctionCode, event: Any) -> Invocation:
        """Run one invocation to completion (or to the function's timeout)."""
        request_id = str(uuid.uuid4())
        if function.package_type != "Zip":
            return self._failure(
                request_id, "Runtime.InvalidEntrypoint", "container images are not supported locally"
            )
        if not function.runtime.startswith("python"):
            return self._failure(
                request_id, "Runtime.InvalidRuntime", f"runtime {function.runtime} is not supported locally"
            )
        worker, cold = self._acquire(function)
        reusable = False
        try:
            invocation, reusable = self._run(worker, function, event, request_id, cold)
        finally:
            self._release(worker, reusable and worker.alive)
        self._write_log(function, invocation)
        return invocation

    def close(self) -> None:
        """Kill every worker (running invocations fail like a crashed environment)."""
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
            self._idle.clear()
            self._lock.notify_all()
        for worker in workers:
            worker.kill()

    def peak_memory_mb(self) -> dict[str, float]:
        """Per function name: the highest resident memory any of its live workers reached (Linux's
        VmHWM), what Lambda's REPORT line calls Max Memory Used. Empty where /proc is not there."""
        with self._lock:
            workers = [(worker.arn.rsplit(":", 1)[-1], worker.process.pid) for worker in self._all]
        peaks: dict[str, float] = {}
        for name, pid in workers:
            try:
                status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peaks[name] = max(peaks.get(name, 0.0), int(line.split()[1]) / 1024)
        return peaks

    def cpu_seconds(self) -> dict[str, float]:
        """Per function name: CPU time (user and system) its live workers have used so far, from
        /proc: with wall time, how much of an invocation is waiting (Lambda's CPU grows with memory)."""
        with self._lock:
            workers = [(worker.arn.rsplit(":", 1)[-1], worker.process.pid) for worker in self._all]
        ticks = os.sysconf("SC_CLK_TCK")
        used: dict[str, float] = {}
        for name, pid in workers:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
        return used

    @property
    def worker_count(self) -> int:
        with self._lock:
            return len(self._all)

    # ------------------------------------------------------------------ pool
    def _acquire(self, function: FunctionCode) -> tuple[_Worker, bool]:
        key = function.key
        with self._lock:
            self._retire_stale(function.arn, key)
            while True:
                if self._closed:
                    raise RuntimeError("the Lambda runner is closed")
                idle = self._idle.get(key)
                while idle:
                    worker = idle.pop()
                    if worker.alive:
                        self._busy[key] = self._busy.get(key, 0) + 1
                        return worker, False
                    self._all.discard(worker)
                if self._busy.get(key, 0) < self.max_workers_per_function:
                    self._busy[key] = self._busy.get(key, 0) + 1
                    break
                # Every allowed environment is busy: wait for one, as a throttled caller would retry.
                self._lock.wait(timeout=1.0)
        try:
            worker = self._spawn(function)
        except BaseException:
            with self._lock:
                self._busy[key] -= 1
                self._lock.notify_all()
            raise
        with self._lock:
            self._all.add(worker)
            self.cold_starts += 1
        return worker, True

    def _release(self, worker: _Worker, keep: bool) -> None:
        with self._lock:
            self._busy[worker.key] = max(self._busy.get(worker.key, 1) - 1, 0)
            self.invocations += 1
            if keep and not self._closed and self._current_key.get(worker.arn) == worker.key:
                self._idle.setdefault(worker.key, []).append(worker)
            else:
                self._all.discard(worker)
                keep = False
            self._lock.notify_all()
        if not keep:
            worker.kill()

    def _retire_stale(self, arn: str, key: str) -> None:
        """A new configuration of a function replaces its old environments (called under the lock)."""
        previous = self._current_key.get(arn)
        self._current_key[arn] = key
        if previous is None or previous == key:
            return
        for worker in self._idle.pop(previous, []):
            self._all.discard(worker)
            worker.kill()

    # ------------------------------------------------------------------ one invocation
    def _run(
        self, worker: _Worker, function: FunctionCode, event: Any, request_id: str, cold: bool
    ) -> tuple[Invocation, bool]:
        """Returns the invocation and whether the worker can be reused."""
        started = time.monotonic()
        prefix = ""
        if not worker.initialised:
            init = self._initialise(worker, function, request_id)
            if isinstance(init, Invocation):
                return init, False
            prefix = init
        deadline_wall_ms = int(time.time() * 1000 + function.timeout * 1000)
        request = {
            "request_id": request_id,
            "event": event,
            "deadline_ms": deadline_wall_ms,
            "invoked_function_arn": function.arn,
            "trace_id": _trace_id(),
        }
        start_line = f"START RequestId: {request_id} Version: {function.version}\n"
        try:
            worker.send(request)
            reply = worker.receive(time.monotonic() + function.timeout)
        except _WorkerDiedError as died:
            duration = (time.monotonic() - started) * 1000
            payload = _exit_error(request_id, died.returncode)
            logs = (
                prefix
                + start_line
                + f"{payload['errorMessage']}\n"
                + self._end(request_id, duration, function)
            )
            return Invocation(json.dumps(payload), True, logs, request_id, cold, duration), False
        if reply is None:
            worker.kill()
            message = f"{_iso_now()} {request_id} Task timed out after {function.timeout:.2f} seconds"
            payload = {"errorType": "Sandbox.Timedout", "errorMessage": message}
            duration = function.timeout * 1000
            logs = (
                prefix
                + start_line
                + f"{payload['errorMessage']}\n"
                + self._end(request_id, duration, function)
            )
            return Invocation(json.dumps(payload), True, logs, request_id, cold, duration), False
        duration = float(reply.get("duration_ms", 0.0))
        logs = (
            prefix
            + start_line
            + str(reply.get("logs", ""))
            + self._end(request_id, duration, function, worker, cold)
        )
        errored = not reply.get("ok", False)
        return Invocation(str(reply["payload"]), errored, logs, request_id, cold, duration), True

    def _initialise(self, worker: _Worker, function: FunctionCode, request_id: str) -> str | Invocation:
        """Wait for the module import; return its log lines, or the failed invocation."""
        budget = max(INIT_TIMEOUT_SECONDS, function.timeout)
        try:
            message = worker.receive(time.monotonic() + budget)
        except _WorkerDiedError as died:
            message = {
                "type": "init_error",
                "error": _exit_error(request_id, died.returncode),
                "logs": "",
            }
        if message is None:
            message = {
                "type": "init_error",
                "error": {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"{_iso_now()} {request_id} Init timed out after {budget:.2f} seconds",
                },
                "logs": "",
            }
        init_line = f"INIT_START Runtime Version: {function.runtime}.local Runtime Version ARN: local\n"
        if message.get("type") != "ready":
            worker.kill()
            error = dict(message["error"])
            error.setdefault("requestId", request_id)
            logs = (
                init_line
                + str(message.get("logs", ""))
                + f"INIT_REPORT Status: error Error Type: {error['errorType']}\n"
            )
            return Invocation(json.dumps(error), True, logs, request_id, True, 0.0)
        worker.initialised = True
        worker.init_ms = float(message.get("init_ms", 0.0))
        return init_line + str(message.get("logs", ""))

    @staticmethod
    def _end(
        request_id: str,
        duration_ms: float,
        function: FunctionCode,
        worker: _Worker | None = None,
        cold: bool = False,
    ) -> str:
        report = (
            f"END RequestId: {request_id}\n"
            f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms\t"
            f"Billed Duration: {max(1, int(duration_ms + 0.999))} ms\tMemory Size: {function.memory_mb} MB"
        )
        if cold and worker is not None:
            report += f"\tInit Duration: {worker.init_ms:.2f} ms"
        return report + "\n"

    @staticmethod
    def _failure(request_id: str, error_type: str, message: str) -> Invocation:
        payload = {"errorType": error_type, "errorMessage": message, "requestId": request_id}
        return Invocation(json.dumps(payload), True, f"[ERROR] {error_type}: {message}\n", request_id)

    # ------------------------------------------------------------------ environments
    def _spawn(self, function: FunctionCode) -> _Worker:
        task_root = self._extract(self.work_dir / "code" / function.code_sha256[:32], function.code_zip)
        opt_dir = self._opt_dir(function.layers)
        python_tag = f"python{sys.version_info.major}.{sys.version_info.minor}"
        if function.runtime != python_tag:
            LOG.warning("%s declares %s; running it with %s", function.name, function.runtime, python_tag)
        sys_path = [str(task_root)]
        if opt_dir is not None:
            sys_path += [
                str(opt_dir / "python" / "lib" / python_tag / "site-packages"),
                str(opt_dir / "python"),
            ]
        sys_path.append(str(sdk_dir(self.work_dir)))
        env = self._environment(function, task_root, opt_dir)
        log_path = self.log_dir / "workers" / f"{_safe(function.name)}.stderr.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as stderr:
            process = subprocess.Popen(
                [sys.executable, "-I", "-S", "-X", "utf8", str(BOOTSTRAP)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
                env=env,
                cwd=str(task_root),
                close_fds=True,
                start_new_session=True,  # Ctrl-C in the operator's terminal must not hit workers first
            )
        worker = _Worker(process, function.key, function.arn)
        worker.send({"sys_path": sys_path, "task_root": str(task_root), "handler": function.handler})
        LOG.debug("started worker pid=%s for %s", process.pid, function.name)
        return worker

    def _environment(self, function: FunctionCode, task_root: Path, opt_dir: Path | None) -> dict[str, str]:
        log_stream = f"{datetime.now(UTC):%Y/%m/%d}/[{function.version}]{uuid.uuid4().hex}"
        bin_dirs = [str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]
        env = {
            "PATH": os.pathsep.join(bin_dirs + ([str(opt_dir / "bin")] if opt_dir else [])),
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
            "LAMBDA_TASK_ROOT": str(task_root),
            "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP.parent),
            "_HANDLER": function.handler,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
            "AWS_LAMBDA_FUNCTION_NAME": function.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": function.version,
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{function.name}",
            "AWS_LAMBDA_LOG_STREAM_NAME": log_stream,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_SESSION_TOKEN": SESSION_TOKEN,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            # Keep botocore away from the operator's ~/.aws: the function sees only its own environment.
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        }
        if opt_dir is not None and (opt_dir / "lib").is_dir():
            env["LD_LIBRARY_PATH"] = str(opt_dir / "lib")
        for name, value in function.environment:
            if name in RESERVED_ENV:
                LOG.warning("%s: environment variable %s is reserved by Lambda; ignored", function.name, name)
                continue
            env[name] = rewrite_opt_path(value, opt_dir)
        return env

    def _opt_dir(self, layers: tuple[LayerCode, ...]) -> Path | None:
        """The stand-in for ``/opt``: every layer extracted in order (later layers win, as in Lambda)."""
        if not layers:
            return None
        digest = hashlib.sha256("|".join(layer.sha256 for layer in layers).encode()).hexdigest()[:32]
        target = self.work_dir / "opt" / digest
        with self._extract_lock:
            if target.is_dir():
                return target
            staging = target.with_name(f".{digest}.{uuid.uuid4().hex}")
            for layer in layers:
                _unzip(layer.zip_bytes, staging)
            staging.rename(target)
        return target

    def _extract(self, target: Path, data: bytes) -> Path:
        with self._extract_lock:
            if target.is_dir():
                return target
            staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
            _unzip(data, staging)
            staging.rename(target)
        return target

    def _write_log(self, function: FunctionCode, invocation: Invocation) -> None:
        """Append the invocation's log to a per-function file a person can tail."""
        path = self.log_dir / f"{_safe(function.name)}.log"
        with self._log_lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(invocation.logs)


def rewrite_opt_path(value: str, opt_dir: Path | None) -> str:
    """Point ``/opt`` and ``/opt/...`` values at the extracted layer directory."""
    if opt_dir is None:
        return value
    if value == "/opt":
        return str(opt_dir)
    if value.startswith("/opt/"):
        return str(opt_dir / value[len("/opt/") :])
    return value


def _unzip(data: bytes, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            destination = (target / info.filename).resolve()
            if not destination.is_relative_to(target.resolve()):
                raise ValueError(f"refusing to extract {info.filename!r} outside {target}")
            archive.extract(info, target)
            mode = (info.external_attr >> 16) & 0o777
            if mode and not info.is_dir():
                destination.chmod(mode | 0o400)


def _exit_error(request_id: str, returncode: int | None) -> dict[str, str]:
    message = f"RequestId: {request_id} Error: Runtime exited with error: exit status {returncode}"
    return {"errorType": "Runtime.ExitError", "errorMessage": message}


def _trace_id() -> str:
    return f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _iso_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


_SDK_LOCK = threading.Lock()
#: The AWS SDK that Lambda's Python runtime provides.
SDK_DISTRIBUTIONS = ("boto3",)


def sdk_dir(work_dir: Path) -> Path:
    """A directory with only boto3 and its dependency closure (symlinks into this environment)."""
    boto3_version = importlib.metadata.version("boto3")
    target = work_dir / f"sdk-boto3-{boto3_version}"
    with _SDK_LOCK:
        if target.is_dir():
            return target
        staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}")
        staging.mkdir(parents=True)
        for top_level in sorted(_top_level_entries(_dependency_closure(SDK_DISTRIBUTIONS))):
            source = Path(top_level)
            (staging / source.name).symlink_to(source)
        try:
            staging.rename(target)
        except OSError:  # another process won the race
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _dependency_closure(roots: tuple[str, ...]) -> set[str]:
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        canonical = re.sub(r"[-_.]+", "-", name).lower()
        if canonical in seen:
            continue
        try:
            distribution = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        seen.add(canonical)
        for requirement in distribution.requires or []:
            if "extra ==" in requirement:
                continue
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if match:
                pending.append(match.group(1))
    return seen


def _top_level_entries(distributions: set[str]) -> set[str]:
    """Absolute paths of the importable top-level packages/modules of ``distributions``."""
    entries: set[str] = set()
    for name in distributions:
        distribution = importlib.metadata.distribution(name)
        for file in distribution.files or []:
            parts = file.parts
            if (
                not parts
                or parts[0] in ("..", "__pycache__")
                or parts[0].endswith((".dist-info", ".egg-info"))
            ):
                continue
            if len(parts) == 1 and not parts[0].endswith((".py", ".so", ".pth")):
                continue
            if parts[0].endswith(".pth"):
                continue
            entries.add(str(Path(str(distribution.locate_file(parts[0])))))
    return entries
