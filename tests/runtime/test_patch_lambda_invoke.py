"""Self-test of patch (a): Lambda code runs in warm local workers instead of Docker.

Fails loudly if moto renames or reshapes ``LambdaFunction._invoke_lambda`` or stops routing
``invoke`` through it, and proves the runner's documented behaviour (warm reuse, scale-out,
timeouts, error payloads, log capture, layers, an isolated interpreter).
"""

from __future__ import annotations

import base64
import inspect
import json
import threading
from pathlib import Path

import aws_lambda_powertools
import pytest
import typing_extensions
from moto.awslambda.models import LambdaFunction

from crisiswatch_ops.runtime.lambda_runner import FunctionCode, LambdaRunner, LayerCode
from crisiswatch_ops.runtime.patches import _patching

from .conftest import isolated_hooks
from .helpers import ISOLATED_ACCOUNT, zip_bytes, zip_tree

HANDLER = """
    import json, logging, os, sys, time
    ENV_KEYS = ("AWS_REGION", "AWS_ENDPOINT_URL", "DATA", "PLAIN", "_HANDLER")
    print("init line from import")          # init-phase output
    os.write(1, b"raw write to fd 1\\n")     # must not corrupt the worker protocol
    INIT_PID = os.getpid()
    LOGGER = logging.getLogger()
    LOGGER.setLevel(logging.INFO)

    class Boom(Exception):
        pass

    def handler(event, context):
        print("hello from the handler", event.get("n"))
        LOGGER.info("logged via logging")
        if event.get("sleep"):
            time.sleep(event["sleep"])
        if event.get("rendezvous"):  # wait until this many invocations run at the same time
            folder = event["rendezvous"]
            open(os.path.join(folder, str(os.getpid())), "w").close()
            while len(os.listdir(folder)) < event["parties"]:
                time.sleep(0.01)
        if event.get("fail"):
            raise Boom("it broke")
        if event.get("import"):
            __import__(event["import"])
        return {
            "n": event.get("n"), "pid": os.getpid(), "init_pid": INIT_PID,
            "request_id": context.aws_request_id, "remaining": context.get_remaining_time_in_millis(),
            "function_name": context.function_name, "memory": context.memory_limit_in_mb,
            "arn": context.invoked_function_arn, "log_group": context.log_group_name,
            "env": {k: os.environ.get(k) for k in ENV_KEYS},
        }
"""


def _function(name: str = "probe", *, timeout: float = 3, layers: tuple[LayerCode, ...] = (), env=None):
    code = zip_bytes({"app.py": HANDLER})
    return FunctionCode(
        arn=f"arn:aws:lambda:us-east-1:{ISOLATED_ACCOUNT}:function:{name}",
        name=name,
        version="$LATEST",
        handler="app.handler",
        runtime="python3.11",
        timeout=timeout,
        memory_mb=128,
        code_sha256=f"sha-{name}-{len(code)}-{timeout}",
        code_zip=code,
        layers=layers,
        environment=tuple(sorted((env or {}).items())),
    )


@pytest.fixture
def runner(tmp_path: Path):
    runner = LambdaRunner(tmp_path / "lambda", "http://127.0.0.1:9")
    yield runner
    runner.close()


def test_moto_still_has_the_patched_hook_with_the_same_shape():
    original = _patching.original(LambdaFunction, "_invoke_lambda")
    assert list(inspect.signature(original).parameters) == ["self", "event"], "moto changed _invoke_lambda"
    assert "docker" in inspect.getsource(original), (
        "moto's _invoke_lambda no longer uses Docker: recheck the patch"
    )
    # invoke() must still delegate to _invoke_lambda and unpack (payload, errored, logs)
    invoke = _patching.original(LambdaFunction, "invoke")  # before the asynchronous-invocation patch
    assert "res, errored, logs = self._invoke_lambda(event=body)" in inspect.getsource(invoke)
    assert getattr(LambdaFunction._invoke_lambda, _patching.MARKER, False), "patch (a) is not installed"


def test_moto_invoke_runs_the_function_locally(runner: LambdaRunner):
    spec = {
        "FunctionName": "via-moto",
        "Runtime": "python3.11",
        "Role": f"arn:aws:iam::{ISOLATED_ACCOUNT}:role/test",
        "Handler": "app.handler",
        "Code": {"ZipFile": base64.b64encode(zip_bytes({"app.py": HANDLER}))},
        "Timeout": 5,
        "Environment": {"Variables": {"PLAIN": "value"}},
    }
    function = LambdaFunction(ISOLATED_ACCOUNT, spec, "us-east-1")
    headers: dict[str, str] = {}
    with isolated_hooks(runner=runner):
        body = function.invoke(json.dumps({"n": 1}), {"x-amz-invocation-type": "RequestResponse"}, headers)
    payload = json.loads(body)
    assert payload["n"] == 1 and payload["env"]["PLAIN"] == "value"
    assert payload["env"]["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
    logs = base64.b64decode(headers["x-amz-log-result"]).decode()
    assert "hello from the handler 1" in logs and "REPORT RequestId" in logs


def test_warm_worker_is_reused_and_init_runs_once(runner: LambdaRunner):
    function = _function()
    first = runner.invoke(function, {"n": 1})
    second = runner.invoke(function, {"n": 2})
    one, two = json.loads(first.payload), json.loads(second.payload)
    assert (first.cold_start, second.cold_start) == (True, False)
    assert one["pid"] == two["pid"] == two["init_pid"]
    assert "init line from import" in first.logs and "init line from import" not in second.logs
    assert one["request_id"] != two["request_id"]
    assert 0 < two["remaining"] <= 3000
    assert two["memory"] == "128" and two["log_group"] == "/aws/lambda/probe"


def test_concurrent_invocations_scale_out_to_another_worker(runner: LambdaRunner, tmp_path: Path):
    # Each invocation returns only once both run at the same time: one environment alone never could,
    # however the threads happen to be scheduled. The timeout only bounds a hang.
    function = _function(timeout=60)
    meeting = tmp_path / "meeting"
    meeting.mkdir()
    results: list[dict] = []

    def call() -> None:
        invocation = runner.invoke(function, {"rendezvous": str(meeting), "parties": 2})
        results.append(json.loads(invocation.payload))

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({result["pid"] for result in results}) == 2
    assert runner.worker_count == 2


def test_timeout_kills_the_worker_and_reports_like_aws(runner: LambdaRunner):
    function = _function(timeout=1)
    warm = json.loads(runner.invoke(function, {"n": 0}).payload)
    timed_out = runner.invoke(function, {"sleep": 5})
    assert timed_out.errored
    error = json.loads(timed_out.payload)
    assert error["errorType"] == "Sandbox.Timedout"
    assert error["errorMessage"].endswith("Task timed out after 1.00 seconds")
    after = runner.invoke(function, {"n": 1})
    assert after.cold_start and json.loads(after.payload)["pid"] != warm["pid"]


def test_exception_becomes_an_error_payload_with_its_type(runner: LambdaRunner):
    result = runner.invoke(_function(), {"fail": True})
    assert result.errored
    error = json.loads(result.payload)
    assert error["errorType"] == "Boom" and error["errorMessage"] == "it broke"
    assert any("raise Boom" in line for line in error["stackTrace"])
    assert not any("worker_bootstrap" in line for line in error["stackTrace"])
    assert "[ERROR] Boom: it broke" in result.logs


def test_prints_and_a_powertools_logger_land_in_the_logs_not_the_protocol(
    runner: LambdaRunner, tmp_path: Path
):
    # Powertools' Logger binds sys.stdout when the module is imported: ship it in a layer, like an app does.
    files = zip_tree(Path(aws_lambda_powertools.__file__).parent, "python")
    files["python/typing_extensions.py"] = Path(typing_extensions.__file__).read_bytes()
    layer_zip = zip_bytes(files)
    layer = LayerCode(
        arn="arn:aws:lambda:us-east-1:000000000042:layer:pt:1", sha256="powertools", zip_bytes=layer_zip
    )
    code = zip_bytes(
        {
            "app.py": """
                from aws_lambda_powertools import Logger
                logger = Logger(service="probe")
                def handler(event, context):
                    logger.info("structured hello", extra={"n": event["n"]})
                    print("plain print")
                    return {"ok": True}
            """
        }
    )
    function = FunctionCode(
        arn="arn:aws:lambda:us-east-1:000000000042:function:pt",
        name="pt",
        version="$LATEST",
        handler="app.handler",
        runtime="python3.11",
        timeout=10,
        memory_mb=128,
        code_sha256="powertools-fn",
        code_zip=code,
        layers=(layer,),
    )
    for n in (1, 2):
        result = runner.invoke(function, {"n": n})
        assert not result.errored, result.payload
        assert json.loads(result.payload) == {"ok": True}
        structured = [json.loads(line) for line in result.logs.splitlines() if line.startswith("{")]
        assert [entry["message"] for entry in structured] == ["structured hello"]
        assert structured[0]["n"] == n
        assert "plain print" in result.logs


def test_layers_are_on_sys_path_and_opt_paths_are_rewritten(runner: LambdaRunner):
    layer_zip = zip_bytes({"python/shared_helper.py": "VALUE = 'from-layer'\n", "data/words.txt": "calm\n"})
    layer = LayerCode(
        arn="arn:aws:lambda:us-east-1:000000000042:layer:data:1", sha256="layer1", zip_bytes=layer_zip
    )
    function = _function(
        "with-layer", layers=(layer,), env={"DATA": "/opt/data/words.txt", "PLAIN": "/optional"}
    )
    result = json.loads(runner.invoke(function, {"import": "shared_helper"}).payload)
    data_path = Path(result["env"]["DATA"])
    assert data_path.read_text() == "calm\n" and data_path.parts[-2:] == ("data", "words.txt")
    assert result["env"]["PLAIN"] == "/optional"  # only /opt and /opt/... are rewritten


def test_the_interpreter_sees_only_lambdas_python_runtime(runner: LambdaRunner):
    function = _function()
    assert not runner.invoke(function, {"import": "boto3"}).errored  # the SDK Lambda provides
    missing = runner.invoke(function, {"import": "moto"})  # installed here, but not in Lambda
    assert missing.errored and json.loads(missing.payload)["errorType"] == "ModuleNotFoundError"


def test_a_handler_that_cannot_be_imported_fails_like_lambda(runner: LambdaRunner):
    function = _function()
    broken = FunctionCode(**{**function.__dict__, "handler": "nowhere.handler", "code_sha256": "broken"})
    result = runner.invoke(broken, {})
    assert result.errored
    error = json.loads(result.payload)
    assert error["errorType"] == "Runtime.ImportModuleError"
    assert "Unable to import module 'nowhere'" in error["errorMessage"]
