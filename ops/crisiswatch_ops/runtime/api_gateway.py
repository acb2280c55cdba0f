"""API Gateway stand-in: the template's Api/HttpApi routes on a local HTTP server.

moto cannot create SAM's OpenAPI-bodied REST APIs and ignores ``AWS_PROXY`` integrations, so the
routes are read from the SAM template (each function's ``Events`` of type ``Api`` for REST/v1 and
``HttpApi`` for HTTP APIs with payload format 2.0 or 1.0) and served by a stdlib
``ThreadingHTTPServer`` bound to 127.0.0.1. Each request becomes the proxy event API Gateway
builds and is passed to the function through moto's Lambda API (so the warm workers run it); the
proxy response is mapped back the way API Gateway maps it.

Like ``sam local start-api``, paths are served without the stage prefix (``/decisions/1``, not
``/v1/decisions/1``); ``requestContext.stage`` and ``requestContext.path`` carry the stage.

Behaviours kept from API Gateway: route precedence (literal segments, then ``{param}``, then
``{proxy+}``; an explicit method before ``ANY``); an unknown route or method answers 403
``{"message":"Missing Authentication Token"}`` for REST (404 ``Not Found`` for HTTP APIs); a
function error answers 502 ``{"message": "Internal server error"}`` (500 for HTTP APIs); a
malformed proxy response answers 502; HEAD reaches the function as HEAD and the body is dropped;
bodies over 10 MB answer 413; a function slower than 29 s answers 504; a base64 response body is
decoded for REST only when ``BinaryMediaTypes`` matches the response type or the ``Accept`` header.

Requests are refused before any route is looked at, always with an answer (JSON ``{"message": ...}``,
``Connection: close``), never by dropping the connection: broken framing (a bad or conflicting
``Content-Length``, a ``Transfer-Encoding`` other than ``chunked`` or next to a ``Content-Length``, a
bad or truncated chunk, a body shorter than announced) and malformed request or header lines answer
400; a method other than ``DELETE GET HEAD OPTIONS PATCH POST PUT`` (case-sensitive, as in API
Gateway) answers 405 with ``Allow``; http.server's own 414 and 431 are worded the same way, and an
HTTP/2 request line answers 400 (never a 5xx for anything a client sends). The listen backlog takes
bursts of hundreds of connections.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import re
import socket
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .constants import ACCOUNT_ID, get_logger
from .server import make_client

LOG = get_logger("api")

MAX_BODY_BYTES = 10 * 1024 * 1024
#: After an early answer (413, 400, 405) what the client still sends is read and dropped up to this size
#: and for this long (a "lingering close"); beyond, the socket closes.
LINGER_LIMIT_BYTES = 64 * 1024 * 1024
LINGER_SECONDS = 30.0
#: The methods API Gateway routes (``ANY`` covers exactly these); anything else answers 405.
ROUTED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
#: A chunk-size or trailer line longer than this is not a chunked body.
MAX_CHUNK_LINE_BYTES = 4096
MAX_TRAILER_LINES = 100
# Exact grammars: int() alone would also take "+5", " 5", "5_0", "٥" and "0x5". The bounds are past any body.
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,15}")
_CONTENT_LENGTH = re.compile(r"[0-9]{1,18}")
_BAD_FIELD_VALUE = re.compile(r"[\r\n\x00]")  # obs-fold or CR/LF/NUL in a value: RFC 9112 says reject
INTEGRATION_TIMEOUT_SECONDS = 29.0
IMPLICIT_REST_API = "ServerlessRestApi"
IMPLICIT_HTTP_API = "ServerlessHttpApi"


@dataclass(frozen=True)
class Route:
    """One method + resource path of one API, bound to one function."""

    api_logical_id: str
    api_id: str
    kind: str  # "REST" or "HTTP"
    stage: str
    path: str  # "/decisions/{decisionId}", "/files/{proxy+}", or "$default"
    method: str  # upper case, or "ANY"
    function_logical_id: str
    function_name: str
    payload_format: str = "1.0"
    binary_media_types: tuple[str, ...] = ()
    stage_variables: tuple[tuple[str, str], ...] = field(default=())

    @property
    def segments(self) -> list[str]:
        return [segment for segment in self.path.split("/") if segment]

    def match(self, segments: list[str]) -> tuple[tuple[int, ...], dict[str, str]] | None:
        """Specificity score and path parameters if the route matches the request path."""
        if self.path == "$default":
            return (), {}
        pattern = self.segments
        params: dict[str, str] = {}
        score: list[int] = []
        for index, part in enumerate(pattern):
            if part.startswith("{") and part.endswith("+}"):
                if index != len(pattern) - 1 or len(segments) <= index:
                    return None
                params[part[1:-2]] = "/".join(segments[index:])
                score.append(0)
                return (*score, 0), params
            if index >= len(segments):
                return None
            if part.startswith("{") and part.endswith("}"):
                params[part[1:-1]] = segments[index]
                score.append(1)
            elif part == segments[index]:
                score.append(2)
            else:
                return None
        if len(segments) != len(pattern):
            return None
        return (*score, 1), params


def routes_from_template(
    sam_template: dict[str, Any], resources: dict[str, str], parameters: dict[str, str]
) -> list[Route]:
    """Routes declared by the functions' ``Api``/``HttpApi`` events of a (built) SAM template."""
    template_resources: dict[str, Any] = sam_template.get("Resources") or {}
    defaults = {**_parameter_defaults(sam_template), **parameters}
    globals_api = ((sam_template.get("Globals") or {}).get("Api")) or {}
    globals_http = ((sam_template.get("Globals") or {}).get("HttpApi")) or {}
    routes: list[Route] = []
    for logical_id, resource in template_resources.items():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        for event in ((resource.get("Properties") or {}).get("Events") or {}).values():
            kind = event.get("Type")
            if kind not in ("Api", "HttpApi"):
                continue
            properties = event.get("Properties") or {}
            reference = properties.get("RestApiId" if kind == "Api" else "ApiId")
            api_logical_id = _ref_target(reference) or (
                IMPLICIT_REST_API if kind == "Api" else IMPLICIT_HTTP_API
            )
            api_properties = (template_resources.get(api_logical_id) or {}).get("Properties") or {}
            merged = {**(globals_api if kind == "Api" else globals_http), **api_properties}
            stage = _resolve(merged.get("StageName"), defaults) or ("Prod" if kind == "Api" else "$default")
            variables = merged.get("Variables") or merged.get("StageVariables") or {}
            binary = tuple(str(item).replace("~1", "/") for item in merged.get("BinaryMediaTypes") or [])
            path = properties.get("Path")
            method = str(properties.get("Method") or "ANY").upper()
            if method == "X-AMAZON-APIGATEWAY-ANY-METHOD":
                method = "ANY"
            routes.append(
                Route(
                    api_logical_id=api_logical_id,
                    api_id=resources.get(api_logical_id)
                    or hashlib.sha256(api_logical_id.encode()).hexdigest()[:10],
                    kind="REST" if kind == "Api" else "HTTP",
                    stage=str(stage),
                    path=str(path) if path else "$default",
                    method=method,
                    function_logical_id=logical_id,
                    function_name=resources.get(logical_id, logical_id),
                    payload_format="1.0"
                    if kind == "Api"
                    else str(
                        properties.get("PayloadFormatVersion") or merged.get("PayloadFormatVersion") or "2.0"
                    ),
                    binary_media_types=binary,
                    stage_variables=tuple(
                        sorted((str(k), str(_resolve(v, defaults))) for k, v in variables.items())
                    ),
                )
            )
    return routes


def _ref_target(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        return str(value["Ref"])
    return value if isinstance(value, str) else None


def _resolve(value: Any, parameters: dict[str, Any]) -> Any:
    if isinstance(value, dict) and "Ref" in value:
        return parameters.get(value["Ref"])
    return value


def _parameter_defaults(template: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(spec["Default"])
        for name, spec in (template.get("Parameters") or {}).items()
        if isinstance(spec, dict) and "Default" in spec
    }


@dataclass
class _Request:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


@dataclass
class _Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


class ApiGateway:
    """The local HTTP server; routes can be set after it started (the port is known first)."""

    def __init__(self, endpoint_url: str, port: int = 0) -> None:
        self._lambda = make_client(
            endpoint_url, "lambda", read_timeout=960, retries={"total_max_attempts": 1}
        )
        self._routes: list[Route] = []
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="api-integration")
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.gateway = self
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def routes(self) -> list[Route]:
        with self._lock:
            return list(self._routes)

    def set_routes(self, routes: list[Route]) -> None:
        with self._lock:
            self._routes = list(routes)
        for route in routes:
            LOG.info("route %s %s -> %s (%s)", route.method, route.path, route.function_name, route.kind)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="api-gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ request handling
    def handle(self, request: _Request) -> _Response:
        routes = self.routes
        rest = any(route.kind == "REST" for route in routes) or not routes
        segments = [urllib.parse.unquote(part) for part in request.path.split("/") if part]
        best: tuple[tuple[int, ...], int, Route, dict[str, str]] | None = None
        for route in routes:
            if route.method not in (request.method, "ANY"):
                continue
            matched = route.match(segments)
            if matched is None:
                continue
            score, params = matched
            rank = (score, 1 if route.method == request.method else 0, route, params)
            if best is None or rank[:2] > best[:2]:
                best = rank
        if best is None:
            if rest:
                return _json_response(403, {"message": "Missing Authentication Token"})
            return _json_response(404, {"message": "Not Found"})
        route, params = best[2], best[3]
        if route.kind == "HTTP" and route.payload_format == "2.0":
            event = self._event_v2(route, request, params)
        else:
            event = self._event_v1(route, request, params)
        future = self._executor.submit(self._invoke, route.function_name, event)
        try:
            payload, errored = future.result(timeout=INTEGRATION_TIMEOUT_SECONDS)
        except FutureTimeout:
            return _json_response(504, {"message": "Endpoint request timed out"})
        if errored:
            LOG.info(
                "%s %s: function %s failed: %s",
                request.method,
                request.path,
                route.function_name,
                payload[:500],
            )
            if route.kind == "HTTP":
                return _json_response(500, {"message": "Internal Server Error"})
            return _json_response(502, {"message": "Internal server error"})
        # For HEAD the body is kept here (Content-Length describes it) and never written.
        return self._map_response(route, request, payload)

    def _invoke(self, function_name: str, event: dict[str, Any]) -> tuple[str, bool]:
        response = self._lambda.invoke(
            FunctionName=function_name,
            InvocationType="RequestResponse",
            Payload=json.dumps(event).encode("utf-8"),
        )
        return response["Payload"].read().decode("utf-8"), bool(response.get("FunctionError"))

    @staticmethod
    def _body(route: Route, request: _Request) -> tuple[str | None, bool]:
        """The event's (body, isBase64Encoded): base64 for binary media types or non-UTF-8 bytes."""
        if not request.body:
            return None, False
        content_type = _header(request.headers, "content-type") or ""
        if _matches_media(content_type, route.binary_media_types):
            return base64.b64encode(request.body).decode("ascii"), True
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            return base64.b64encode(request.body).decode("ascii"), True

    def _event_v1(self, route: Route, request: _Request, params: dict[str, str]) -> dict[str, Any]:
        now = datetime.now(UTC)
        headers = _with_forwarding(request.headers, request.source_ip, self.port)
        multi_headers: dict[str, list[str]] = {}
        for name, value in headers:
            multi_headers.setdefault(name, []).append(value)
        query = urllib.parse.parse_qsl(request.query, keep_blank_values=True)
        multi_query: dict[str, list[str]] = {}
        for name, value in query:
            multi_query.setdefault(name, []).append(value)
        body, encoded = self._body(route, request)
        request_id = str(uuid.uuid4())
        path = urllib.parse.unquote(request.path)
        return {
            "resource": route.path if route.path != "$default" else "/{proxy+}",
            "path": path,
            "httpMethod": request.method,
            "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
            "multiValueHeaders": multi_headers or None,
            "queryStringParameters": {name: values[-1] for name, values in multi_query.items()} or None,
            "multiValueQueryStringParameters": multi_query or None,
            "pathParameters": params or None,
            "stageVariables": dict(route.stage_variables) or None,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": route.api_id,
                "domainName": _header(request.headers, "host") or f"127.0.0.1:{self.port}",
                "domainPrefix": route.api_id,
                "extendedRequestId": base64.b32encode(uuid.uuid4().bytes[:10]).decode("ascii").rstrip("="),
                "httpMethod": request.method,
                "identity": {
                    "accessKey": None,
                    "accountId": None,
                    "caller": None,
                    "cognitoAuthenticationProvider": None,
                    "cognitoAuthenticationType": None,
                    "cognitoIdentityId": None,
                    "cognitoIdentityPoolId": None,
                    "principalOrgId": None,
                    "sourceIp": request.source_ip,
                    "user": None,
                    "userAgent": _header(request.headers, "user-agent"),
                    "userArn": None,
                },
                "path": f"/{route.stage}{path}",
                "protocol": "HTTP/1.1",
                "requestId": request_id,
                "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "requestTimeEpoch": int(now.timestamp() * 1000),
                "resourceId": hashlib.sha256(f"{route.api_id}{route.path}".encode()).hexdigest()[:6],
                "resourcePath": route.path,
                "stage": route.stage,
            },
            "body": body,
            "isBase64Encoded": encoded,
        }

    def _event_v2(self, route: Route, request: _Request, params: dict[str, str]) -> dict[str, Any]:
        now = datetime.now(UTC)
        headers: dict[str, str] = {}
        cookies: list[str] = []
        for name, value in _with_forwarding(request.headers, request.source_ip, self.port):
            if name.lower() == "cookie":
                cookies.extend(part.strip() for part in value.split(";") if part.strip())
                continue
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        query: dict[str, str] = {}
        for name, value in urllib.parse.parse_qsl(request.query, keep_blank_values=True):
            query[name] = f"{query[name]},{value}" if name in query else value
        body, encoded = self._body(route, request)
        route_key = "$default" if route.path == "$default" else f"{route.method} {route.path}"
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route_key,
            "rawPath": request.path,
            "rawQueryString": request.query,
            "headers": headers,
            "requestContext": {
                "accountId": ACCOUNT_ID,
                "apiId": route.api_id,
                "domainName": _header(request.headers, "host") or f"127.0.0.1:{self.port}",
                "domainPrefix": route.api_id,
                "http": {
                    "method": request.method,
                    "path": request.path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": request.source_ip,
                    "userAgent": _header(request.headers, "user-agent") or "",
                },
                "requestId": str(uuid.uuid4()),
                "routeKey": route_key,
                "stage": route.stage,
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": encoded,
        }
        if cookies:
            event["cookies"] = cookies
        if query:
            event["queryStringParameters"] = query
        if params:
            event["pathParameters"] = params
        if route.stage_variables:
            event["stageVariables"] = dict(route.stage_variables)
        if body is not None:
            event["body"] = body
        return event

    def _map_response(self, route: Route, request: _Request, payload: str) -> _Response:
        try:
            result = json.loads(payload) if payload else None
        except ValueError:
            result = payload
        if (
            route.kind == "HTTP"
            and route.payload_format == "2.0"
            and not (isinstance(result, dict) and "statusCode" in result)
        ):
            return _Response(200, [("Content-Type", "application/json")], payload.encode("utf-8"))
        if not isinstance(result, dict) or "statusCode" not in result:
            LOG.info("malformed proxy response from %s: %s", route.function_name, payload[:500])
            return _json_response(502, {"message": "Internal server error"})
        try:
            status = int(result["statusCode"])
            body = result.get("body")
            if body is not None and not isinstance(body, str):
                raise TypeError("body must be a string")
            headers: list[tuple[str, str]] = [
                (str(k), str(v)) for k, v in (result.get("headers") or {}).items()
            ]
            for name, values in (result.get("multiValueHeaders") or {}).items():
                headers.extend((str(name), str(value)) for value in values)
            for cookie in result.get("cookies") or []:
                headers.append(("Set-Cookie", str(cookie)))
        except (TypeError, ValueError, AttributeError):
            LOG.info("malformed proxy response from %s: %s", route.function_name, payload[:500])
            return _json_response(502, {"message": "Internal server error"})
        data = (body or "").encode("utf-8")
        if result.get("isBase64Encoded") and body:
            response_type = _header(headers, "content-type") or ""
            accept = (_header(request.headers, "accept") or "").split(",")[0].strip()
            binary = route.kind == "HTTP" or _matches_media(response_type, route.binary_media_types)
            if binary or (accept and _matches_media(accept, route.binary_media_types)):
                data = base64.b64decode(body)
        if _header(headers, "content-type") is None:
            headers.append(("Content-Type", "application/json"))
        return _Response(status, headers, data)


def _with_forwarding(headers: list[tuple[str, str]], source_ip: str, port: int) -> list[tuple[str, str]]:
    """The headers API Gateway adds in front of the client's."""
    added = [("X-Forwarded-For", source_ip), ("X-Forwarded-Port", str(port)), ("X-Forwarded-Proto", "http")]
    present = {name.lower() for name, _ in headers}
    return list(headers) + [(name, value) for name, value in added if name.lower() not in present]


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def _matches_media(content_type: str, patterns: tuple[str, ...]) -> bool:
    media = content_type.split(";", maxsplit=1)[0].strip().lower()
    return bool(media) and any(fnmatch.fnmatch(media, pattern.lower()) for pattern in patterns)


def _json_response(status: int, body: dict[str, Any]) -> _Response:
    return _Response(status, [("Content-Type", "application/json")], json.dumps(body).encode("utf-8"))


class _FramingError(Exception):
    """The request's framing cannot be trusted: answer 400 and close the connection."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # listen() backlog: connections the kernel completes before serve_forever accepts them. The default
    # of 5 overflows when a page, a script or a test opens a burst of connections at once: the extra
    # handshakes are dropped, and a third to a half of 200 simultaneous requests were reset or hung.
    # 1024 absorbs such bursts (Linux caps it at net.core.somaxconn); each accepted one gets a thread.
    request_queue_size = 1024
    gateway: ApiGateway

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        """Close the connection the way Apache and nginx do (a "lingering close").

        After an early answer (400, 405, 413) the client may still be sending its body. Closing a
        socket with unread bytes resets the connection, and a client still writing gets EPIPE or
        ECONNRESET instead of the answer. So: FIN after the answer, read and drop what still comes
        (bounded), then close. A client that has already closed costs one recv().
        """
        if isinstance(request, socket.socket):
            try:
                request.shutdown(socket.SHUT_WR)
                request.settimeout(LINGER_SECONDS)
                deadline, dropped = time.monotonic() + LINGER_SECONDS, 0
                while dropped < LINGER_LIMIT_BYTES and time.monotonic() < deadline:
                    chunk = request.recv(1 << 16)
                    if not chunk:
                        break
                    dropped += len(chunk)
            except OSError:
                pass  # reset, timed out or not connected: nothing left to save
        self.close_request(request)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "crisiswatch-local-apigateway"
    # Until the request line's version is read, http.server assumes HTTP/0.9 and writes errors with no
    # status line and no headers, which no client reads as an answer. HTTP/0.9 is refused anyway
    # (parse_request), so an error found that early is written as an HTTP/1.0 one.
    default_request_version = "HTTP/1.0"

    def parse_request(self) -> bool:
        """http.server's parsing, then what it lets through or leaves unanswered (False: answered)."""
        if not super().parse_request():
            if not self.requestline.strip():  # the one failure http.server closes on without a word
                self.send_error(HTTPStatus.BAD_REQUEST, "Empty request line")
            return False
        if len(self.requestline.split()) != 3:  # "GET /": HTTP/0.9, which API Gateway does not speak
            self.send_error(HTTPStatus.BAD_REQUEST, "Bad request syntax")
            return False
        # email's parser turns a line without a colon (and every header after it) into a body, and
        # keeps obs-fold continuations and NULs: RFC 9112 says reject them.
        if self.headers.defects or any(_BAD_FIELD_VALUE.search(value) for value in self.headers.values()):
            self.send_error(HTTPStatus.BAD_REQUEST, "Malformed header line")
            return False
        # http.server would answer 501 for any method without a do_<METHOD>. API Gateway routes only
        # these (case-sensitively: "get" is not GET); "ANY" routes mean exactly these too.
        if self.command not in ROUTED_METHODS:
            self.send_error(HTTPStatus.METHOD_NOT_ALLOWED)
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Every refusal, http.server's own included, in API Gateway's style: JSON, then close.

        After a syntax or framing error the next request on the connection cannot be found.
        """
        self.close_connection = True
        if code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:
            # An HTTP/2 request line on an HTTP/1 connection is a malformed request, not a server fault:
            # nothing a client sends may be answered with a 5xx.
            code, message = HTTPStatus.BAD_REQUEST, f"Unsupported HTTP version: {message or ''}".strip()
        self.log_error("code %d, message %s", code, message)
        body = json.dumps({"message": message or HTTPStatus(code).phrase}).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        if code == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", ", ".join(ROUTED_METHODS))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _serve(self) -> None:
        started = time.monotonic()
        try:
            body = self._read_body()
        except _FramingError as error:
            self.send_error(HTTPStatus.BAD_REQUEST, str(error))
            return
        if body is None:
            self.close_connection = True  # the rest of the body is still coming: drop it and close
            response = _json_response(413, {"message": "Request Too Long"})
        else:
            response = self._handle(body)
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        if "x-amzn-requestid" not in names:
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)
        LOG.debug(
            "%s %s -> %d in %.1f ms",
            self.command,
            self.path,
            response.status,
            (time.monotonic() - started) * 1000,
        )

    def _handle(self, body: bytes) -> _Response:
        split = urllib.parse.urlsplit(self.path)
        headers = [
            (name, value) for name, value in self.headers.items() if name.lower() != "transfer-encoding"
        ]
        request = _Request(
            self.command, split.path or "/", split.query, headers, body, self.client_address[0]
        )
        try:
            return self.server.gateway.handle(request)
        except Exception:
            LOG.warning("API request %s %s failed", self.command, self.path, exc_info=True)
            return _json_response(500, {"message": "Internal server error"})

    def _read_body(self) -> bytes | None:
        """The request body; None if it is over 10 MB (left unread). Raises _FramingError."""
        lengths = self.headers.get_all("Content-Length") or []
        codings = self.headers.get_all("Transfer-Encoding") or []
        if codings:
            if lengths:  # RFC 9112 allows either; both is how requests are smuggled past proxies
                raise _FramingError("Both Content-Length and Transfer-Encoding")
            if ",".join(codings).strip().lower() != "chunked":
                raise _FramingError("Unsupported Transfer-Encoding")
            return self._read_chunked()
        values = {value.strip() for header in lengths for value in header.split(",")}
        if not values:
            return b""
        text = values.pop()
        if values or not _CONTENT_LENGTH.fullmatch(text):
            raise _FramingError("Invalid Content-Length")
        length = int(text)
        if length > MAX_BODY_BYTES:
            return None
        body = self.rfile.read(length)
        if len(body) < length:
            raise _FramingError("Body shorter than Content-Length")
        return body

    def _read_chunked(self) -> bytes | None:
        data = bytearray()
        while True:
            line = self.rfile.readline(MAX_CHUNK_LINE_BYTES)
            size_text = line.split(b";", maxsplit=1)[0].strip()
            if not line.endswith(b"\n") or not _CHUNK_SIZE.fullmatch(size_text):
                raise _FramingError("Invalid chunk size")
            size = int(size_text, 16)
            if size == 0:
                break
            if len(data) + size > MAX_BODY_BYTES:
                return None
            chunk = self.rfile.read(size)
            if len(chunk) < size or self.rfile.readline(3) not in (b"\r\n", b"\n"):
                raise _FramingError("Truncated or malformed chunk")
            data += chunk
        for _ in range(MAX_TRAILER_LINES):  # trailers are dropped: a proxy event has no place for them
            line = self.rfile.readline(MAX_CHUNK_LINE_BYTES)
            if line in (b"\r\n", b"\n"):
                return bytes(data)
            if not line.endswith(b"\n"):
                raise _FramingError("Truncated chunked body")
        raise _FramingError("Too many trailer lines")

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug(format, *args)

    # http.server dispatches on do_<METHOD> (parse_request lets only ROUTED_METHODS through); every
    # method goes through the same gateway.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve  # noqa: N815
