"""What checkov reads after the SAM transform: generated resources carry their SAM resource's skips."""

from __future__ import annotations

from typing import Any

from crisiswatch_ops.sam_transform import carry_checkov_skips, transformed
from tests.builders.template import load_template


def skip(check: str) -> dict[str, Any]:
    return {"Metadata": {"checkov": {"skip": [{"id": check, "comment": "why"}]}}}


def ids(resource: dict[str, Any]) -> list[str]:
    return [s["id"] for s in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])]


def test_skips_go_to_the_generated_resources_of_the_longest_matching_sam_id_only() -> None:
    sam = {
        "Api": skip("CKV_AWS_1"),
        "ApiFunction": skip("CKV_AWS_2"),
        "ApiLogGroup": {"Type": "AWS::Logs::LogGroup"},
    }
    cfn: dict[str, Any] = {
        "ApiProdStage": {},
        "ApiFunctionRole": skip("CKV_AWS_3"),
        "ApiLogGroup": {"Type": "AWS::Logs::LogGroup"},  # written in the template: left alone
        "Other": {},
    }

    carry_checkov_skips(sam, cfn)

    assert ids(cfn["ApiProdStage"]) == ["CKV_AWS_1"]
    assert ids(cfn["ApiFunctionRole"]) == ["CKV_AWS_3", "CKV_AWS_2"]
    assert ids(cfn["ApiLogGroup"]) == [] and ids(cfn["Other"]) == []


def test_the_transformed_template_has_what_sam_generates_with_the_templates_reasons() -> None:
    template = load_template()
    cfn = transformed(template)["Resources"]

    assert cfn["ActionApiProdStage"]["Type"] == "AWS::ApiGateway::Stage"
    assert "CKV_AWS_120" in ids(cfn["ActionApiProdStage"])
    assert cfn["ActionApiProdStage"]["Properties"]["TracingEnabled"] is True
    assert cfn["FetchMentionsFunction"]["Type"] == "AWS::Lambda::Function"
    assert ids(cfn["FetchMentionsFunction"]) == ids(template["Resources"]["FetchMentionsFunction"])
    assert cfn["FetchMentionsFunction"]["Properties"]["LoggingConfig"] == {
        "LogGroup": {"Ref": "FetchMentionsLogGroup"}
    }
