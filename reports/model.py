"""The canonical report: runs of checks (or client scenarios) with outcomes and evidence.

Every other format is a pure function of a :class:`Report`. JSON is canonical: validated against
``schemas/report.schema.json`` when written and when read, sorted, deterministic.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from pathlib import Path
from typing import Any

import schemas
from schemas.documents import DocumentError
from schemas.documents import parse_document
from schemas.documents import read_document

from .files import write_text
from .text import unicode_data

OUTCOMES = ("passed", "failed", "error", "skipped", "expected_deviation", "unexpected_pass")
BAD_OUTCOMES = frozenset({"failed", "error", "unexpected_pass"})
SEVERITIES = ("critical", "high", "medium", "low", "info")
MOST_TARGETS_NAMED = 3
"""A headline names at most this many targets (a matrix of five mock profiles names three)."""


class ReportError(ValueError):
    """A report or deviations file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    request: dict[str, Any]
    response: dict[str, Any]
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"request": self.request, "response": self.response}
        if self.note:
            out["note"] = self.note
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        return cls(request=data["request"], response=data["response"], note=data.get("note", ""))


@dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    message: str
    kind: str
    evidence: tuple[Evidence, ...] = ()
    curl: str | None = None
    expectation: str = ""
    """Which expectation broke (``status``, ``field:expires_in``, ...); empty when none is named."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message": self.message,
            "kind": self.kind,
            "evidence": [e.to_json() for e in self.evidence],
        }
        if self.curl:
            out["curl"] = self.curl
        if self.expectation:
            out["expectation"] = self.expectation
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Failure:
        return cls(
            message=data["message"],
            kind=data["kind"],
            evidence=tuple(Evidence.from_json(e) for e in data.get("evidence", [])),
            curl=data.get("curl"),
            expectation=data.get("expectation", ""),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    id: str
    title: str
    severity: str
    outcome: str
    duration_s: float
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    skip_reason: str = ""
    deviation_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "severity": self.severity,
            "outcome": self.outcome,
            "duration_s": self.duration_s,
            "references": list(self.references),
            "tags": list(self.tags),
            "failures": [f.to_json() for f in self.failures],
        }
        if self.skip_reason:
            out["skip_reason"] = self.skip_reason
        if self.deviation_reason:
            out["deviation_reason"] = self.deviation_reason
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        return cls(
            id=data["id"],
            title=data["title"],
            severity=data["severity"],
            outcome=data["outcome"],
            duration_s=float(data["duration_s"]),
            references=tuple(data.get("references", [])),
            tags=tuple(data.get("tags", [])),
            failures=tuple(Failure.from_json(f) for f in data.get("failures", [])),
            skip_reason=data.get("skip_reason", ""),
            deviation_reason=data.get("deviation_reason", ""),
        )

    @property
    def first_message(self) -> str:
        if self.failures:
            return self.failures[0].message
        return self.deviation_reason or self.skip_reason


def target_label(target: dict[str, Any]) -> str:
    """A run's ``target`` as a reader names it (a report's header, the Runs table):
    ``https://pm.example.com, workspace workflow``; ``embedded mock (pm-3.4.11), workspace
    workflow``; ``driver: node test/pm3-driver.js``. Any value of the schema gives a line."""
    kind = str(target.get("kind", ""))
    url = str(target.get("url", ""))
    if kind == "driver":
        return f"driver: {url}" if url else "driver"
    if kind == "mock":
        where = "embedded mock"
    elif kind == "mock-http":
        where = f"mock over HTTP {url}".rstrip()
    else:
        where = url or kind or "unknown target"
    if "server_profile" in target:
        where += f" ({target['server_profile']})"
    if "workspace" in target:
        where += f", workspace {target['workspace']}"
    return where


@dataclass(frozen=True, slots=True, kw_only=True)
class Run:
    name: str
    kind: str
    target: dict[str, Any]
    profile: str
    profile_values: dict[str, Any]
    outcomes: tuple[Outcome, ...]
    started_at: str
    duration_s: float
    profile_choice: dict[str, Any] | None = None
    """How ``--profile auto`` chose the profile: the fingerprint's best match, its agreement
    (``score`` of ``total`` observations) and the fields that differ; None when given."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "target": self.target,
            "profile": self.profile,
            "profile_values": self.profile_values,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "outcomes": [o.to_json() for o in sorted(self.outcomes, key=lambda o: o.id)],
        }
        if self.profile_choice is not None:
            out["profile_choice"] = self.profile_choice
        return out

    @property
    def target_label(self) -> str:
        """What was tested, in words: the server's URL and workspace, the embedded mock and the
        profile it ran, or the client driver's command."""
        return target_label(self.target)

    @property
    def profile_label(self) -> str:
        """The profile's name, with how the fingerprint chose it when it did."""
        choice = self.profile_choice
        if choice is None:
            return self.profile
        label = f"{self.profile} (auto: fingerprint {choice['score']}/{choice['total']})"
        differ = choice.get("differ") or []
        if differ:
            label += "; differs in " + ", ".join(str(d["field"]) for d in differ)
        return label

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Run:
        return cls(
            name=data["name"],
            kind=data["kind"],
            target=data["target"],
            profile=data["profile"],
            profile_values=data["profile_values"],
            outcomes=tuple(Outcome.from_json(o) for o in data["outcomes"]),
            started_at=data["started_at"],
            duration_s=float(data["duration_s"]),
            profile_choice=data.get("profile_choice"),
        )

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for o in self.outcomes:
            out[o.outcome] += 1
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    tool: str = "pm3-oauth-conformance"
    version: str
    generated_at: str
    runs: tuple[Run, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        return {
            "tool": self.tool,
            "version": self.version,
            "generated_at": self.generated_at,
            "summary": self.summary(),
            "runs": [r.to_json() for r in sorted(self.runs, key=lambda r: r.name)],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        return cls(
            tool=data["tool"],
            version=data["version"],
            generated_at=data["generated_at"],
            runs=tuple(Run.from_json(r) for r in data["runs"]),
        )

    def summary(self) -> dict[str, int]:
        out = dict.fromkeys(OUTCOMES, 0)
        for run in self.runs:
            for key, value in run.counts().items():
                out[key] += value
        return out

    @property
    def ok(self) -> bool:
        return not any(o.outcome in BAD_OUTCOMES for r in self.runs for o in r.outcomes)

    def target_labels(self) -> list[str]:
        """What the runs tested, each named once (:func:`target_label`), in run-name order."""
        labels = [r.target_label for r in sorted(self.runs, key=lambda r: r.name)]
        return list(dict.fromkeys(labels))

    def named_targets(self) -> tuple[list[str], int]:
        """The targets a report's headline names (at most :data:`MOST_TARGETS_NAMED`), and how
        many more there are."""
        labels = self.target_labels()
        return labels[:MOST_TARGETS_NAMED], max(0, len(labels) - MOST_TARGETS_NAMED)

    def outcome_ids(self) -> list[str]:
        return sorted({o.id for r in self.runs for o in r.outcomes})

    def with_runs(self, runs: tuple[Run, ...]) -> Report:
        return replace(self, runs=runs)


_VOLATILE = re.compile(r"\b[0-9a-f]{6}…|\b[0-9a-f]{40}\b|\b[A-Z]{32}\b")


def _stable_failure(failure: Failure) -> Failure:
    return replace(failure, message=_VOLATILE.sub("<id>", failure.message), evidence=(), curl=None)


def stable(report: Report) -> Report:
    """The report without what changes from run to run, for baselines: times, durations, the
    version, evidence, and generated identifiers (tokens, client ids) inside messages."""
    runs = tuple(
        replace(
            run,
            started_at="-",
            duration_s=0.0,
            target={k: v for k, v in run.target.items() if k != "url"}
            | {"kind": run.target["kind"]},
            outcomes=tuple(
                replace(o, duration_s=0.0, failures=tuple(_stable_failure(f) for f in o.failures))
                for o in run.outcomes
            ),
        )
        for run in report.runs
    )
    return replace(report, version="-", generated_at="-", runs=runs)


def dumps(report: Report) -> str:
    """Canonical JSON: validated, sorted by run name then check id, indent 2, trailing newline."""
    data = unicode_data(report.to_json())  # a lone surrogate cannot be written as UTF-8
    problems = schemas.errors("report", data)
    if problems:
        raise ReportError(f"the report does not match its schema: {problems[0]}")
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


MAX_REPORT_BYTES = 64 * 1024 * 1024
"""The largest report read (the documented-vs-versions baseline is a quarter of a megabyte)."""


def loads(text: str, origin: str = "report") -> Report:
    try:
        data = parse_document(text, origin, max_bytes=MAX_REPORT_BYTES)  # bounded depth and size
    except DocumentError as exc:
        raise ReportError(str(exc)) from None
    return _from_data(data, origin)


def _from_data(data: Any, origin: str) -> Report:
    problems = schemas.errors("report", data)
    if problems:
        raise ReportError(f"{origin}: not a pm3 report: {problems[0]}")
    return Report.from_json(data)


def write_json(report: Report, path: Path) -> None:
    """Canonical JSON to ``path``, through a temporary file and a rename (a link is replaced)."""
    write_text(path, dumps(report))


def read_json(path: Path) -> Report:
    try:
        data = read_document(path, yaml_allowed=False, max_bytes=MAX_REPORT_BYTES)
    except DocumentError as exc:
        raise ReportError(str(exc)) from None
    return _from_data(data, str(path))
