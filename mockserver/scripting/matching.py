r"""What a request is (endpoint, workspace, parameters) and how overrides and the journal match it.

A matcher value is exact text, ``"*"`` (present, any value), or a regular expression written
``"re:<pattern>"`` (or a compiled ``re.Pattern`` from Python). Every field left out matches anything.

Regular expressions are RE2, not Python's ``re``
------------------------------------------------
Patterns come from whoever scripts the mock: scenario files, the control API, Python strings. With
a backtracking engine such as ``re`` one of them can take exponential time on a crafted value
(``^(a+)+$`` against ``"a" * 30 + "b"``); the match then never ends, the thread holding the GIL in
C code cannot be interrupted, and the whole server (signals included) is frozen. So every
pattern is compiled with RE2 (``google-re2``), whose matching time is linear in the input for any
pattern: there is no catastrophic case to detect.

A timeout was not chosen: ``re`` cannot be interrupted from Python (the match runs in C, holding
the GIL, so neither another thread nor a signal handler gets to run), a watchdog process per match
would cost more than the match, and a timeout would still let every request pay the full timeout
on a hostile pattern. RE2 removes the problem instead of bounding it.

Consequences:

- RE2 syntax is required: no backreferences (``\1``), no lookaround (``(?=``, ``(?!``, ``(?<=``,
  ``(?<!``), ``\z`` rather than Python's ``\Z``; ``\d``, ``\w``, ``\b`` are ASCII. A pattern RE2
  cannot compile is refused when the matcher is built, with a one-line :class:`ValueError` naming
  the field and the pattern (scenario files and the control API turn it into their usual error,
  a 400 for the control API).
- A compiled ``re.Pattern`` from Python is accepted by recompiling its ``.pattern`` with RE2
  (flags ``IGNORECASE``, ``MULTILINE`` and ``DOTALL`` carried over as ``(?i)``, ``(?m)``,
  ``(?s)``; ``VERBOSE`` and bytes patterns are refused). A pattern already compiled by
  ``re2.compile`` is used as it is.
- Inputs are not truncated before matching: RE2 is linear, and what it matches is already bounded
  by the server (a body by ``max_body``, 1 MiB by default; a header line or the request line by
  the HTTP server's 64 KiB line limit). A pattern's compiled size is bounded by RE2's ``max_mem``
  (8 MiB); a larger one is refused as invalid.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import re2
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request

from mockserver.protocol.errors import RestlerError
from mockserver.protocol.params import ClientGone
from mockserver.protocol.params import read_body
from mockserver.protocol.routing import route_of

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

RE2_SYNTAX = "https://github.com/google/re2/wiki/Syntax"


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # errors are raised as ValueError, not printed to stderr
    return options


_RE2_OPTIONS = _re2_options()
_FLAG_PREFIXES = ((re.IGNORECASE, "(?i)"), (re.MULTILINE, "(?m)"), (re.DOTALL, "(?s)"))
_IGNORED_FLAGS = re.UNICODE | re.ASCII | re.DEBUG  # RE2 classes are ASCII, its text Unicode


@dataclass(frozen=True, slots=True)
class Regex:
    """A matcher's regular expression, compiled with RE2 (linear-time matching, see above).

    RE2 objects may be used from several threads at once, so matching needs no lock.

    :param pattern: the pattern RE2 compiled (shown by ``describe()``): as written, with
        ``(?i)``-style prefixes for the flags of a Python pattern.
    """

    pattern: str
    compiled: Any = field(compare=False, repr=False)

    @classmethod
    def compile(cls, pattern: str, *, written: str | None = None) -> Regex:
        """Compile ``pattern`` with RE2.

        :param written: the pattern as the user wrote it, for the error message.
        :raises ValueError: RE2 cannot compile it.
        """
        try:
            compiled = re2.compile(pattern, _RE2_OPTIONS)
        except re2.error as exc:
            reason = exc.args[0]  # re2 raises its error with the message as the one argument
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", errors="replace")
            shown = pattern if written is None else written
            raise ValueError(
                f"regex {shown!r}: {reason}; matcher patterns use RE2 syntax (no backreferences "
                f"or lookaround, \\z not \\Z), see {RE2_SYNTAX}"
            ) from None
        return cls(pattern, compiled)

    def search(self, text: str) -> bool:
        """Whether the pattern occurs in ``text`` (time linear in ``len(text)``)."""
        return self.compiled.search(text) is not None


def _from_python_pattern(value: re.Pattern[Any]) -> Regex:
    if not isinstance(value.pattern, str):
        raise ValueError(f"regex {value.pattern!r}: a bytes pattern; use a str pattern")
    flags = value.flags & ~_IGNORED_FLAGS
    if flags & re.VERBOSE:
        raise ValueError(
            f"regex {value.pattern!r}: re.VERBOSE (verbose mode) has no RE2 equivalent; "
            "write the pattern without it"
        )
    prefix = "".join(text for flag, text in _FLAG_PREFIXES if flags & flag)
    flags &= ~(re.IGNORECASE | re.MULTILINE | re.DOTALL)
    if flags:
        raise ValueError(f"regex {value.pattern!r}: flags {re.RegexFlag(flags)!r} not supported")
    return Regex.compile(prefix + value.pattern, written=value.pattern)


MatchValue = str | Regex


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


def describe_request(request: Request) -> RequestInfo:
    """Build a :class:`RequestInfo`; never raises for a bad body (its params are then empty)."""
    where = route_of(request)
    endpoint, workspace, resource = where.family, where.workspace, where.resource
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
        headers=environ_headers(request.environ),
        body=body,
        resource=resource,
    )


def environ_headers(environ: Mapping[str, object]) -> dict[str, str]:
    """The request headers as werkzeug's ``EnvironHeaders`` lists them, without building one."""
    out: dict[str, str] = {}
    for key, value in environ.items():
        if key[:5] == "HTTP_":
            if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                out[key[5:].replace("_", "-").title()] = str(value)
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            out[key.replace("_", "-").title()] = str(value)
    return out


def query_dict(request: Request) -> dict[str, str]:
    """The query parameters (last value wins), skipping the parser when there is no query."""
    if not request.environ.get("QUERY_STRING"):
        return {}
    return dict(request.args.items())


def compile_value(value: object) -> MatchValue:
    """A matcher value from Python or a scenario file (``"re:..."`` becomes an RE2 regex).

    :raises ValueError: a pattern RE2 cannot compile (message names the pattern).
    """
    if isinstance(value, Regex):
        return value
    if isinstance(value, re.Pattern):
        return _from_python_pattern(value)
    if isinstance(value, re2._Regexp):
        pattern = value.pattern
        if not isinstance(pattern, str):
            raise ValueError(f"regex {pattern!r}: a bytes pattern; use a str pattern")
        return Regex(pattern, value)
    text = str(value)
    if text.startswith("re:"):
        return Regex.compile(text[3:])
    return text


def _value_matches(expected: MatchValue, actual: str | None) -> bool:
    if actual is None:
        return False
    if isinstance(expected, Regex):
        return expected.search(actual)
    return expected == "*" or expected == actual


def _show(value: MatchValue) -> str:
    return f"re:{value.pattern}" if isinstance(value, Regex) else value


def _compiled(where: str, value: object) -> MatchValue:
    try:
        return compile_value(value)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None


@dataclass(frozen=True, slots=True)
class RequestMatcher:
    """Which requests an override, fault or journal question is about.

    :param endpoint: ``token``, ``authorize``, ``api``, ``login``, ``applications``, ``expire``,
        ``delete``, ``options`` or ``*``.
    :param params: body (else query) parameters, each exact, ``"*"`` or a regex (RE2).
    :param headers: request headers (names case-insensitive), same value rules.

    Matching is pure (it reads the request and nothing else), so it may run on any thread
    without a lock; :class:`~mockserver.scripting.overrides.Scripting` relies on that.
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
            grant_type=None if grant_type is None else _compiled("grant_type", grant_type),
            resource=None if resource is None else _compiled("resource", resource),
            params={k: _compiled(f"params.{k}", v) for k, v in (params or {}).items()},
            headers={k.lower(): _compiled(f"headers.{k}", v) for k, v in (headers or {}).items()},
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
