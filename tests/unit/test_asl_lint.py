"""Lint the escalation state machine against the template that deploys it.

Step Functions only validates a definition at deploy time; these catch the mistakes that would otherwise
surface as a failed deployment or, worse, an execution stuck RUNNING for a year.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.template import ROOT, load_template

ASL_PATH = ROOT / "statemachines" / "crisis_plan.asl.json"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")


def state_machine() -> dict[str, Any]:
    resources = load_template()["Resources"]
    (machine,) = [
        props
        for r in resources.values()
        if r["Type"] == "AWS::Serverless::StateMachine"
        and Path(str((props := r["Properties"]).get("DefinitionUri", ""))) == ASL_PATH.relative_to(ROOT)
    ]
    return dict(machine)


def substitutions() -> dict[str, Any]:
    return dict(state_machine()["DefinitionSubstitutions"])


def raw_asl() -> str:
    return ASL_PATH.read_text(encoding="utf-8")


def stored_asl() -> dict[str, Any]:
    """The file as kept in git: plain JSON that asl-validator and Workflow Studio accept."""
    return json.loads(raw_asl())  # type: ignore[no-any-return]


def dummy(key: str) -> str:
    if key.endswith("Arn"):
        return f"arn:aws:lambda:eu-west-1:123456789012:function:{key}"
    return f"{key}-value"


def definition() -> dict[str, Any]:
    return json.loads(PLACEHOLDER.sub(lambda m: dummy(m.group(1)), raw_asl()))  # type: ignore[no-any-return]


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def all_states(states: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from all_states(branch["States"])
        if "ItemProcessor" in state or "Iterator" in state:
            yield from all_states((state.get("ItemProcessor") or state["Iterator"])["States"])


def transitions(state: dict[str, Any]) -> list[str]:
    targets = [state["Next"]] if "Next" in state else []
    targets += [catcher["Next"] for catcher in state.get("Catch", [])]
    targets += [choice["Next"] for choice in state.get("Choices", [])]
    targets += [state["Default"]] if "Default" in state else []
    return targets


def tasks() -> list[tuple[str, dict[str, Any]]]:
    return [(name, s) for name, s in all_states(definition()["States"]) if s["Type"] == "Task"]


def test_every_placeholder_has_a_substitution_and_every_substitution_is_used() -> None:
    used = set(PLACEHOLDER.findall(raw_asl()))

    assert used, "the definition should take its ARNs and timeouts from the template"
    assert used - set(substitutions()) == set(), "placeholders the template does not substitute"
    assert set(substitutions()) - used == set(), "substitutions the definition never uses"


def test_the_definition_is_valid_json_as_stored_and_every_placeholder_is_a_whole_string() -> None:
    data = stored_asl()

    assert data["StartAt"] in data["States"]
    placeholders = [text for text in strings(data) if PLACEHOLDER.search(text)]
    assert placeholders, "the ARNs come from the template"
    # A whole string: substitution cannot turn it into a number or break the JSON around it.
    assert [text for text in placeholders if not PLACEHOLDER.fullmatch(text)] == []
    assert len(placeholders) == len(PLACEHOLDER.findall(raw_asl())), "a placeholder outside a JSON string"


def test_the_definition_is_valid_json_once_substituted() -> None:
    data = definition()

    assert data["StartAt"] in data["States"]
    assert not PLACEHOLDER.search(json.dumps(data))


def test_every_wait_for_a_task_token_times_out() -> None:
    waiting = [(name, s) for name, s in tasks() if s["Resource"].endswith(".waitForTaskToken")]

    assert waiting, "the escalation waits for people: there must be callback tasks"
    for name, state in waiting:
        assert {"TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath"} & set(
            state
        ), name
        assert "$$.Task.Token" in json.dumps(state["Parameters"]), f"{name} never hands out its task token"


def test_every_callback_waits_as_long_as_the_cursor_it_hands_out() -> None:
    """Timeouts come from a cursor (the policy times PolicyMinuteSeconds, or MonitorIntervalSeconds and
    ReviewTimeoutSeconds through CrisisPlanFunction's environment), never from a hard-coded number, and
    the wait is the one the message tells its recipients about."""
    waiting = 0
    for name, state in tasks():
        if not state["Resource"].endswith(".waitForTaskToken"):
            continue
        waiting += 1
        assert "TimeoutSeconds" not in state and "HeartbeatSeconds" not in state, f"{name}: hard-coded wait"
        cursor = state["Parameters"]["Payload"].get("cursor.$")
        assert cursor, f"{name} hands out no cursor"
        assert state.get("TimeoutSecondsPath") == f"{cursor}.wait_seconds", f"{name} waits on another path"
    assert waiting >= 3, "tiers, monitoring and the review each wait for people"


def test_the_policy_cursor_is_scaled_by_a_template_parameter() -> None:
    template = load_template()
    minute = template["Parameters"]["PolicyMinuteSeconds"]
    assert minute["Default"] == 60 and minute["MinValue"] >= 1
    for function in ("CrisisPlanFunction", "RequestDecisionFunction"):
        variables = template["Resources"][function]["Properties"]["Environment"]["Variables"]
        assert variables["POLICY_MINUTE_SECONDS"] == {"Ref": "PolicyMinuteSeconds"}, function
        for env, parameter in (
            ("OWNER_RESPONSE_SECONDS", "OwnerResponseSeconds"),
            ("MONITOR_INTERVAL_SECONDS", "MonitorIntervalSeconds"),
            ("CALM_SECONDS", "CalmSeconds"),
            ("REVIEW_SECONDS", "ReviewTimeoutSeconds"),
        ):
            assert variables[env] == {"Ref": parameter}, f"{function}: {env}"


def test_every_wait_state_takes_its_time_from_the_plan() -> None:
    waits = [(name, state) for name, state in all_states(definition()["States"]) if state["Type"] == "Wait"]
    for name, state in waits:
        assert "SecondsPath" in state or "TimestampPath" in state, f"{name} waits a hard-coded time"


@pytest.mark.parametrize("field", ["Retry", "Catch"])
def test_every_task_retries_and_catches(field: str) -> None:
    missing = [name for name, state in tasks() if not state.get(field)]
    assert missing == []


def test_states_all_comes_last_in_every_retry_and_catch() -> None:
    for name, state in tasks():
        for field in ("Retry", "Catch"):
            rules = state.get(field, [])
            for index, rule in enumerate(rules):
                if "States.ALL" in rule["ErrorEquals"]:
                    assert rule["ErrorEquals"] == ["States.ALL"], f"{name}: States.ALL must stand alone"
                    assert index == len(rules) - 1, f"{name}: States.ALL must be the last {field}"


def test_a_timed_out_tier_escalates_rather_than_failing() -> None:
    for name, state in tasks():
        if not state["Resource"].endswith(".waitForTaskToken"):
            continue
        timeout_targets = [c["Next"] for c in state["Catch"] if "States.Timeout" in c["ErrorEquals"]]
        assert timeout_targets, f"{name} has no path for a tier that stays silent"


def test_every_next_names_an_existing_state() -> None:
    states = dict(all_states(definition()["States"]))
    for name, state in states.items():
        for target in transitions(state):
            assert target in states, f"{name} -> {target!r} does not exist"


def test_every_state_ends_or_moves_on() -> None:
    for name, state in all_states(definition()["States"]):
        if state["Type"] in {"Succeed", "Fail", "Choice"}:
            continue
        assert ("Next" in state) != bool(state.get("End")), f"{name} needs exactly one of Next or End"


def test_every_state_is_reachable() -> None:
    data = definition()
    states = data["States"]
    seen, todo = set(), [data["StartAt"]]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(transitions(states[name]))

    assert set(states) - seen == set()


def test_the_substitutions_point_at_resources_the_template_defines() -> None:
    template = load_template()
    names = set(template["Resources"]) | set(template.get("Parameters", {}))
    for key, value in substitutions().items():
        reference = value.get("Ref") or value.get("Fn::GetAtt", "")
        logical_id = (reference if isinstance(reference, str) else reference[0]).split(".")[0]
        assert logical_id in names, f"{key} refers to {logical_id}, which the template does not define"
