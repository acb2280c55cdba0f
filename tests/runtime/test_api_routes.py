"""Route discovery from a SAM template and API Gateway's route precedence."""

from __future__ import annotations

from crisiswatch_ops.runtime.api_gateway import Route, routes_from_template

TEMPLATE = {
    "Parameters": {"StageParam": {"Type": "String", "Default": "beta"}},
    "Resources": {
        "Api": {"Type": "AWS::Serverless::Api", "Properties": {"StageName": {"Ref": "StageParam"}}},
        "Items": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Events": {
                    "One": {
                        "Type": "Api",
                        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/items/{id}", "Method": "get"},
                    },
                    "New": {
                        "Type": "Api",
                        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/items/new", "Method": "get"},
                    },
                    "Any": {
                        "Type": "Api",
                        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/{proxy+}", "Method": "any"},
                    },
                    "Implicit": {"Type": "Api", "Properties": {"Path": "/health", "Method": "get"}},
                    "Http": {"Type": "HttpApi", "Properties": {"Path": "/v2/{id}", "Method": "POST"}},
                    "Schedule": {"Type": "Schedule", "Properties": {"Schedule": "rate(1 minute)"}},
                }
            },
        },
    },
}


def _best(routes: list[Route], method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    segments = [part for part in path.split("/") if part]
    scored = [
        (matched[0], route.method == method, route, matched[1])
        for route in routes
        if route.method in (method, "ANY") and (matched := route.match(segments)) is not None
    ]
    if not scored:
        return None
    best = max(scored, key=lambda item: (item[0], item[1]))
    return best[2], best[3]


def test_routes_come_from_api_and_http_api_events():
    routes = routes_from_template(TEMPLATE, {"Items": "items-fn", "Api": "abc123"}, {})
    summary = {(route.kind, route.method, route.path, route.stage, route.api_id) for route in routes}
    assert summary == {
        ("REST", "GET", "/items/{id}", "beta", "abc123"),
        ("REST", "GET", "/items/new", "beta", "abc123"),
        ("REST", "ANY", "/{proxy+}", "beta", "abc123"),
        ("REST", "GET", "/health", "Prod", routes[3].api_id),
        ("HTTP", "POST", "/v2/{id}", "$default", routes[4].api_id),
    }
    assert {route.function_name for route in routes} == {"items-fn"}
    assert routes_from_template(TEMPLATE, {}, {"StageParam": "prod"})[0].stage == "prod"


def test_precedence_literal_then_parameter_then_greedy_and_method_before_any():
    routes = routes_from_template(TEMPLATE, {}, {})
    literal = _best(routes, "GET", "/items/new")
    assert literal is not None and literal[0].path == "/items/new"
    parameter = _best(routes, "GET", "/items/42")
    assert parameter is not None and parameter[0].path == "/items/{id}" and parameter[1] == {"id": "42"}
    greedy = _best(routes, "DELETE", "/items/42/parts/7")
    assert greedy is not None and greedy[0].path == "/{proxy+}" and greedy[1] == {"proxy": "items/42/parts/7"}
    assert _best(routes, "GET", "/") is None  # {proxy+} needs at least one segment
