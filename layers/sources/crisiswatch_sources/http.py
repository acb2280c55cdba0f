"""HTTP for connectors: requests with urllib3 retries, polite waiting and rate-limit headers.

Transient failures (5xx, connection errors, timeouts) are retried with exponential backoff. A 429 or 503
with a short `Retry-After` is waited out; a long one is returned to the connector, which raises
`RateLimitedError` so the source pauses until then instead of holding a Lambda asleep.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import (
    MalformedResponseError,
    RateLimitedError,
    SourceAuthError,
    SourceError,
    SourceUnavailableError,
)

USER_AGENT = "CrisisWatch/0.1 (brand monitoring; +https://github.com/crisiswatch)"
DEFAULT_TIMEOUT = (3.05, 10.0)
"""(connect, read) seconds for one request; each source also has an overall deadline."""


class BoundedRetry(Retry):
    """urllib3's Retry, but a `Retry-After` longer than `max_wait` is not slept through."""

    def __init__(self, *args: Any, max_wait: float = 5.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_wait = max_wait

    def new(self, **kwargs: Any) -> BoundedRetry:
        retry = super().new(**kwargs)
        retry.max_wait = self.max_wait
        return retry

    def sleep_for_retry(self, response: Any) -> bool:
        retry_after = self.get_retry_after(response)
        if retry_after is not None and retry_after > self.max_wait:
            # Give up here: the connector sees the 429/503 and pauses the source until then.
            raise _RetryAfterTooLongError(retry_after)
        return bool(super().sleep_for_retry(response))


class _RetryAfterTooLongError(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


def http_session(retries: int = 3, backoff: float = 0.5, max_wait: float = 5.0) -> requests.Session:
    retry = BoundedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        backoff_factor=backoff,
        backoff_jitter=0.25,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET", "POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        max_wait=max_wait,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def retry_after(response: requests.Response, now: datetime) -> datetime:
    """When a 429/503 says to come back (seconds or an HTTP date); a minute if it does not say."""
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return now + timedelta(seconds=int(value))
    if value:
        try:
            return parsedate_to_datetime(value).astimezone(UTC)
        except (TypeError, ValueError):
            pass
    return now + timedelta(minutes=1)


def get(  # noqa: PLR0913 - requests.get's keyword options, passed through
    session: requests.Session,
    url: str,
    now: datetime,
    *,
    params: Any = None,
    headers: dict[str, str] | None = None,
    timeout: Any = DEFAULT_TIMEOUT,
) -> requests.Response:
    """GET with retries; raise the typed source errors for what retries could not fix."""
    return request(session, "GET", url, now, params=params, headers=headers, timeout=timeout)


def request(  # noqa: PLR0913 - requests.Session.request's keyword options, passed through
    session: requests.Session,
    method: str,
    url: str,
    now: datetime,
    *,
    params: Any = None,
    headers: dict[str, str] | None = None,
    json_body: Any = None,
    data: Any = None,
    auth: tuple[str, str] | None = None,
    timeout: Any = DEFAULT_TIMEOUT,
) -> requests.Response:
    """One request with retries; what retries could not fix becomes a typed source error.

    A 401/403/429 error carries its response (`response_of(error)`): some APIs explain themselves in
    the body (YouTube's 403 reasons) or headers (X's rate-limit reset).
    """
    try:
        response = session.request(
            method, url, params=params, headers=headers, json=json_body, data=data, auth=auth, timeout=timeout
        )
    except requests.exceptions.RetryError as error:
        raise SourceUnavailableError(f"{url}: gave up after retries ({error})") from None
    except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
        raise SourceUnavailableError(f"{url}: {type(error).__name__}") from None
    except _RetryAfterTooLongError as wait:
        resume = now + timedelta(seconds=wait.seconds)
        raise RateLimitedError(f"{url}: asked to wait {wait.seconds:.0f} s", resume) from None
    if response.status_code == 429:
        raise _carrying(
            RateLimitedError(f"{url}: 429 Too Many Requests", retry_after(response, now)), response
        )
    if response.status_code in (401, 403):
        raise _carrying(SourceAuthError(f"{url}: {response.status_code} {response.reason}"), response)
    if response.status_code >= 500:
        raise SourceUnavailableError(f"{url}: {response.status_code} after retries")
    return response


_E = TypeVar("_E", bound=SourceError)


def _carrying(error: _E, response: requests.Response) -> _E:
    error.response = response  # type: ignore[attr-defined]
    return error


def response_of(error: SourceError) -> requests.Response | None:
    """The response behind a 401/403/429 error, if it came from `request`."""
    response = getattr(error, "response", None)
    return response if isinstance(response, requests.Response) else None


def json_of(response: requests.Response) -> Any:
    """The JSON body, or `MalformedResponseError` (truncated JSON, an HTML error page...)."""
    # JSON is UTF-8 (RFC 8259): without a charset, requests would guess and could garble a whole page
    # over one bad byte; this way a bad byte becomes U+FFFD in its own item only.
    if not response.encoding:
        response.encoding = "utf-8"
    try:
        return response.json()
    except (ValueError, json.JSONDecodeError) as error:
        raise MalformedResponseError(f"{response.url}: body is not JSON ({error})") from None
