"""The registry of checks and of client scenarios: one shape for both (:class:`Spec`), each with
a stable id, a title, a severity, references and tags, run by one runner
(:func:`conformance.runner.judge`).

Checks register at import (``conformance/checks/__init__.py`` imports every module explicitly).
Ids are never reused; reports, diffs and expected-deviation files key on them. ``requires`` names
what a target must offer (``control``: the clock and token store can be driven, as on the mock;
``login``: the HTML login form can be used; ``lockout-risk``: sends wrong passwords, which a live
install may count against the account).

How a check runs on a live install (:func:`live_mode`, shown by ``pm3-conformance list``): a check
that requires ``control`` is mock-only and says why (``mock_only``); one that ``waits`` a
profile's lifetime moves the mock's clock, and on a live install waits in real time, only with
``--slow`` and only for a lifetime of at most :data:`SLOW_LIMIT` seconds.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import fields
from enum import StrEnum
from typing import TYPE_CHECKING
from typing import Generic
from typing import Protocol
from typing import TypeVar

from mockserver import Profile

if TYPE_CHECKING:
    from .context import CheckContext

CHECK_ID = re.compile(r"^PM3-[A-Z0-9]+(-[A-Z0-9]+)*-\d{3}$")
REQUIREMENTS = frozenset({"control", "login", "lockout-risk", "write"})
SLOW_LIMIT = 120
"""The longest lifetime (seconds) a ``--slow`` run waits out in real time, per check."""
WAITABLE = frozenset(
    f.name for f in fields(Profile) if f.name.endswith("_lifetime") and "int" in str(f.type)
)
"""Profile fields a check may wait out (lifetimes in seconds)."""


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"


CheckFunction = Callable[["CheckContext"], None]


class Spec(Protocol):
    """What the runner and the reports read of a check or a client scenario."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def references(self) -> tuple[str, ...]: ...


S = TypeVar("S", bound=Spec)


@dataclass(frozen=True, slots=True)
class CheckSpec:
    id: str
    title: str
    severity: Severity
    function: CheckFunction
    doc: str = ""
    """Section of the ProcessMaker documentation."""
    source: str = ""
    """A source fact (§N of docs/source-facts.md); docs/behaviour.md lists the fields it decides."""
    rfc: str = ""
    tags: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    waits: str = ""
    """A profile field (a lifetime in seconds) the check waits out: the mock's clock moves; a
    live install is waited in real time, with ``--slow`` only (:data:`SLOW_LIMIT`)."""
    mock_only: str = ""
    """Why the check cannot run on a live install; given exactly when it requires ``control``."""

    @property
    def references(self) -> tuple[str, ...]:
        return references(self.doc, self.source, self.rfc)


def live_mode(spec: CheckSpec) -> tuple[str, str]:
    """How ``spec`` runs on a live install, and why: ``live``, ``--slow``,
    ``--allow-lockout-risk`` or ``mock-only`` (the why is empty for ``live``)."""
    if "control" in spec.requires:
        return "mock-only", spec.mock_only
    if "write" in spec.requires:
        return "mock-only", "changes data on the target; a live target is read-only"
    if spec.waits:
        return "--slow", (
            f"waits out the profile's {spec.waits} in real time (skipped when it is longer "
            f"than {SLOW_LIMIT} s or unlimited)"
        )
    if "lockout-risk" in spec.requires:
        return "--allow-lockout-risk", "sends wrong passwords, which may lock the account"
    return "live", ""


def references(doc: str, source: str, rfc: str) -> tuple[str, ...]:
    """How reports cite a check or scenario: the doc section, the source fact, the RFC."""
    refs = []
    if doc:
        refs.append(f"doc: {doc}")
    if source:
        refs.append(f"source {source} (docs/source-facts.md)")
    if rfc:
        refs.append(rfc)
    return tuple(refs)


class Registry(Generic[S]):
    """Specs by id, in registration order, with snapshot/restore for tests.

    :param kind: what the specs are (``check``, ``scenario``), as messages name them.
    :param rules: what else a spec must satisfy to be registered (raises ``ValueError``).
    :param battery: the module whose import registers the specs, imported on the first read
        (so a program that needs only a light part of the package, a client driver on
        :mod:`conformance.clients.adapter`, does not pay for importing every check).
    """

    def __init__(
        self, kind: str, rules: Callable[[S], None] | None = None, *, battery: str | None = None
    ) -> None:
        self.kind = kind
        self._rules = rules
        self._battery = battery
        self._specs: dict[str, S] = {}

    def _load(self) -> None:
        if self._battery is not None:
            battery, self._battery = self._battery, None
            importlib.import_module(battery)

    def register(self, spec: S) -> S:
        if not CHECK_ID.match(spec.id):
            raise ValueError(f"{self.kind} id {spec.id!r} does not look like PM3-AREA-TOPIC-001")
        if spec.id in self._specs:
            raise ValueError(f"{self.kind} id {spec.id} is registered twice")
        if not spec.title:
            raise ValueError(f"{spec.id}: the docstring's first line is the title; it is empty")
        if not spec.references:
            raise ValueError(f"{spec.id}: a {self.kind} must cite the doc, a source fact or an RFC")
        if self._rules is not None:
            self._rules(spec)
        self._specs[spec.id] = spec
        return spec

    def get(self, spec_id: str) -> S:
        self._load()
        return self._specs[spec_id]

    __getitem__ = get

    def __contains__(self, spec_id: object) -> bool:
        self._load()
        return spec_id in self._specs

    def all(self) -> list[S]:
        self._load()
        return list(self._specs.values())

    def ids(self) -> list[str]:
        self._load()
        return list(self._specs)

    def __len__(self) -> int:
        self._load()
        return len(self._specs)

    def __iter__(self) -> Iterator[S]:
        return iter(self.all())

    def select(self, selectors: list[str] | None) -> list[S]:
        """Specs whose id or a tag matches any selector (``PM3-TOKEN-*`` globs allowed).

        :raises KeyError: a selector that matches nothing.
        """
        if not selectors:
            return self.all()
        self._load()
        chosen: dict[str, S] = {}
        for selector in selectors:
            pattern = re.compile(
                "^" + re.escape(selector).replace(r"\*", ".*") + "$", re.IGNORECASE
            )
            hits = [c for c in self._specs.values() if pattern.match(c.id) or selector in c.tags]
            if not hits:
                raise KeyError(f"--select {selector!r} matches no {self.kind} id or tag")
            chosen.update((c.id, c) for c in hits)
        return [c for c in self._specs.values() if c.id in chosen]

    @contextmanager
    def scoped(self) -> Iterator[Registry[S]]:
        """Changes inside the block are undone on exit (for tests that register throwaway specs)."""
        self._load()
        saved = dict(self._specs)
        try:
            yield self
        finally:
            self._specs = saved


def _check_rules(spec: CheckSpec) -> None:
    unknown = set(spec.requires) - REQUIREMENTS
    if unknown:
        raise ValueError(f"{spec.id}: unknown requirement(s) {sorted(unknown)}")
    if ("control" in spec.requires) != bool(spec.mock_only):
        raise ValueError(f"{spec.id}: a check requires control exactly when it says mock_only")
    if spec.waits and spec.waits not in WAITABLE:
        raise ValueError(
            f"{spec.id}: waits={spec.waits!r} is not a profile lifetime ({sorted(WAITABLE)})"
        )


def check_registry() -> Registry[CheckSpec]:
    """An empty registry with the checks' rules (:data:`CHECKS` is the suite's)."""
    return Registry("check", _check_rules)


CHECKS: Registry[CheckSpec] = Registry("check", _check_rules, battery="conformance.checks")
"""Every check, by id: :mod:`conformance.checks` registers them (imported on the first read)."""


def check(
    check_id: str,
    *,
    severity: Severity = Severity.MEDIUM,
    doc: str = "",
    source: str = "",
    rfc: str = "",
    tags: tuple[str, ...] = (),
    requires: tuple[str, ...] = (),
    waits: str = "",
    mock_only: str = "",
    registry: Registry[CheckSpec] | None = None,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check; its docstring's first line is its title."""

    def decorate(function: CheckFunction) -> CheckFunction:
        title = (function.__doc__ or "").strip().splitlines()[0] if function.__doc__ else ""
        (registry if registry is not None else CHECKS).register(
            CheckSpec(
                id=check_id,
                title=title,
                severity=severity,
                function=function,
                doc=doc,
                source=source,
                rfc=rfc,
                tags=tags,
                requires=requires,
                waits=waits,
                mock_only=mock_only,
            )
        )
        return function

    return decorate
