"""Overrides and faults, layered over the real behaviour.

An override says "for requests like these, answer so": a protocol error in the active profile's
shape, a given status/body/headers, the real answer altered, or a fault (delay, dropped or reset
connection, truncated or non-JSON body, PHP warning, HTML 500 page, 503 under upgrade, ...).
Requests no override matches get the real, protocol-correct answer.

Lifetimes: ``times=1`` (the default), ``times=n``, ``times=None`` (always), and ``ordered=True``:
ordered overrides must be hit in the order they were added; a request that matches a later one
while an earlier one waits is recorded as a failure (raised by ``check()``) and answered normally.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Literal

from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import RequestMatcher

FaultKind = Literal[
    "delay",
    "slow",
    "reset",
    "reset_mid_response",
    "truncate",
    "non_json",
    "php_warning",
    "html_500",
    "under_upgrade",
    "workspace_unavailable",
    "rotate_then_drop",
]
FAULT_KINDS: tuple[str, ...] = FaultKind.__args__  # type: ignore[attr-defined]

PHP_WARNING = (
    "<br />\n<b>Warning</b>:  session_start(): open(/var/lib/php/sessions/sess_x, O_RDWR) failed: "
    "No space left on device (28) in <b>/opt/processmaker/workflow/engine/src/ProcessMaker/"
    "Services/OAuth2/Server.php</b> on line <b>262</b><br />\n"
)
HTML_500 = (
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n'
    "<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n"
    "<p>The server encountered an internal error or misconfiguration and was unable to complete "
    "your request.</p>\n<hr>\n<address>Apache/2.4.41 (Ubuntu) Server at localhost Port 80</address>\n"
    "</body></html>\n"
)
NON_JSON = "<html><body><h1>502 Bad Gateway</h1></body></html>\n"


@dataclass(frozen=True, slots=True)
class RespondError:
    """Answer with a protocol error: an OAuth code (flat shape) or a Restler status (nested)."""

    error: str | int
    description: str | None = None


@dataclass(frozen=True, slots=True)
class RespondRaw:
    """Answer with a given status, body and headers, checked when the override is built.

    :raises ValueError: a status outside 100-599, a header name that is not an HTTP token, or a
        value holding CR, LF or another control character, or a character outside Latin-1 (none
        of these can be sent in an HTTP/1.1 head).
    """

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if not 100 <= self.status <= 599:
            raise ValueError(f"status {self.status} is not an HTTP status (100-599)")
        for name, value in self.headers:
            problem = header_problem(name, value)
            if problem is not None:
                raise ValueError(problem)


_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]*")


def header_problem(name: str, value: str) -> str | None:
    """Why a header cannot be sent in an HTTP/1.1 head (RFC 9110 §5.1, §5.5), or ``None``."""
    if not _HEADER_NAME.fullmatch(name):
        return f"header name {name!r} is not an HTTP token"
    if not _HEADER_VALUE.fullmatch(value):
        return (
            f"header {name!r}: the value holds CR, LF or another control character, "
            "or a character outside Latin-1"
        )
    return None


@dataclass(frozen=True, slots=True)
class Alter:
    """Let the real answer through, changed: fields dropped or set (JSON object bodies)."""

    drop: tuple[str, ...] = ()
    set: Mapping[str, Any] = field(default_factory=dict)
    status: int | None = None


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    seconds: float | None = None
    max_seconds: float | None = None
    body: str | None = None


Action = RespondError | RespondRaw | Alter | Fault


@dataclass(slots=True)
class Override:
    """A registered override: matcher, action, lifetime, and how often it was used."""

    matcher: RequestMatcher
    action: Action
    times: int | None = 1
    ordered: bool = False
    hits: int = 0
    id: int = 0
    """Set by :meth:`Scripting.add`: 1, 2, 3… per mock, from 1 again after :meth:`Scripting.clear`."""
    spec: Mapping[str, Any] | None = None
    """The data it was built from (:func:`override_from_data`), ``None`` when built in Python:
    what a shared store keeps (:class:`mockserver.scripting.shared.SharedScripting`)."""

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def describe(self) -> str:
        what = type(self.action).__name__
        if isinstance(self.action, Fault):
            what = f"fault {self.action.kind}"
        elif isinstance(self.action, RespondError):
            what = f"error {self.action.error}"
        return f"override #{self.id} ({what}) on {self.matcher.describe()}"


@dataclass(frozen=True, slots=True)
class _Choice:
    """What :meth:`Scripting.select` decided: the override to use (if any) and an ordered miss."""

    chosen: Override | None
    from_ordered: bool = False
    miss: str | None = None


class _Unknown(Exception):
    """Deciding needs the match result of an override not evaluated yet."""


class Scripting:
    """The set of active overrides, thread-safe, of this process.

    Matching runs without the lock. A request's matchers are evaluated on a snapshot of the
    overrides, outside the lock (a matcher only reads the request, and RE2 keeps each evaluation
    linear, but a slow one must still not hold up other requests or the control API); the lock
    is then re-taken only to decide and claim, from the results, against the overrides as they
    are *now*: one used up, removed or added meanwhile is taken into account (an added one is
    evaluated first, outside the lock again). So the decision is the one ``select`` would take
    if it ran atomically at the moment of the claim.
    """

    shared_by: str | None = None
    """Where overrides and the clock are shared with other hosts (``None``: this process only)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ordered: list[Override] = []
        self._others: list[Override] = []
        self._next_id = 1
        self._failures: list[str] = []

    def add(self, override: Override) -> Override:
        if isinstance(override.action, Fault) and override.action.kind not in FAULT_KINDS:
            raise ValueError(
                f"unknown fault {override.action.kind!r}; known: {', '.join(FAULT_KINDS)}"
            )
        if override.times is not None and override.times < 1:
            raise ValueError("times must be at least 1 (or None for always)")
        with self._lock:
            if override.id == 0:
                override.id = self._next_id
                self._next_id += 1
            (self._ordered if override.ordered else self._others).append(override)
        return override

    def refresh(self) -> None:
        """Take the changes other hosts made (nothing to take here: see ``SharedScripting``)."""

    def select(self, info: RequestInfo) -> Override | None:
        """The override that answers this request (consuming one use), or ``None``."""
        if info.endpoint == "control":
            return None
        # By identity (Override is unhashable); each entry holds its override, so no id is reused.
        results: dict[int, tuple[Override, bool]] = {}

        def evaluate(override: Override) -> bool:
            if id(override) not in results:
                results[id(override)] = (override, override.matcher.matches(info))
            return results[id(override)][1]

        def known(override: Override) -> bool:
            if id(override) not in results:
                raise _Unknown
            return results[id(override)][1]

        with self._lock:
            ordered, others = list(self._ordered), list(self._others)
        while True:
            _decide(info, ordered, others, evaluate)  # the matching: no lock held
            with self._lock:
                try:
                    choice = _decide(info, self._ordered, self._others, known)
                except _Unknown:  # added meanwhile, or skipped on the snapshot: evaluate unlocked
                    ordered, others = list(self._ordered), list(self._others)
                    continue
                return self._claim(choice)

    def _claim(self, choice: _Choice) -> Override | None:
        """Record the decision; called with the lock held, on the current lists."""
        if choice.miss is not None:
            self._failures.append(choice.miss)
        chosen = choice.chosen
        if chosen is None:
            return None
        chosen.hits += 1
        if chosen.exhausted:
            if choice.from_ordered:
                self._ordered.pop(0)  # _decide only chooses the head of the ordered ones
            else:  # by identity, not dataclass equality
                del self._others[next(i for i, o in enumerate(self._others) if o is chosen)]
        return chosen

    def take_failures(self) -> list[str]:
        """The ordered-override misses recorded so far, forgotten as they are returned."""
        with self._lock:
            failures, self._failures = self._failures, []
        return failures

    def pending(self) -> list[Override]:
        """Overrides not yet used up (``times=None`` ones included)."""
        with self._lock:
            return [*self._ordered, *self._others]

    def clear(self) -> None:
        with self._lock:
            self._ordered.clear()
            self._others.clear()
            self._failures.clear()
            self._next_id = 1


def _decide(
    info: RequestInfo,
    ordered: list[Override],
    others: list[Override],
    matches: Callable[[Override], bool],
) -> _Choice:
    """The rules of :meth:`Scripting.select`, given a way to know whether an override matches.

    The head of the ordered overrides answers if it matches; if it does not and a later ordered
    one does, that is an ordered miss (recorded, the request goes on); then the first matching
    unordered override answers. Overrides in the lists are never exhausted (used-up ones are
    removed when claimed).
    """
    miss = None
    if ordered:
        head = ordered[0]
        if matches(head):
            return _Choice(head, from_ordered=True)
        for later in ordered[1:]:
            if matches(later):
                miss = (
                    f"ordered miss: {info.method} {info.path} matched {later.describe()} "
                    f"while {head.describe()} was still waiting"
                )
                break
    for override in others:
        if matches(override):
            return _Choice(override, miss=miss)
    return _Choice(None, miss=miss)


def action_from_data(data: Mapping[str, Any]) -> Action:
    """An action from the scenario-file / control-API shape.

    ``{"error": "invalid_grant", "description": "..."}``, ``{"status": 502, "body": "...",
    "json": {...}, "headers": {...}}``, ``{"alter": {"drop": [...], "set": {...}, "status": N}}``
    or ``{"fault": "reset", "seconds": 2}``.
    """
    if "fault" in data:
        return Fault(
            kind=str(data["fault"]),
            seconds=_float_or_none(data.get("seconds")),
            max_seconds=_float_or_none(data.get("max_seconds")),
            body=data.get("body"),
        )
    if "error" in data:
        error = data["error"]
        if isinstance(error, float):  # JSON Schema's "integer" admits 503.0: a Restler status
            error = int(error)
        return RespondError(error, data.get("description"))
    if "alter" in data:
        alter = data["alter"]
        return Alter(
            drop=tuple(alter.get("drop", ())),
            set=dict(alter.get("set", {})),
            status=alter.get("status"),
        )
    if "status" in data:
        headers = tuple((str(k), str(v)) for k, v in dict(data.get("headers", {})).items())
        if "json" in data:
            body = json.dumps(data["json"]).encode()
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers += (("Content-Type", "application/json"),)
        else:
            body = str(data.get("body", "")).encode()
        return RespondRaw(int(data["status"]), body, headers)
    raise ValueError("an override needs one of: error, status, alter, fault")


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def matcher_from_data(data: Mapping[str, Any]) -> RequestMatcher:
    return RequestMatcher.build(
        str(data.get("endpoint", "*")),
        method=str(data.get("method", "*")),
        workspace=str(data.get("workspace", "*")),
        grant_type=data.get("grant_type"),
        resource=data.get("resource"),
        params=data.get("params"),
        headers=data.get("headers"),
    )


def override_from_data(data: Mapping[str, Any]) -> Override:
    """An :class:`Override` from ``{"match": {...}, "times": 1|"always", "ordered": bool, ...action}``."""
    times_raw = data.get("times", 1)
    times = None if times_raw in ("always", None) else int(times_raw)
    action_data = data.get("respond", data)
    return Override(
        matcher=matcher_from_data(data.get("match", {})),
        action=action_from_data(action_data),
        times=times,
        ordered=bool(data.get("ordered")),
        spec=data,
    )
