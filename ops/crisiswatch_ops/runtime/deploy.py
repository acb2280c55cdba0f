"""Deploy a built SAM template into moto: package, transform, adapt, create the stack.

The steps mirror ``sam deploy``: zip every function's ``CodeUri`` and layer's ``ContentUri``,
upload them and each state machine's ``DefinitionUri`` to S3 (moto's), point the template at those
S3 locations, run the SAM transform (samtranslator, the library CloudFormation's transform uses)
and create the stack with moto's CloudFormation.

Between transform and create, resources moto's CloudFormation cannot create are made harmless:

* ``AWS::ApiGateway::RestApi`` with an OpenAPI ``Body`` (how SAM defines every REST API) is
  created without the body (moto needs a ``Name``; it gets the body's title). It is a real moto
  RestApi, so ``!Ref MyApi`` and ``${MyApi}`` resolve to its id. The routes are served by the
  local API server (:mod:`.api_gateway`), not by moto.
* Resource types moto has no CloudFormation model for (``AWS::ApiGateway::Deployment``/``Stage``
  after the body is gone, ``AWS::ApiGatewayV2::*`` for HTTP APIs, alarms...) are removed. Every
  ``Ref``/``Fn::GetAtt``/``${...}`` pointing at one is replaced by a stand-in value: a stage's
  ``Ref`` by its stage name, an HTTP API's ``Ref`` by a stable fake id and its ``ApiEndpoint`` by
  the local API URL, anything else by ``<LogicalId>-local``. The stand-ins appear in
  :attr:`DeployResult.resources` and are logged.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import logging
import os
import re
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto.cloudformation import parsing
from samtranslator.internal.managed_policies import get_bundled_managed_policy_map
from samtranslator.metrics.metrics import DummyMetricsPublisher, Metrics
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from .constants import ARTIFACT_BUCKET, PARTITION, REGION, get_logger
from .template import load_template

LOG = get_logger("deploy")

#: Resource types moto's CloudFormation knows but the deploy must not hand it (see module doc).
_REWRITTEN_API_TYPES = ("AWS::ApiGateway::Deployment", "AWS::ApiGateway::Stage")
_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class DeployError(RuntimeError):
    """The stack could not be created; the message says why (moto's own error when available)."""


@dataclass
class DeployResult:
    stack_name: str
    stack_id: str
    outputs: dict[str, str]
    #: logical id (SAM's and CloudFormation's) -> physical id or ARN
    resources: dict[str, str]
    resource_types: dict[str, str]
    parameters: dict[str, str]
    sam_template: dict[str, Any]
    cfn_template: dict[str, Any]
    #: logical id -> the stand-in value used for a resource moto cannot create
    stand_ins: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class StackRequest:
    """The stack to create: its name, the template's parameter overrides, and the API's URL (what the
    stand-in for the API Gateway resource answers)."""

    stack_name: str
    parameter_overrides: Mapping[str, str]
    api_url: str


def deploy(
    build_dir: Path, s3: Any, cloudformation: Any, request: StackRequest, zip_cache: Path | None = None
) -> DeployResult:
    """Deploy ``build_dir/template.yaml`` as ``request.stack_name``; see the module docstring.

    ``zip_cache`` keeps artifact zips between runs, keyed by the directory's file listing (names,
    sizes, modification times), so an unchanged multi-megabyte layer is not compressed again.
    """
    stack_name, parameter_overrides, api_url = (
        request.stack_name,
        request.parameter_overrides,
        request.api_url,
    )
    timings: dict[str, float] = {}
    started = time.monotonic()
    sam_template = load_template(build_dir / "template.yaml")
    declared = sam_template.get("Parameters") or {}
    unknown = sorted(set(parameter_overrides) - set(declared))
    if unknown:
        raise DeployError(f"parameter overrides not declared by the template: {', '.join(unknown)}")
    packaged = copy.deepcopy(sam_template)
    s3.create_bucket(Bucket=ARTIFACT_BUCKET)
    package(
        packaged,
        build_dir,
        lambda key, body: s3.put_object(Bucket=ARTIFACT_BUCKET, Key=key, Body=body),
        zip_cache=zip_cache,
    )
    timings["package"] = time.monotonic() - started

    mark = time.monotonic()
    parameters = {name: str(value) for name, value in parameter_overrides.items()}
    cfn_template = transform(packaged, parameters)
    stand_ins = make_deployable(cfn_template, api_url)
    timings["transform"] = time.monotonic() - mark

    mark = time.monotonic()
    stack_id = _create_stack(cloudformation, stack_name, cfn_template, parameters)
    timings["create_stack"] = time.monotonic() - mark

    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}
    resources, resource_types = _resources(cloudformation, stack_name, cfn_template, stand_ins)
    _alias_sam_ids(sam_template, resources, resource_types)
    timings["total"] = time.monotonic() - started
    return DeployResult(
        stack_name=stack_name,
        stack_id=stack_id,
        outputs=outputs,
        resources=resources,
        resource_types=resource_types,
        parameters=parameters,
        sam_template=sam_template,
        cfn_template=cfn_template,
        stand_ins=stand_ins,
        timings=timings,
    )


def _resources(
    cloudformation: Any, stack_name: str, cfn_template: dict[str, Any], stand_ins: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """Each logical id's physical id and type, as the stack lists them, with the stand-ins added."""
    resources: dict[str, str] = {}
    resource_types: dict[str, str] = {}
    for resource in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]:
        if "LogicalResourceId" not in resource:  # moto lists a blank entry for a skipped Condition
            continue
        resources[resource["LogicalResourceId"]] = resource.get("PhysicalResourceId", "")
        resource_types[resource["LogicalResourceId"]] = resource["ResourceType"]
    for logical_id, value in stand_ins.items():
        resources.setdefault(logical_id, value)
        resource_types.setdefault(
            logical_id, cfn_template["Resources"].get(logical_id, {}).get("Type", "stand-in")
        )
    return resources, resource_types


# ---------------------------------------------------------------------------- packaging
_CODE_PROPERTIES: dict[str, tuple[str, str, str]] = {
    # type: (property, S3 bucket key name, S3 object key name) of the uploaded form
    "AWS::Serverless::Function": ("CodeUri", "Bucket", "Key"),
    "AWS::Serverless::LayerVersion": ("ContentUri", "Bucket", "Key"),
    "AWS::Lambda::Function": ("Code", "S3Bucket", "S3Key"),
    "AWS::Lambda::LayerVersion": ("Content", "S3Bucket", "S3Key"),
}
_FILE_PROPERTIES: dict[str, tuple[str, str, str]] = {
    "AWS::Serverless::StateMachine": ("DefinitionUri", "Bucket", "Key"),
    "AWS::StepFunctions::StateMachine": ("DefinitionS3Location", "Bucket", "Key"),
    "AWS::Serverless::Api": ("DefinitionUri", "Bucket", "Key"),
    "AWS::Serverless::HttpApi": ("DefinitionUri", "Bucket", "Key"),
}


def package(
    template: dict[str, Any],
    build_dir: Path,
    upload: Callable[[str, bytes], Any],
    *,
    zip_cache: Path | None = None,
) -> None:
    """Upload local code/definitions and point the template at them (in place)."""
    for logical_id, resource in (template.get("Resources") or {}).items():
        properties = resource.get("Properties") or {}
        kind = resource.get("Type", "")
        if kind in _CODE_PROPERTIES:
            name, bucket_key, object_key = _CODE_PROPERTIES[kind]
            location = properties.get(name)
            if isinstance(location, str) and not location.startswith("s3://"):
                body = zip_directory(build_dir / location, cache=zip_cache)
                key = f"{logical_id}/{hashlib.sha256(body).hexdigest()}.zip"
                upload(key, body)
                properties[name] = {bucket_key: ARTIFACT_BUCKET, object_key: key}
        if kind in _FILE_PROPERTIES:
            name, bucket_key, object_key = _FILE_PROPERTIES[kind]
            location = properties.get(name)
            if isinstance(location, str) and not location.startswith("s3://"):
                body = (build_dir / location).read_bytes()
                key = f"{logical_id}/{hashlib.sha256(body).hexdigest()}{Path(location).suffix}"
                upload(key, body)
                properties[name] = {bucket_key: ARTIFACT_BUCKET, object_key: key}


def zip_directory(directory: Path, cache: Path | None = None) -> bytes:
    """A deterministic zip (sorted entries, fixed timestamps) so unchanged code keeps its sha256."""
    if not directory.is_dir():
        raise DeployError(f"{directory} is not a directory: was `sam build` run?")
    files = [
        (path, path.relative_to(directory), path.stat())
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(directory).parts
    ]
    cached: Path | None = None
    if cache is not None:
        listing = [
            (relative.as_posix(), info.st_size, info.st_mtime_ns, info.st_mode) for _, relative, info in files
        ]
        cached = cache / f"{hashlib.sha256(json.dumps(listing).encode()).hexdigest()}.zip"
        if cached.is_file():
            return cached.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path, relative, info in files:
            entry = zipfile.ZipInfo(relative.as_posix(), date_time=_ZIP_EPOCH)
            entry.external_attr = (info.st_mode & 0o777) << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes(), compresslevel=1)
    body = buffer.getvalue()
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        staging = cached.with_suffix(f".{os.getpid()}.tmp")
        staging.write_bytes(body)
        staging.replace(cached)
    return body


# ---------------------------------------------------------------------------- transform
def transform(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """The SAM transform, bound to the local region (no AWS call: managed policies are bundled)."""
    if "Transform" not in template:
        return copy.deepcopy(template)
    session = boto3.session.Session(region_name=REGION)
    metrics = Metrics("ServerlessTransform", DummyMetricsPublisher())
    translator = Translator(None, Parser(), boto_session=session, metrics=metrics)
    policies = get_bundled_managed_policy_map(PARTITION) or {}
    try:
        translated: dict[str, Any] = translator.translate(
            copy.deepcopy(template),
            parameter_values=dict(parameters),
            get_managed_policy_map=lambda: policies,
        )
    finally:
        metrics.publish()  # to the dummy publisher; otherwise samtranslator warns at exit
    return translated


# ---------------------------------------------------------------------------- moto adaptations
def supported_types() -> set[str]:
    """Resource types moto's CloudFormation can create (after our patches registered theirs)."""
    return set(parsing.get_model_map()) | set(parsing.NULL_MODELS)


def make_deployable(template: dict[str, Any], api_url: str) -> dict[str, str]:
    """Adapt the transformed template to moto (in place); return the stand-in values used."""
    resources: dict[str, Any] = template.get("Resources") or {}
    for resource in resources.values():
        if resource.get("Type") == "AWS::ApiGateway::RestApi":
            _strip_rest_api_body(resource)
        if resource.get("Type") == "AWS::StepFunctions::StateMachine":
            _refuse_sub_in_definition(resource)
    supported = supported_types()
    stand_ins: dict[str, str] = {}
    attributes: dict[tuple[str, str], str] = {}
    for logical_id, resource in list(resources.items()):
        kind = resource.get("Type", "")
        if kind.startswith("Custom::") or (kind in supported and kind not in _REWRITTEN_API_TYPES):
            continue
        value, attrs = _stand_in(logical_id, resource, api_url)
        stand_ins[logical_id] = value
        attributes.update({(logical_id, name): attr for name, attr in attrs.items()})
        LOG.info("%s (%s) is not created in moto; references resolve to %r", logical_id, kind, value)
    if not stand_ins:
        return stand_ins
    for logical_id in stand_ins:
        del resources[logical_id]
    for resource in resources.values():
        depends = resource.get("DependsOn")
        if isinstance(depends, str) and depends in stand_ins:
            del resource["DependsOn"]
        elif isinstance(depends, list):
            resource["DependsOn"] = [name for name in depends if name not in stand_ins]
    for section in ("Resources", "Outputs", "Conditions"):
        if section in template:
            template[section] = _replace_references(template[section], stand_ins, attributes)
    return stand_ins


def _strip_rest_api_body(resource: dict[str, Any]) -> None:
    properties = resource.setdefault("Properties", {})
    body = properties.pop("Body", None)
    properties.pop("BodyS3Location", None)
    for unsupported in (
        "Parameters",
        "FailOnWarnings",
        "Mode",
        "Policy",
        "BinaryMediaTypes",
        "MinimumCompressionSize",
    ):
        properties.pop(unsupported, None)
    if "Name" not in properties:
        title = body.get("info", {}).get("title") if isinstance(body, dict) else None
        properties["Name"] = title or "local-api"


def _refuse_sub_in_definition(resource: dict[str, Any]) -> None:
    definition = resource.get("Properties", {}).get("DefinitionString")
    if isinstance(definition, dict) and "Fn::Sub" in definition:
        raise DeployError(
            "a state machine DefinitionString built with Fn::Sub cannot run locally: moto's Fn::Sub turns "
            "$$.Task.Token into $.Task.Token. Use DefinitionUri/Definition with DefinitionSubstitutions."
        )


def _stand_in(logical_id: str, resource: dict[str, Any], api_url: str) -> tuple[str, dict[str, str]]:
    kind = resource.get("Type", "")
    properties = resource.get("Properties") or {}
    if kind in ("AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"):
        stage = properties.get("StageName")
        return (stage if isinstance(stage, str) else "local"), {}
    if kind == "AWS::ApiGatewayV2::Api":
        fake_id = hashlib.sha256(logical_id.encode()).hexdigest()[:10]
        return fake_id, {"ApiId": fake_id, "ApiEndpoint": api_url}
    return f"{logical_id}-local", {}


def _replace_references(node: Any, stand_ins: dict[str, str], attributes: dict[tuple[str, str], str]) -> Any:
    if isinstance(node, list):
        return [_replace_references(item, stand_ins, attributes) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Ref"} and node["Ref"] in stand_ins:
        return stand_ins[node["Ref"]]
    if set(node) == {"Fn::GetAtt"}:
        target = node["Fn::GetAtt"]
        parts = target.split(".", 1) if isinstance(target, str) else list(target)
        if parts and parts[0] in stand_ins:
            return attributes.get((parts[0], str(parts[1]) if len(parts) > 1 else ""), f"{parts[0]}-local")
    if set(node) == {"Fn::Sub"}:
        value = node["Fn::Sub"]
        if isinstance(value, str):
            return {"Fn::Sub": _replace_in_sub(value, stand_ins, attributes)}
        if isinstance(value, list) and value and isinstance(value[0], str):
            rest = [_replace_references(item, stand_ins, attributes) for item in value[1:]]
            return {"Fn::Sub": [_replace_in_sub(value[0], stand_ins, attributes), *rest]}
    return {key: _replace_references(value, stand_ins, attributes) for key, value in node.items()}


def _replace_in_sub(text: str, stand_ins: dict[str, str], attributes: dict[tuple[str, str], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, _, attribute = match.group(1).partition(".")
        if name not in stand_ins:
            return match.group(0)
        if attribute:
            return attributes.get((name, attribute), f"{name}-local")
        return stand_ins[name]

    return re.sub(r"\$\{([A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)\}", replace, text)


def _alias_sam_ids(sam_template: dict[str, Any], resources: dict[str, str], types: dict[str, str]) -> None:
    """Make SAM's own logical ids usable too (SAM renames layers to ``<Id><10 hex>``)."""
    for logical_id, resource in (sam_template.get("Resources") or {}).items():
        if logical_id in resources:
            continue
        if resource.get("Type") == "AWS::Serverless::LayerVersion":
            for candidate in list(resources):
                if re.fullmatch(re.escape(logical_id) + r"[0-9a-f]{10}", candidate):
                    resources[logical_id] = resources[candidate]
                    types[logical_id] = types[candidate]


# ---------------------------------------------------------------------------- stack creation
def _create_stack(
    cloudformation: Any, stack_name: str, template: dict[str, Any], parameters: dict[str, str]
) -> str:
    with _capture_moto_errors() as errors:
        try:
            response = cloudformation.create_stack(
                StackName=stack_name,
                TemplateBody=json.dumps(template),
                Parameters=[
                    {"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()
                ],
                Capabilities=_CAPABILITIES,
            )
        except Exception as error:
            detail = errors[-1] if errors else ""
            raise DeployError(
                f"moto could not create stack {stack_name}: {error}\n{detail}".rstrip()
            ) from error
    deadline = time.monotonic() + 60
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            return str(response["StackId"])
        if status.endswith("FAILED") or "ROLLBACK" in status:
            raise DeployError(f"stack {stack_name} ended in {status}: {stack.get('StackStatusReason', '')}")
        if time.monotonic() > deadline:
            raise DeployError(f"stack {stack_name} still {status} after 60 s")
        time.sleep(0.05)


class _ErrorCapture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + (logging.Formatter().formatException(record.exc_info))
        self.messages.append(text)


class _capture_moto_errors:  # noqa: N801 - used as a context manager
    """Collect the tracebacks werkzeug logs for failed requests, to explain a 500 from moto."""

    def __enter__(self) -> list[str]:
        self._handler = _ErrorCapture()
        logging.getLogger("werkzeug").addHandler(self._handler)
        return self._handler.messages

    def __exit__(self, *exc: object) -> None:
        logging.getLogger("werkzeug").removeHandler(self._handler)


def iter_resources(template: dict[str, Any], kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") == kind:
            yield logical_id, resource


__all__ = [
    "DeployError",
    "DeployResult",
    "deploy",
    "iter_resources",
    "make_deployable",
    "package",
    "transform",
]
