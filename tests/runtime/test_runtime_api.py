"""The template's REST API on the local HTTP server, with real proxy events."""

from __future__ import annotations

import base64
import http.client
import json
import urllib.parse
from typing import Any

import pytest

from crisiswatch_ops.runtime import LocalRuntime

pytestmark = pytest.mark.runtime


def _request(
    runtime: LocalRuntime,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, list[tuple[str, str]], bytes]:
    url = urllib.parse.urlsplit(runtime.api_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _echo(body: bytes) -> dict[str, Any]:
    event = json.loads(body)
    assert isinstance(event, dict)
    return event


def test_get_receives_a_rest_proxy_event(runtime: LocalRuntime):
    status, headers, body = _request(
        runtime, "GET", "/decisions/abc-1?x=1&x=2&empty=", headers={"User-Agent": "api-test", "X-Trace": "t1"}
    )
    assert status == 200
    event = _echo(body)
    assert (event["resource"], event["path"], event["httpMethod"]) == (
        "/decisions/{decisionId}",
        "/decisions/abc-1",
        "GET",
    )
    assert event["pathParameters"] == {"decisionId": "abc-1"}
    assert event["queryStringParameters"] == {"x": "2", "empty": ""}
    assert event["multiValueQueryStringParameters"] == {"x": ["1", "2"], "empty": [""]}
    assert event["headers"]["X-Trace"] == "t1" and event["multiValueHeaders"]["X-Trace"] == ["t1"]
    assert event["headers"]["X-Forwarded-For"] == "127.0.0.1"
    assert event["stageVariables"] == {"flavour": "local"}
    assert (event["body"], event["isBase64Encoded"]) == (None, False)
    context = event["requestContext"]
    assert (context["stage"], context["resourcePath"], context["path"]) == (
        "v1",
        "/decisions/{decisionId}",
        "/v1/decisions/abc-1",
    )
    assert context["apiId"] == runtime.resources["ApprovalApi"] and context["httpMethod"] == "GET"
    assert context["identity"]["sourceIp"] == "127.0.0.1" and context["identity"]["userAgent"] == "api-test"
    assert isinstance(context["requestTimeEpoch"], int) and context["requestId"]
    assert ("X-Echo", "yes") in headers
    assert [value for name, value in headers if name == "Set-Cookie"] == ["first=1", "second=2"]


def test_post_passes_the_body_and_the_status_code_back(runtime: LocalRuntime):
    payload = json.dumps({"decision": "approve", "note": "ünïcode"}).encode()
    status, _, body = _request(
        runtime, "POST", "/decisions/abc-2", payload, {"Content-Type": "application/json"}
    )
    assert status == 201
    event = _echo(body)
    assert event["httpMethod"] == "POST" and json.loads(event["body"]) == {
        "decision": "approve",
        "note": "ünïcode",
    }
    assert event["isBase64Encoded"] is False


def test_head_reaches_the_function_as_head_and_the_body_is_dropped(runtime: LocalRuntime):
    status, headers, body = _request(runtime, "HEAD", "/files/reports/q1.csv")
    assert status == 200 and body == b""
    assert int(dict(headers)["Content-Length"]) > 0
    log = (runtime.state_dir / "logs" / f"{runtime.resources['ApiFunction']}.log").read_text()
    assert "api HEAD /files/reports/q1.csv" in log


def test_greedy_path_parameter(runtime: LocalRuntime):
    status, _, body = _request(runtime, "DELETE", "/files/a/b/c.txt")
    assert status == 200
    event = _echo(body)
    assert event["resource"] == "/files/{proxy+}" and event["pathParameters"] == {"proxy": "a/b/c.txt"}


def test_unknown_routes_and_methods_answer_like_api_gateway(runtime: LocalRuntime):
    for method, path in (("GET", "/nowhere"), ("PUT", "/decisions/abc"), ("GET", "/files")):
        status, _, body = _request(runtime, method, path)
        assert (status, json.loads(body)) == (403, {"message": "Missing Authentication Token"}), (
            method,
            path,
        )


def test_a_function_error_is_a_502(runtime: LocalRuntime):
    status, _, body = _request(runtime, "GET", "/files/boom")
    assert (status, json.loads(body)) == (502, {"message": "Internal server error"})


def test_binary_responses_are_decoded_for_binary_media_types(runtime: LocalRuntime):
    status, headers, body = _request(
        runtime, "GET", "/files/binary", headers={"Accept": "application/octet-stream"}
    )
    assert status == 200 and body == b"\x00\x01\x02binary"
    assert dict(headers)["Content-Type"] == "application/octet-stream"


def test_binary_request_bodies_arrive_base64_encoded(runtime: LocalRuntime):
    raw = bytes(range(256))
    status, _, body = _request(
        runtime, "POST", "/files/upload", raw, {"Content-Type": "application/octet-stream"}
    )
    event = _echo(body)
    assert status == 201 and event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == raw


def test_bodies_over_10_mb_are_refused(runtime: LocalRuntime):
    status, _, body = _request(runtime, "POST", "/decisions/big", b"x" * (10 * 1024 * 1024 + 1))
    assert (status, json.loads(body)) == (413, {"message": "Request Too Long"})


def test_http_api_routes_receive_a_v2_event(runtime: LocalRuntime):
    status, headers, body = _request(
        runtime, "GET", "/v2/ping/ada?a=1&a=2", headers={"Cookie": "c1=x; c2=y", "X-Multi": "m"}
    )
    assert status == 200
    event = _echo(body)
    assert (event["version"], event["routeKey"], event["rawPath"]) == (
        "2.0",
        "GET /v2/ping/{name}",
        "/v2/ping/ada",
    )
    assert event["rawQueryString"] == "a=1&a=2" and event["queryStringParameters"] == {"a": "1,2"}
    assert event["pathParameters"] == {"name": "ada"} and event["cookies"] == ["c1=x", "c2=y"]
    assert event["headers"]["x-multi"] == "m"
    context = event["requestContext"]
    assert context["http"]["method"] == "GET" and context["stage"] == "$default"
    assert context["apiId"] == runtime.resources["ServerlessHttpApi"]  # a stand-in id: moto has no HTTP APIs
    assert runtime.outputs["HttpApiUrl"] == f"https://{context['apiId']}.execute-api.us-east-1.amazonaws.com/"
    assert ("Set-Cookie", "v2=1") in headers
