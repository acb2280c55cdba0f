"""What went wrong between the command line and AWS, in one line a person can act on.

botocore and PynamoDB raise dozens of exception types, each with a long traceback; a manager running
`crisiswatch incidents` needs to know which setting is missing and what to type. `explain` turns any of
them (wrapped or not) into a `Problem`; anything it does not recognise is left to the traceback, because
that is a bug in CrisisWatch rather than in the set-up.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore import exceptions as aws

EXIT_OK = 0
EXIT_FAILED = 1
"""The command ran and found something wrong in what it worked on (lines it could not read, work that
failed again)."""
EXIT_USAGE = 2
"""Bad arguments or input: an option, a file, an incident id that does not exist."""
EXIT_AWS = 3
"""AWS or its configuration: no region, no credentials, an endpoint out of reach, no stack, access denied."""
EXIT_INTERRUPTED = 130

LOCAL_HINT = "for the embedded runtime, start `make local` and paste the exports it prints"
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "MissingAuthenticationToken",
    }
)
THROTTLED_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
    }
)
CREDENTIAL_ERRORS = (
    aws.NoCredentialsError,
    aws.PartialCredentialsError,
    aws.CredentialRetrievalError,
    aws.ProfileNotFound,
    aws.SSOError,
    aws.TokenRetrievalError,
)
UNREACHABLE_ERRORS = (aws.EndpointConnectionError, aws.ConnectTimeoutError, aws.ConnectionClosedError)


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str

    def lines(self, command: str) -> list[str]:
        return [f"crisiswatch {command}: {self.message}", f"  hint: {self.hint}"]


def explain(error: BaseException) -> Problem | None:
    """The set-up problem behind `error`, or None when it is not one."""
    for cause in _chain(error):
        found = _known(cause)
        if found is not None:
            return found
    return None


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and what it wraps: `raise ... from`, implicit context, and PynamoDB's `.cause`."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        wrapped = getattr(current, "cause", None)
        current = (
            wrapped if isinstance(wrapped, BaseException) else (current.__cause__ or current.__context__)
        )


def _known(error: BaseException) -> Problem | None:
    if isinstance(error, aws.NoRegionError):
        return Problem(
            "no AWS region is set",
            f"export AWS_DEFAULT_REGION=<the stack's region> (or use a profile with one); {LOCAL_HINT}",
        )
    if isinstance(error, CREDENTIAL_ERRORS):
        return Problem(
            f"no usable AWS credentials ({_first_line(error)})",
            f"sign in (`aws sso login`, AWS_PROFILE, or AWS_ACCESS_KEY_ID/SECRET); {LOCAL_HINT}",
        )
    if isinstance(error, UNREACHABLE_ERRORS):
        endpoint = str(getattr(error, "kwargs", {}).get("endpoint_url", "")) or "the AWS endpoint"
        return Problem(f"cannot reach {_origin(endpoint)}", _unreachable_hint(endpoint))
    if isinstance(error, aws.ClientError):
        return _client_problem(error)
    if isinstance(error, aws.BotoCoreError):
        return Problem(f"the AWS SDK failed: {_first_line(error)}", "run again with -v for details")
    return None


def _client_problem(error: aws.ClientError) -> Problem:
    code = str(error.response.get("Error", {}).get("Code", ""))
    operation = error.operation_name
    if code in DENIED_CODES:
        return Problem(
            f"AWS refused {operation} ({code})",
            "check who you are (`aws sts get-caller-identity`) and that this identity may read the stack "
            "(README: operating it)",
        )
    if code in THROTTLED_CODES:
        return Problem(f"AWS is throttling {operation} ({code})", "wait a minute and run it again")
    if code == "ResourceNotFoundException":
        return Problem(
            f"a resource of the stack is missing ({operation}: {_first_line(error)})",
            "is the stack deployed completely? `sam deploy` it again, or check --stack",
        )
    return Problem(
        f"AWS answered {operation} with {code}: {_first_line(error)}", "run again with -v for details"
    )


def _unreachable_hint(endpoint: str) -> str:
    host = urlsplit(endpoint).hostname or ""
    if host in {"127.0.0.1", "localhost", "::1"}:
        return "is the embedded runtime still running? Start `make local` and use the exports it prints"
    return "check the network or proxy; " + LOCAL_HINT


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__
