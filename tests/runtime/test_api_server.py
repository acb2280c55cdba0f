"""The local API server under attack: broken framing, odd methods and bursts, over raw sockets.

The server, its parsing and its routing are the real ones; only the function behind the route is a
stand-in (no moto, no Lambda), so every answer comes from the server itself. Nothing here measures
time: timeouts only bound a hang, so the tests pass on a heavily loaded machine.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from crisiswatch_ops.runtime.api_gateway import ApiGateway, Route

#: Bounds a hang only; a healthy answer takes milliseconds.
TIMEOUT_SECONDS = 60.0
ALLOW = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"


class _EchoGateway(ApiGateway):
    """The real gateway with a function that answers with the method and body it received."""

    def _invoke(self, function_name: str, event: dict[str, Any]) -> tuple[str, bool]:
        echo = {"method": event["httpMethod"], "body": event["body"]}
        return json.dumps({"statusCode": 200, "body": json.dumps(echo)}), False


@pytest.fixture(scope="module")
def gateway() -> Iterator[ApiGateway]:
    server = _EchoGateway("http://127.0.0.1:9")  # never reached: _invoke is the stand-in
    server.set_routes(
        [Route("Api", "abc123", "REST", "v1", "/{proxy+}", "ANY", "EchoFunction", "echo-function")]
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def message(self) -> Any:
        return json.loads(self.body)["message"]


def _exchange(gateway: ApiGateway, raw: bytes, *, half_close: bool = False) -> _Answer:
    """Send raw bytes and read until the server closes: every answer here must end the connection."""
    with socket.create_connection(("127.0.0.1", gateway.port), timeout=TIMEOUT_SECONDS) as sock:
        sock.sendall(raw)
        if half_close:  # the client has nothing more to send: a truncated message stays truncated
            sock.shutdown(socket.SHUT_WR)
        received = bytearray()
        while chunk := sock.recv(65536):
            received += chunk
    assert received, "the connection closed without an answer"
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    assert status_line.startswith("HTTP/1.1 "), status_line
    headers = {
        name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)
    }
    assert len(body) == int(headers["content-length"])
    return _Answer(int(status_line.split()[1]), headers, body)


def _post(extra_headers: str, body: bytes) -> bytes:
    return f"POST /items HTTP/1.1\r\nHost: local\r\n{extra_headers}\r\n\r\n".encode("latin-1") + body


CHUNKED = "Transfer-Encoding: chunked"

BROKEN_FRAMING = {
    "length-letters": (_post("Content-Length: abc", b"abc"), False),
    "length-negative": (_post("Content-Length: -1", b""), False),
    "length-signed": (_post("Content-Length: +3", b"abc"), False),
    "length-hex": (_post("Content-Length: 0x3", b"abc"), False),
    "length-empty": (_post("Content-Length:", b""), False),
    "length-20-digits": (_post("Content-Length: 99999999999999999999", b"abc"), False),
    "length-5000-digits": (_post("Content-Length: " + "9" * 5000, b"abc"), False),
    "lengths-that-differ": (_post("Content-Length: 3\r\nContent-Length: 4", b"abcd"), False),
    "length-list-that-differs": (_post("Content-Length: 3, 4", b"abcd"), False),
    "length-and-chunked": (_post(f"Content-Length: 3\r\n{CHUNKED}", b"3\r\nabc\r\n0\r\n\r\n"), False),
    "coding-not-chunked": (_post("Transfer-Encoding: gzip", b"abc"), False),
    "coding-gzip-then-chunked": (_post("Transfer-Encoding: gzip, chunked", b"3\r\nabc\r\n0\r\n\r\n"), False),
    "chunked-twice": (_post(f"{CHUNKED}\r\n{CHUNKED}", b"3\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-size-zz": (_post(CHUNKED, b"zz\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-size-empty": (_post(CHUNKED, b"\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-size-negative": (_post(CHUNKED, b"-3\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-size-0x": (_post(CHUNKED, b"0x3\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-size-40-digits": (_post(CHUNKED, b"f" * 40 + b"\r\nabc\r\n0\r\n\r\n"), False),
    "chunk-longer-than-its-size": (_post(CHUNKED, b"3\r\nabcdef\r\n0\r\n\r\n"), False),
    "chunked-cut-in-a-chunk": (_post(CHUNKED, b"a\r\nabc"), True),
    "chunked-cut-before-last-chunk": (_post(CHUNKED, b"3\r\nabc\r\n"), True),
    "chunked-cut-in-trailers": (_post(CHUNKED, b"3\r\nabc\r\n0\r\n"), True),
    "body-shorter-than-length": (_post("Content-Length: 10", b"abc"), True),
}

MALFORMED_REQUESTS = {
    "blank-request-line": b"\r\n",
    "one-word": b"GARBAGE\r\n\r\n",
    "http-0.9": b"GET /\r\n\r\n",
    "four-words": b"GET / x HTTP/1.1\r\nHost: local\r\n\r\n",
    "bad-version": b"GET / HTTP/abc\r\nHost: local\r\n\r\n",
    "header-without-colon": b"GET / HTTP/1.1\r\nHost: local\r\nno colon here\r\n\r\n",
    "space-before-colon": _post("Content-Length : 3", b"abc"),
    "folded-header": b"GET / HTTP/1.1\r\nHost: local\r\nX-A: 1\r\n continued\r\n\r\n",
    "nul-in-header": b"GET / HTTP/1.1\r\nHost: local\r\nX-A: 1\x002\r\n\r\n",
}


@pytest.mark.parametrize(("raw", "half_close"), BROKEN_FRAMING.values(), ids=BROKEN_FRAMING.keys())
def test_broken_framing_answers_400_and_closes(gateway: ApiGateway, raw: bytes, half_close: bool):
    answer = _exchange(gateway, raw, half_close=half_close)
    assert answer.status == 400, answer
    assert answer.headers["content-type"] == "application/json"
    assert answer.headers["connection"] == "close"
    assert isinstance(answer.message(), str) and answer.message()


@pytest.mark.parametrize("raw", MALFORMED_REQUESTS.values(), ids=MALFORMED_REQUESTS.keys())
def test_malformed_request_lines_and_headers_answer_400(gateway: ApiGateway, raw: bytes):
    answer = _exchange(gateway, raw)
    assert (answer.status, answer.headers["connection"]) == (400, "close"), answer
    assert answer.headers["content-type"] == "application/json" and answer.message()


def test_http_servers_own_refusals_have_the_same_shape(gateway: ApiGateway):
    for raw, status in (
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"X-A: 1\r\n" * 101 + b"\r\n", 431),
        (b"GET / HTTP/2.0\r\nHost: local\r\n\r\n", 400),  # a malformed request: never a 5xx
    ):
        answer = _exchange(gateway, raw)
        assert (answer.status, answer.headers["connection"]) == (status, "close"), answer
        assert answer.headers["content-type"] == "application/json" and answer.message()


@pytest.mark.parametrize(
    "request_line",
    [
        "TRACE /items HTTP/1.1",
        "PROPFIND /items HTTP/1.1",
        "CONNECT example.com:443 HTTP/1.1",
        "get /items HTTP/1.1",
        "Post /items HTTP/1.1",
        "BREW /pot HTTP/1.1",
        "ANY /items HTTP/1.1",
        "do_GET /items HTTP/1.1",
    ],
)
def test_methods_the_gateway_does_not_route_answer_405_with_allow(gateway: ApiGateway, request_line: str):
    answer = _exchange(gateway, f"{request_line}\r\nHost: local\r\n\r\n".encode())
    assert (answer.status, answer.headers["allow"]) == (405, ALLOW), answer
    assert answer.headers["connection"] == "close" and answer.message() == "Method Not Allowed"


def test_a_refused_request_can_still_send_its_whole_body_and_read_the_answer(gateway: ApiGateway):
    """The server drops what follows an early answer instead of resetting the connection."""
    body = b"<propfind/>" * 500_000  # 5.5 MB: more than the socket buffers hold
    raw = f"PROPFIND /items HTTP/1.1\r\nHost: local\r\nContent-Length: {len(body)}\r\n\r\n".encode()
    answer = _exchange(gateway, raw + body)  # sendall() fails with EPIPE if the server resets
    assert (answer.status, answer.headers["allow"]) == (405, ALLOW)


def test_routed_methods_and_well_framed_bodies_still_reach_the_function(gateway: ApiGateway):
    connection = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=TIMEOUT_SECONDS)
    try:  # one keep-alive connection for all of them
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            connection.request(method, "/items/1", body=b"x" if method != "GET" else None)
            response = connection.getresponse()
            assert (response.status, json.loads(response.read())["method"]) == (200, method)
        connection.request("HEAD", "/items/1")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b""
        connection.request("POST", "/items", body=iter([b"ab", b"cd"]), encode_chunked=True)
        response = connection.getresponse()
        assert (response.status, json.loads(response.read())["body"]) == (200, "abcd")
    finally:
        connection.close()
    chunked = b"2;ext=1\r\nab\r\n2\r\ncd\r\n0\r\nX-Trailer: t\r\n\r\n"  # extensions and trailers are fine
    answer = _exchange(gateway, _post(f"{CHUNKED}\r\nConnection: close", chunked))
    assert (answer.status, json.loads(answer.body)["body"]) == (200, "abcd")
    answer = _exchange(gateway, _post("Content-Length: 3, 3\r\nConnection: close", b"abc"))
    assert (answer.status, json.loads(answer.body)["body"]) == (200, "abc")


def test_200_simultaneous_requests_are_all_answered(gateway: ApiGateway):
    count = 200
    barrier = threading.Barrier(count)
    outcomes: list[int | str] = ["never ran"] * count

    def one(index: int) -> None:
        try:
            barrier.wait(timeout=TIMEOUT_SECONDS)  # every thread connects at the same moment
            raw = f"GET /items/{index} HTTP/1.1\r\nHost: local\r\nConnection: close\r\n\r\n".encode()
            outcomes[index] = _exchange(gateway, raw).status
        except Exception as error:  # reported below, with every other failure
            outcomes[index] = repr(error)

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    unanswered = [outcome for outcome in outcomes if not isinstance(outcome, int)]
    assert not unanswered, f"{len(unanswered)} of {count} got no answer, e.g. {unanswered[:3]}"
    assert all(isinstance(status, int) and status < 500 for status in outcomes), outcomes
    assert set(outcomes) == {200}
