"""Diff semantics on hand-made pairs; expected deviations."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from reports import Report
from reports import ReportError
from reports.deviations import apply
from reports.deviations import load_deviations
from reports.diff import compare
from reports.diff import render_html
from reports.diff import render_markdown
from tests.reports.sample import FAILURE
from tests.reports.sample import outcome
from tests.reports.sample import sample


def _one_run(*outcomes: object) -> Report:
    base = sample()
    run = replace(base.runs[0], outcomes=tuple(outcomes))  # type: ignore[arg-type]
    return replace(base, runs=(run,))


def test_each_category() -> None:
    old = _one_run(
        outcome("PM3-A-001", "passed"),
        outcome("PM3-B-001", "failed", failures=(FAILURE,)),
        outcome("PM3-C-001", "passed"),
        outcome("PM3-D-001", "failed", failures=(FAILURE,)),
        outcome("PM3-E-001", "passed"),
    )
    new = _one_run(
        outcome("PM3-A-001", "failed", failures=(FAILURE,)),
        outcome("PM3-B-001", "passed"),
        outcome("PM3-D-001", "failed", failures=(replace(FAILURE, message="another reason"),)),
        outcome("PM3-E-001", "skipped", skip_reason="x"),
        outcome("PM3-F-001", "passed"),
    )
    diff = compare(old, new)
    assert [c.id for c in diff.regressions] == ["PM3-A-001"]
    assert [c.id for c in diff.fixes] == ["PM3-B-001"]
    assert [c.id for c in diff.removed_checks] == ["PM3-C-001"]
    assert [c.id for c in diff.changed_evidence] == ["PM3-D-001"]
    assert [c.id for c in diff.new_checks] == ["PM3-F-001"]
    assert [c.id for c in diff.other_changes] == ["PM3-E-001"]
    assert diff.regressed
    md = render_markdown(diff)
    assert "**Regressed**" in md and "### Fixes" in md
    assert "regressed" in render_html(diff)


def test_no_regression_when_identical() -> None:
    diff = compare(sample(), sample())
    assert not diff.regressed
    assert "**No regression**" in render_markdown(diff)


def test_an_unexpected_pass_is_a_regression_from_a_deviation() -> None:
    old = _one_run(outcome("PM3-A-001", "expected_deviation"))
    new = _one_run(outcome("PM3-A-001", "unexpected_pass"))
    assert compare(old, new).regressed


def test_deviations_turn_failures_into_expected_and_passes_into_unexpected(tmp_path: Path) -> None:
    path = tmp_path / "deviations.yaml"
    path.write_text(
        "deviations:\n"
        "  - {id: PM3-A-001, reason: our 3.4.10 answers 400, reference: 'pm3-behavior.md §3.2'}\n"
        "  - {id: PM3-B-001, reason: stale, reference: PMCORE-1181, run: documented}\n"
    )
    report = _one_run(
        outcome("PM3-A-001", "failed", failures=(FAILURE,)), outcome("PM3-B-001", "passed")
    )
    applied = apply(report, load_deviations(path))
    by_id = {o.id: o for o in applied.runs[0].outcomes}
    assert by_id["PM3-A-001"].outcome == "expected_deviation"
    assert "pm3-behavior.md §3.2" in by_id["PM3-A-001"].deviation_reason
    assert by_id["PM3-B-001"].outcome == "unexpected_pass"
    assert not applied.ok


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("deviations: [{id: PM3-A-001}]", "reason"),
        ("{nope", "not valid"),
        ("deviations: 3", "deviations"),
    ],
)
def test_bad_deviation_files(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(content)
    with pytest.raises(ReportError, match=needle):
        load_deviations(path)
