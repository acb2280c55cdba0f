"""template.yaml as CloudFormation runs it (the SAM transform applied), for linters.

SAM generates the functions' roles and permissions, the API's deployment and stage and the state
machine's role from its own resources; checkov judges those only in the transformed template. A SAM
resource's checkov suppressions (``Metadata.checkov.skip``) are carried to the resources generated from
it, so every accepted finding is written once, in template.yaml, next to what it excuses.

Code locations become a placeholder S3 URI: the transform needs one and no linter reads the code.

    python -m crisiswatch_ops.sam_transform template.yaml .aws-sam/transformed/template.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from .runtime.deploy import transform
from .runtime.template import load_template

_CODE_PROPERTIES = ("CodeUri", "ContentUri", "DefinitionUri")
PLACEHOLDER_LOCATION = "s3://crisiswatch-lint/placeholder"


def transformed(template: dict[str, Any]) -> dict[str, Any]:
    """The CloudFormation template SAM makes of ``template``, suppressions carried over."""
    sam = json.loads(json.dumps(template))
    for resource in (sam.get("Resources") or {}).values():
        properties = resource.get("Properties") or {}
        for name in _CODE_PROPERTIES:
            if name in properties:
                properties[name] = PLACEHOLDER_LOCATION
    cfn = transform(sam, {})
    carry_checkov_skips(template.get("Resources") or {}, cfn.get("Resources") or {})
    return cfn


def carry_checkov_skips(sam_resources: dict[str, Any], cfn_resources: dict[str, Any]) -> None:
    """Give each generated resource the checkov skips of the SAM resource it came from (in place).

    SAM names what it generates after its resource (``ActionApi`` -> ``ActionApiProdStage``,
    ``FetchMentionsFunction`` -> ``FetchMentionsFunctionRole``): the longest SAM id that prefixes a
    generated id is its origin. Resources written in template.yaml keep their own Metadata.
    """
    origins = sorted(
        (name for name, resource in sam_resources.items() if _skips(resource)), key=len, reverse=True
    )
    for name, resource in cfn_resources.items():
        if name in sam_resources:
            continue
        origin = next((sam_id for sam_id in origins if name.startswith(sam_id)), None)
        if origin is None:
            continue
        checkov = resource.setdefault("Metadata", {}).setdefault("checkov", {})
        present = {skip["id"] for skip in checkov.get("skip", [])}
        carried = [skip for skip in _skips(sam_resources[origin]) if skip["id"] not in present]
        checkov["skip"] = [*checkov.get("skip", []), *carried]


def _skips(resource: dict[str, Any]) -> list[dict[str, Any]]:
    skips = ((resource.get("Metadata") or {}).get("checkov") or {}).get("skip") or []
    return list(skips)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m crisiswatch_ops.sam_transform TEMPLATE OUTPUT", file=sys.stderr)
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(transformed(load_template(source)), indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
