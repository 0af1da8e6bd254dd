"""What a request is (endpoint, workspace, parameters) and how overrides and the journal match it.

A matcher value is exact text, ``"*"`` (present, any value), or a regular expression written
``"re:<pattern>"`` (or a compiled ``re.Pattern`` from Python). Every field left out matches anything.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from .errors import RestlerError
from .params import ClientGone
from .params import read_body

ENDPOINTS = (
    "token",
    "authorize",
    "expire",
    "delete",
    "api",
    "login",
    "applications",
    "options",
    "control",
    "other",
)

MatchValue = str | re.Pattern[str]


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """A request as the scripting layer and the journal see it."""

    method: str
    path: str
    endpoint: str
    workspace: str
    query: Mapping[str, str]
    params: Mapping[str, str]
    encoding: str
    headers: Mapping[str, str]
    body: bytes = b""
    resource: str = ""

    def get(self, name: str) -> str | None:
        """A parameter from the body, else the query string."""
        value = self.params.get(name)
        return value if value is not None else self.query.get(name)


def classify(path: str, method: str) -> tuple[str, str, str]:
    """``(endpoint, workspace, resource)`` of a path, following PM's front controller."""
    kind = "options" if method == "OPTIONS" else ""
    if path.startswith("/_pm3/"):
        return "control", "", path[6:]
    parts = path.split("/")
    if path[1:4] == "api" and len(parts) >= 4 and path != "/api/oauth2/token":
        resource = "/".join(parts[4:])
        if resource in ("oauth2/token", "token"):
            return kind or "token", parts[3], resource
        return kind or "api", parts[3], resource
    if path == "/api/oauth2/token":
        return kind or "token", "api", ""
    if len(parts) >= 4 and parts[2] == "oauth2":
        ws, rest = parts[1], parts[3:]
        if rest == ["token"]:
            return kind or "token", ws, ""
        if rest == ["authorize"]:
            return kind or "authorize", ws, ""
        if len(rest) == 2 and rest[1] == "expire":
            return kind or "expire", ws, rest[0]
        if len(rest) == 1 and method == "DELETE":
            return "delete", ws, rest[0]
        return kind or "other", ws, ""
    if path.startswith("/sys") and len(parts) >= 5:
        ws = parts[1][3:]
        if parts[4] == "login":
            return "login", ws, "/".join(parts[4:])
        if parts[4] == "oauth2":
            return "applications", ws, "/".join(parts[4:])
    return kind or "other", "", ""


def describe_request(request: Request) -> RequestInfo:
    """Build a :class:`RequestInfo`; never raises for a bad body (its params are then empty)."""
    endpoint, workspace, resource = classify(request.path, request.method)
    params: Mapping[str, str] = {}
    encoding = "none"
    body = b""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and endpoint != "control":
        try:
            parsed = read_body(request)
            params, encoding = parsed.values, parsed.encoding
        except (RestlerError, RequestEntityTooLarge, ClientGone):
            encoding = "unparsed"
        if encoding != "unparsed":
            body = request.get_data(cache=True)
    return RequestInfo(
        method=request.method,
        path=request.path,
        endpoint=endpoint,
        workspace=workspace,
        query=query_dict(request),
        params=dict(params),
        encoding=encoding,
        headers=dict(request.headers.items()),
        body=body,
        resource=resource,
    )


def query_dict(request: Request) -> dict[str, str]:
    """The query parameters (last value wins), skipping the parser when there is no query."""
    if not request.environ.get("QUERY_STRING"):
        return {}
    return dict(request.args.items())


def compile_value(value: object) -> MatchValue:
    """A matcher value from Python or a scenario file (``"re:..."`` becomes a regex)."""
    if isinstance(value, re.Pattern):
        return value
    text = str(value)
    if text.startswith("re:"):
        return re.compile(text[3:])
    return text


def _value_matches(expected: MatchValue, actual: str | None) -> bool:
    if actual is None:
        return False
    if isinstance(expected, re.Pattern):
        return expected.search(actual) is not None
    return expected == "*" or expected == actual


def _show(value: MatchValue) -> str:
    return f"re:{value.pattern}" if isinstance(value, re.Pattern) else value


@dataclass(frozen=True, slots=True)
class RequestMatcher:
    """Which requests an override, fault or journal question is about.

    :param endpoint: ``token``, ``authorize``, ``api``, ``login``, ``applications``, ``expire``,
        ``delete``, ``options`` or ``*``.
    :param params: body (else query) parameters, each exact, ``"*"`` or a regex.
    :param headers: request headers (names case-insensitive), same value rules.
    """

    endpoint: str = "*"
    method: str = "*"
    workspace: str = "*"
    grant_type: MatchValue | None = None
    resource: MatchValue | None = None
    params: Mapping[str, MatchValue] = field(default_factory=dict)
    headers: Mapping[str, MatchValue] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        endpoint: str = "*",
        *,
        method: str = "*",
        workspace: str = "*",
        grant_type: object = None,
        resource: object = None,
        params: Mapping[str, object] | None = None,
        headers: Mapping[str, object] | None = None,
    ) -> RequestMatcher:
        if endpoint not in ENDPOINTS and endpoint != "*":
            raise ValueError(f"unknown endpoint {endpoint!r}; known: {', '.join(ENDPOINTS)}, *")
        return cls(
            endpoint=endpoint,
            method=method.upper(),
            workspace=workspace,
            grant_type=None if grant_type is None else compile_value(grant_type),
            resource=None if resource is None else compile_value(resource),
            params={k: compile_value(v) for k, v in (params or {}).items()},
            headers={k.lower(): compile_value(v) for k, v in (headers or {}).items()},
        )

    def _checks(self, info: RequestInfo) -> list[tuple[str, bool]]:
        checks = [
            ("endpoint", self.endpoint == "*" or self.endpoint == info.endpoint),
            ("method", self.method == "*" or self.method == info.method),
            ("workspace", self.workspace == "*" or self.workspace == info.workspace),
        ]
        if self.grant_type is not None:
            checks.append(("grant_type", _value_matches(self.grant_type, info.get("grant_type"))))
        if self.resource is not None:
            checks.append(("resource", _value_matches(self.resource, info.resource)))
        for name, expected in self.params.items():
            checks.append((name, _value_matches(expected, info.get(name))))
        lowered = {k.lower(): v for k, v in info.headers.items()}
        for name, expected in self.headers.items():
            checks.append((f"header {name}", _value_matches(expected, lowered.get(name))))
        return checks

    def matches(self, info: RequestInfo) -> bool:
        return all(ok for _, ok in self._checks(info))

    def score(self, info: RequestInfo) -> int:
        return sum(ok for _, ok in self._checks(info))

    def mismatches(self, info: RequestInfo) -> list[str]:
        return [name for name, ok in self._checks(info) if not ok]

    def describe(self) -> str:
        parts = [f"endpoint={self.endpoint}"]
        if self.method != "*":
            parts.append(f"method={self.method}")
        if self.workspace != "*":
            parts.append(f"workspace={self.workspace}")
        if self.grant_type is not None:
            parts.append(f"grant_type={_show(self.grant_type)}")
        if self.resource is not None:
            parts.append(f"resource={_show(self.resource)}")
        parts += [f"{k}={_show(v)}" for k, v in self.params.items()]
        parts += [f"header {k}={_show(v)}" for k, v in self.headers.items()]
        return "{" + ", ".join(parts) + "}"
