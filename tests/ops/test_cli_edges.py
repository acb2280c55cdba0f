"""The command line where a real team meets it first: no AWS settings, AWS saying no, files that would be
destroyed, and output that scripts read. Each case runs `main()` (or the installed command) as a shell
would and reads stdout, stderr and the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    ReadTimeoutError,
)
from pynamodb.exceptions import ScanError

from crisiswatch_ops import cli
from crisiswatch_ops.problems import EXIT_AWS, EXIT_USAGE, explain
from crisiswatch_ops.stack import Stack

CLI = Path(sys.executable).parent / "crisiswatch"
NAB_HEADER = "timestamp,value\n"


def client_error(code: str, operation: str = "DescribeStacks", message: str = "no") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


def bare_environment(home: Path, **extra: str) -> dict[str, str]:
    """A shell with no AWS settings at all: no variables, no ~/.aws, no instance metadata to ask."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("AWS_") and key not in {"CRISISWATCH_STACK_NAME", "CRISISWATCH_API_URL"}
    }
    environment.update(HOME=str(home), AWS_EC2_METADATA_DISABLED="true", **extra)
    return environment


# ----- what AWS and its configuration say, in a line and a hint ------------------------------------------


@pytest.mark.parametrize(
    ("error", "said", "hinted"),
    [
        (NoRegionError(), "no AWS region is set", "AWS_DEFAULT_REGION"),
        (NoCredentialsError(), "no usable AWS credentials", "make local"),
        (
            EndpointConnectionError(endpoint_url="http://127.0.0.1:5000/"),
            "cannot reach http://127.0.0.1:5000",
            "embedded runtime still running",
        ),
        (
            EndpointConnectionError(endpoint_url="https://dynamodb.eu-central-1.amazonaws.com/"),
            "cannot reach https://dynamodb.eu-central-1.amazonaws.com",
            "network or proxy",
        ),
        (ReadTimeoutError(endpoint_url="https://x.example"), "the AWS SDK failed", "-v"),
        (client_error("AccessDeniedException", "Scan"), "AWS refused Scan (AccessDeniedException)", "sts"),
        (client_error("ExpiredTokenException"), "AWS refused DescribeStacks (ExpiredTokenException)", "sts"),
        (client_error("ThrottlingException"), "AWS is throttling", "again"),
        (
            client_error("ResourceNotFoundException", "GetItem"),
            "a resource of the stack is missing",
            "deploy",
        ),
        (client_error("InternalFailure"), "AWS answered DescribeStacks with InternalFailure", "-v"),
    ],
)
def test_each_aws_error_becomes_a_line_and_a_hint(error: Exception, said: str, hinted: str) -> None:
    problem = explain(error)

    assert problem is not None
    assert said in problem.message
    assert hinted in problem.hint


def test_errors_wrapped_by_pynamodb_are_explained_by_their_cause() -> None:
    wrapped = ScanError("Failed to scan table", cause=client_error("AccessDeniedException", "Scan"))

    problem = explain(wrapped)

    assert problem is not None and problem.message == "AWS refused Scan (AccessDeniedException)"


def test_a_defect_is_not_mistaken_for_a_set_up_problem() -> None:
    assert explain(KeyError("outputs")) is None


def test_access_denied_on_the_stack_is_not_reported_as_a_missing_stack(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Denying:
        meta = type("Meta", (), {"endpoint_url": "https://cloudformation.eu-central-1.amazonaws.com"})

        def describe_stacks(self, **_: Any) -> Any:
            raise client_error("AccessDenied")

    monkeypatch.setattr("crisiswatch_ops.stack._default_client", lambda service: Denying())

    code = cli.main(["incidents"])

    err = capsys.readouterr().err
    assert code == EXIT_AWS
    assert err.splitlines()[0] == "crisiswatch incidents: AWS refused DescribeStacks (AccessDenied)"
    assert "no stack" not in err and "Traceback" not in err


def test_a_missing_stack_names_itself_and_how_to_choose_another(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Empty:
        meta = type("Meta", (), {"endpoint_url": "http://127.0.0.1:5000"})

        def describe_stacks(self, **_: Any) -> Any:
            raise client_error("ValidationError", message="Stack with id crisiswatch-qa does not exist")

    monkeypatch.setattr("crisiswatch_ops.stack._default_client", lambda service: Empty())

    code = cli.main(["dashboard", "--stack", "crisiswatch-qa"])

    lines = capsys.readouterr().err.splitlines()
    assert code == EXIT_AWS
    assert len(lines) == 2
    assert lines[0] == "crisiswatch dashboard: no stack named 'crisiswatch-qa' at http://127.0.0.1:5000"
    assert lines[1].startswith("  hint: ") and "--stack" in lines[1] and "CRISISWATCH_STACK_NAME" in lines[1]


@pytest.mark.parametrize(
    ("settings", "first_line"),
    [
        ({}, "crisiswatch incidents: no AWS region is set"),
        ({"AWS_DEFAULT_REGION": "eu-central-1"}, "crisiswatch incidents: no usable AWS credentials"),
        (
            {
                "AWS_DEFAULT_REGION": "eu-central-1",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AWS_MAX_ATTEMPTS": "1",
            },
            "crisiswatch incidents: cannot reach http://127.0.0.1:9",
        ),
    ],
)
def test_the_installed_command_without_aws_settings_says_what_is_missing(
    tmp_path: Path, settings: dict[str, str], first_line: str
) -> None:
    ran = subprocess.run(
        [str(CLI), "incidents"],
        env=bare_environment(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert ran.returncode == EXIT_AWS
    assert ran.stdout == ""
    lines = ran.stderr.splitlines()
    assert lines[0].startswith(first_line)
    assert lines[1].startswith("  hint: ")
    assert len(lines) == 2, ran.stderr  # no traceback


def test_verbose_adds_the_traceback_for_a_bug_report(
    tmp_path: Path,
) -> None:
    ran = subprocess.run(
        [str(CLI), "-v", "incidents"],
        env=bare_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert ran.returncode == EXIT_AWS
    assert "Traceback" in ran.stderr and "NoRegionError" in ran.stderr
    assert ran.stderr.splitlines()[-2] == "crisiswatch incidents: no AWS region is set"


def test_version_and_the_exit_codes_are_documented(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("crisiswatch 0.")

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    helped = capsys.readouterr().out
    for code in ("0  done", "1  the command ran", "2  bad arguments", "3  AWS or its configuration"):
        assert code in helped


# ----- detect never destroys a file ----------------------------------------------------------------------


def series(rows: int) -> str:
    """A NAB file of `rows` five-minute counts."""
    return NAB_HEADER + "".join(f"2015-02-26 {i // 12:02d}:{i % 12 * 5:02d}:00,{i}\n" for i in range(rows))


def detect(capsys: pytest.CaptureFixture[str], source: Path, target: Path) -> tuple[int, str]:
    code = cli.main(["detect", "--input", str(source), "--output", str(target)])
    return code, capsys.readouterr().err


def test_detect_refuses_to_write_over_its_own_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(series(10), encoding="utf-8")
    link = tmp_path / "same.csv"
    link.hardlink_to(source)

    for target in (source, tmp_path / "." / "counts.csv", link):
        code, err = detect(capsys, source, target)

        assert code == EXIT_USAGE
        assert "is the input file itself" in err
        assert source.read_text(encoding="utf-8") == series(10)


def test_a_rejected_input_leaves_an_existing_output_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "not-nab.csv"
    source.write_text("when,count\n2015-02-26 00:00:00,3\n", encoding="utf-8")
    target = tmp_path / "scores.csv"
    target.write_text("yesterday's scores\n", encoding="utf-8")

    code, err = detect(capsys, source, target)

    assert code == EXIT_USAGE and "timestamp,value" in err
    assert target.read_text(encoding="utf-8") == "yesterday's scores\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["not-nab.csv", "scores.csv"]


def test_an_interrupted_detect_leaves_the_output_and_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(series(10), encoding="utf-8")
    target = tmp_path / "scores.csv"
    target.write_text("kept\n", encoding="utf-8")

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("crisiswatch_ops.analysis.detect_csv", interrupted)

    assert cli.main(["detect", "--input", str(source), "--output", str(target)]) == 130
    assert target.read_text(encoding="utf-8") == "kept\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["counts.csv", "scores.csv"]


def test_detect_replaces_the_output_whole_with_the_usual_permissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(series(10), encoding="utf-8")
    target = tmp_path / "scores.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o644)

    code, err = detect(capsys, source, target)

    assert code == 0, err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "timestamp,value,anomaly_score" and len(lines) == 11
    assert target.stat().st_mode & 0o777 == 0o644


def test_an_oversized_field_is_a_bad_row_like_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = series(4).splitlines(keepends=True)
    rows.insert(3, "2015-02-26 00:07:00," + "9" * 200_000 + "\n")  # line 4 of the file
    source = tmp_path / "counts.csv"
    source.write_text("".join(rows), encoding="utf-8")
    target = tmp_path / "scores.csv"

    code, err = detect(capsys, source, target)

    assert code == 0, err
    assert "1 unreadable rows (lines 4;" in err and "131,072 characters" in err
    written = target.read_text(encoding="utf-8").splitlines()
    assert len(written) == len(rows)  # row for row, the bad one included
    assert written[3] == ",,0.000000"
    assert written[4].startswith("2015-02-26 00:10:00,2,")


def test_detect_reports_a_missing_input_and_a_missing_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "counts.csv"
    source.write_text(series(3), encoding="utf-8")

    code, err = detect(capsys, tmp_path / "nothing.csv", tmp_path / "scores.csv")
    assert code == EXIT_USAGE and "nothing.csv" in err

    code, err = detect(capsys, source, tmp_path / "no" / "such" / "scores.csv")
    assert code == EXIT_USAGE and "is not a folder" in err


# ----- JSON that scripts can read ------------------------------------------------------------------------


def test_every_read_command_has_json(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    for name in ("incidents", "show", "timeline", "pending", "dashboard"):
        options = {option for action in commands[name]._actions for option in action.option_strings}
        assert "--json" in options, name


def test_dashboard_json_is_one_object(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = Stack(
        "s", {"DashboardUrl": "http://127.0.0.1:3000/dashboard", "DashboardPasswordSecretArn": "arn"}
    )
    monkeypatch.setattr(Stack, "find", classmethod(lambda cls, name=None: stack))
    monkeypatch.setattr(Stack, "dashboard_password", lambda self: "s3cret")

    assert cli.main(["dashboard", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "url": "http://127.0.0.1:3000/dashboard",
        "user": "manager",
        "password": "s3cret",
    }
