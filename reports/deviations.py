"""Expected deviations: known differences of a target, each with a reason and a reference.

A listed check that fails becomes ``expected_deviation`` (the run passes); a listed check that
passes becomes ``unexpected_pass`` (the run fails until the entry is removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace
from pathlib import Path
from typing import Any

import schemas
from schemas.documents import DocumentError
from schemas.documents import read_document

from .model import Report
from .model import ReportError


@dataclass(frozen=True, slots=True)
class Deviation:
    id: str
    reason: str
    reference: str
    run: str | None = None


@dataclass(frozen=True, slots=True)
class Deviations:
    entries: tuple[Deviation, ...]

    def find(self, check_id: str, run_name: str) -> Deviation | None:
        for entry in self.entries:
            if entry.id == check_id and (entry.run is None or entry.run == run_name):
                return entry
        return None


def parse_deviations(data: Any, origin: str = "deviations") -> Deviations:
    problems = schemas.errors("deviations", data)
    if problems:
        raise ReportError(f"{origin}: {problems[0]}")
    return Deviations(
        tuple(
            Deviation(e["id"], e["reason"], e["reference"], e.get("run"))
            for e in data["deviations"]
        )
    )


def load_deviations(path: Path) -> Deviations:
    try:
        data = read_document(path)
    except DocumentError as exc:
        raise ReportError(str(exc)) from None
    return parse_deviations(data, str(path))


def apply(report: Report, deviations: Deviations) -> Report:
    runs = []
    for run in report.runs:
        outcomes = []
        for outcome in run.outcomes:
            entry = deviations.find(outcome.id, run.name)
            if entry is None:
                outcomes.append(outcome)
                continue
            why = f"{entry.reason} ({entry.reference})"
            if outcome.outcome == "failed":
                outcomes.append(
                    replace(outcome, outcome="expected_deviation", deviation_reason=why)
                )
            elif outcome.outcome == "passed":
                outcomes.append(replace(outcome, outcome="unexpected_pass", deviation_reason=why))
            else:
                outcomes.append(replace(outcome, deviation_reason=why))
        runs.append(replace(run, outcomes=tuple(outcomes)))
    return report.with_runs(tuple(runs))
