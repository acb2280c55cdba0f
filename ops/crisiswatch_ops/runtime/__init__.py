"""The embedded local runtime: CrisisWatch's SAM app running against moto, in one process.

Operator-side only (never shipped inside a Lambda). No Docker, no AWS account, no internet::

    from crisiswatch_ops.runtime import LocalRuntime

    with LocalRuntime(project_root, state_dir) as rt:
        rt.scheduler.tick("FetchScheduleRule")
        rt.streams.wait_until_idle(10)
        print(rt.outbox.messages(protocol="email"))

Pieces: ``build`` (sam build), ``server`` (moto in server mode), ``patches`` (one module per fix
to moto), ``deploy`` (package + SAM transform + CloudFormation in moto), ``lambda_runner`` and
``worker_bootstrap`` (warm Python workers for Lambda), ``streams`` (DynamoDB stream pollers),
``destinations`` (on-failure invocation records), ``metrics`` (Lambda and SQS metrics in
CloudWatch), ``alarms`` (a small alarm evaluator), ``scheduler`` (EventBridge schedules on a virtual
clock), ``outbox`` (SNS email/SMS), ``api_gateway`` (the template's API routes on a local HTTP
server), and ``stepfunctions`` (a state machine's waits end when a test or a demo says the time ran
out: ``rt.stepfunctions.expire_wait``).
"""

from __future__ import annotations

from .api_gateway import ApiGateway, Route
from .build import BuildError
from .deploy import DeployError, DeployResult
from .lambda_runner import Invocation, LambdaRunner
from .local_runtime import LocalRuntime, RuntimeOptions
from .outbox import Delivery, Outbox
from .scheduler import FireResult, Scheduler, VirtualClock
from .stepfunctions import StepFunctionsClock, Wait
from .streams import MappingStats, StreamPollers

__all__ = [
    "ApiGateway",
    "BuildError",
    "Delivery",
    "DeployError",
    "DeployResult",
    "FireResult",
    "Invocation",
    "LambdaRunner",
    "LocalRuntime",
    "MappingStats",
    "Outbox",
    "Route",
    "RuntimeOptions",
    "Scheduler",
    "StepFunctionsClock",
    "StreamPollers",
    "VirtualClock",
    "Wait",
]
