"""Cold start of every function and the size of every layer, from `sam build`'s output.

* Cold start: the import of each function's handler module (`app`) in a fresh interpreter, median of
  5, as Lambda's init would do it: no site-packages (-S), no bytecode written (Lambda's /var/task and
  /opt are read-only), the function's code first on the path, then its layers in the template's order
  (the global CoreLayer first), then what Lambda's python3.11 runtime provides besides the standard
  library (boto3, botocore..., linked from this environment). Beside each figure: how many modules the
  import loaded and whether the source connectors (`crisiswatch_sources`, feedparser) are among them.
* Reference in the same run: `import boto3` alone, the same way (what the runtime's own SDK costs).
* Layers: unzipped bytes and files of `.aws-sam/build/<Layer>/`, and the layers each function carries.

Reference figures recorded before the source connectors left the CoreLayer (issue 16), on 2026-12-07
(a 2-core machine busy with other benchmarks): the build of commit ee4abab and the build after the move,
imported alternately, function by function, with this module's probe (median of 7 each; `import boto3`
the same way, 186 ms in that run). Alternating keeps the two sides under the same load; separate runs of
this module swing by half on that machine, whereas the module counts do not vary at all:

    function                   before    modules   after    modules   after/before
    ActionLinksFunction        334 ms      617     327 ms     617       0.98
    CrisisPlanFunction         258 ms      522     270 ms     522       1.05
    DashboardFunction          376 ms      624     363 ms     624       0.97
    FetchMentionsFunction      293 ms      554     261 ms     554       0.89
    FetchSourceFunction        419 ms      672     388 ms     673       0.93
    PublishStatementFunction   276 ms      515     239 ms     515       0.87
    RequestDecisionFunction    255 ms      515     274 ms     515       1.07
    ScoreMentionsFunction      261 ms      565     245 ms     565       0.94
    StartEscalationFunction    282 ms      559     276 ms     559       0.98
    WriteReportFunction        370 ms      548     333 ms     548       0.90

    before: CoreLayer 46,919,716 bytes, 3,564 files (every function; the connectors, requests,
            feedparser, feedparser-sgmllib, charset_normalizer and idna included)
    after:  CoreLayer 44,135,902 bytes, 3,352 files (every function)
            SourcesLayer 2,784,388 bytes, 216 files (FetchSourceFunction)

No handler but FetchSource's imported the connectors even then (they were imported where used): what the
move changes is what every other function ships, not what it loads. The module counts show that no
function's init grew (FetchSource's one more entry is a `requests.packages` alias of urllib3 modules
botocore had already loaded, now that the connectors are imported after `crisiswatch`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from crisiswatch_ops.runtime.template import load_template

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / ".aws-sam" / "build"
RUNS = 5
LAMBDA_RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
SOURCE_MODULES = ("crisiswatch_sources", "crisiswatch.adapters.sources", "feedparser", "sgmllib")
"""Loaded only where the source connectors run (FetchSource): the connectors (before issue 16 they were
`crisiswatch.adapters.sources`, in the CoreLayer) and their feed parser."""

_PROBE = """
import json, sys, time
started = time.perf_counter()
import {module}
elapsed = time.perf_counter() - started
print(json.dumps([elapsed, sorted(sys.modules)]))
"""


def _layer_names(template: dict[str, Any], resource: dict[str, Any]) -> list[str]:
    """The function's layers in order: the global ones first, then its own (as SAM merges them)."""
    global_layers = template.get("Globals", {}).get("Function", {}).get("Layers", [])
    names = []
    for layer in [*global_layers, *resource.get("Properties", {}).get("Layers", [])]:
        name = layer.get("Ref") if isinstance(layer, dict) else layer
        if isinstance(name, str) and name not in names:
            names.append(name)
    return names


def functions_and_layers() -> tuple[dict[str, list[str]], list[str]]:
    """Each function of the built template with its layers; every layer, in the template's order."""
    template = load_template(BUILD / "template.yaml")
    resources = template.get("Resources", {})
    functions = {
        name: _layer_names(template, resource)
        for name, resource in sorted(resources.items())
        if resource.get("Type") == "AWS::Serverless::Function"
    }
    layers = [
        name
        for name, resource in resources.items()
        if resource.get("Type") == "AWS::Serverless::LayerVersion"
    ]
    return functions, layers


def lambda_runtime(folder: Path) -> Path:
    """A folder with the runtime's packages linked from this environment's site-packages."""
    site = Path(sysconfig.get_paths()["purelib"])
    for name in LAMBDA_RUNTIME_PACKAGES:
        for source in (site / name, site / f"{name}.py"):
            if source.exists():
                (folder / source.name).symlink_to(source)
    return folder


def _layer_path(layer: str) -> Path:
    return BUILD / layer / "python"


def cold_start(
    folder: Path, layers: list[str], runtime: Path, module: str = "app"
) -> tuple[float, list[str]]:
    """Median seconds to import `module` in fresh interpreters, and the modules the last import loaded."""
    paths = [str(folder), *(str(_layer_path(layer)) for layer in layers if _layer_path(layer).is_dir())]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join([*paths, str(runtime)]),
        "PYTHONDONTWRITEBYTECODE": "1",
        "LAMBDA_TASK_ROOT": str(folder),
        "POWERTOOLS_SERVICE_NAME": "crisiswatch",
        "POWERTOOLS_METRICS_NAMESPACE": "CrisisWatch",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    times: list[float] = []
    modules: list[str] = []
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-S", "-c", _PROBE.format(module=module)],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        elapsed, modules = json.loads(out.splitlines()[-1])
        times.append(float(elapsed))
    return statistics.median(times), modules


def layer_size(layer: str) -> tuple[int, int]:
    """Unzipped bytes and files of a built layer."""
    files = [path for path in (BUILD / layer).rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files), len(files)


def main() -> None:
    if not (BUILD / "template.yaml").is_file():
        print("Cold starts: not built (sam build first)\n")
        return
    functions, layers = functions_and_layers()
    print(f"Cold start of every function (import of its handler from sam build's output, median of {RUNS})")
    print(
        f"  {'function':<26} {'cold start':>10} {'boto3':>6} {'modules':>8}  {'sources loaded':<28}  layers"
    )
    with tempfile.TemporaryDirectory() as scratch:
        runtime = lambda_runtime(Path(scratch))
        boto3_seconds, boto3_modules = cold_start(Path(scratch), [], runtime, module="boto3")
        for function, its_layers in functions.items():
            seconds, modules = cold_start(BUILD / function, its_layers, runtime)
            loaded = [
                prefix
                for prefix in SOURCE_MODULES
                if any(name == prefix or name.startswith(prefix + ".") for name in modules)
            ]
            sources = ", ".join(loaded) if loaded else "no"
            print(
                f"  {function:<26} {seconds * 1000:7.0f} ms {seconds / boto3_seconds:5.1f}x "
                f"{len(modules):8d}  {sources:<28}  " + ", ".join(its_layers)
            )
    print(
        f"  {'reference: import boto3':<26} {boto3_seconds * 1000:7.0f} ms {1:5.1f}x {len(boto3_modules):8d}"
    )
    print("\nLayers as sam build makes them (unzipped)")
    for layer in layers:
        if not (BUILD / layer).is_dir():
            print(f"  {layer:<20} not built")
            continue
        size, files = layer_size(layer)
        users = [function for function, its_layers in functions.items() if layer in its_layers]
        carried = "every function" if len(users) == len(functions) else ", ".join(users)
        print(f"  {layer:<20} {size / 1e6:7.1f} MB {files:7,d} files  ({carried})")
    print()


if __name__ == "__main__":
    main()
