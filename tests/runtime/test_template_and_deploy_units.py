"""Template loading, packaging and the moto adaptations of a transformed template."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from crisiswatch_ops.runtime.deploy import DeployError, make_deployable, zip_directory
from crisiswatch_ops.runtime.template import load_template


def test_short_form_tags_load_as_cloudformation_json(tmp_path: Path):
    path = tmp_path / "template.yaml"
    path.write_text(
        "Resources:\n"
        "  T:\n"
        "    Type: AWS::SNS::Topic\n"
        "    Properties:\n"
        "      TopicName: !Sub '${AWS::StackName}-t'\n"
        "      Tags: [{Key: a, Value: !GetAtt X.Arn}, {Key: b, Value: !Ref P}]\n"
        "      DisplayName: !If [C, !Join ['-', [a, b]], !Select [0, [x]]]\n"
    )
    properties = load_template(path)["Resources"]["T"]["Properties"]
    assert properties["TopicName"] == {"Fn::Sub": "${AWS::StackName}-t"}
    assert properties["Tags"] == [
        {"Key": "a", "Value": {"Fn::GetAtt": ["X", "Arn"]}},
        {"Key": "b", "Value": {"Ref": "P"}},
    ]
    assert properties["DisplayName"] == {
        "Fn::If": ["C", {"Fn::Join": ["-", ["a", "b"]]}, {"Fn::Select": [0, ["x"]]}]
    }


def test_zips_are_deterministic(tmp_path: Path):
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "app.py").write_text("x = 1\n")
    (tmp_path / "code" / "__pycache__").mkdir()
    (tmp_path / "code" / "__pycache__" / "app.cpython-311.pyc").write_bytes(b"junk")
    first = zip_directory(tmp_path / "code")
    (tmp_path / "code" / "app.py").touch()  # a new mtime must not change the artifact
    assert zip_directory(tmp_path / "code") == first
    assert zipfile.ZipFile(BytesIO(first)).namelist() == ["app.py"]


def test_the_zip_cache_returns_the_same_artifact_until_the_directory_changes(tmp_path: Path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "app.py").write_text("x = 1\n")
    cache = tmp_path / "cache"
    first = zip_directory(code, cache=cache)
    assert zip_directory(code, cache=cache) == first == zip_directory(code)
    assert len(list(cache.glob("*.zip"))) == 1
    (code / "app.py").write_text("x = 2\n")
    changed = zip_directory(code, cache=cache)
    assert changed != first and zipfile.ZipFile(BytesIO(changed)).read("app.py") == b"x = 2\n"


def test_unsupported_resources_become_stand_ins_and_references_follow():
    template = {
        "Resources": {
            "HttpApi": {"Type": "AWS::ApiGatewayV2::Api", "Properties": {"Body": {}}},
            "HttpApiStage": {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {"StageName": "live"}},
            "RestApi": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": {"info": {"title": "t"}}}},
            "RestDeployment": {
                "Type": "AWS::ApiGateway::Deployment",
                "Properties": {"RestApiId": {"Ref": "RestApi"}},
            },
            "RestStage": {"Type": "AWS::ApiGateway::Stage", "Properties": {"StageName": "v1"}},
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "DependsOn": ["RestStage", "RestApi"],
                "Properties": {
                    "Environment": {
                        "Variables": {
                            "HTTP": {"Fn::GetAtt": ["HttpApi", "ApiEndpoint"]},
                            "STAGE": {"Ref": "RestStage"},
                            "URL": {
                                "Fn::Sub": "https://${HttpApi}.example/${RestStage}/${RestApi}/${!Literal}"
                            },
                        }
                    }
                },
            },
        },
        "Outputs": {"Api": {"Value": {"Ref": "HttpApi"}}},
    }
    stand_ins = make_deployable(template, "http://127.0.0.1:1234")
    assert set(stand_ins) == {"HttpApi", "HttpApiStage", "RestDeployment", "RestStage"}
    resources = template["Resources"]
    assert resources["RestApi"]["Properties"] == {"Name": "t"}  # moto creates it, without the body
    variables = resources["Fn"]["Properties"]["Environment"]["Variables"]
    api_id = stand_ins["HttpApi"]
    assert variables == {
        "HTTP": "http://127.0.0.1:1234",
        "STAGE": "v1",
        "URL": {"Fn::Sub": f"https://{api_id}.example/v1/${{RestApi}}/${{!Literal}}"},
    }
    assert resources["Fn"]["DependsOn"] == ["RestApi"]
    assert template["Outputs"]["Api"]["Value"] == api_id


def test_a_definition_built_with_fn_sub_is_refused():
    template = {
        "Resources": {
            "M": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {"DefinitionString": {"Fn::Sub": '{"a": "$$.Task.Token"}'}},
            }
        }
    }
    with pytest.raises(DeployError, match=r"\$\$\.Task\.Token"):
        make_deployable(template, "http://127.0.0.1:1")
