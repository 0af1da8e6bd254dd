"""Baselines: the suite's run against the embedded mock, per profile, kept in the repository.

Any behaviour change of the mock or the checks shows up here as a drift to review;
``PM3_UPDATE_GOLDEN=1`` rewrites the baselines after review.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance import run
from conformance.reporting import build_report
from mockserver import PROFILES
from mockserver import get_profile
from reports import dumps
from reports import stable

BASELINES = Path(__file__).resolve().parents[2] / "reports" / "baselines"
UPDATE = os.environ.get("PM3_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("profile", list(PROFILES))
def test_baseline_has_not_drifted(profile: str) -> None:
    result = run(CHECKS.all(), Target.mock(profile), get_profile(profile), load_credentials(env={}))
    text = dumps(stable(build_report([result])))
    path = BASELINES / f"{profile}.json"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no baseline for {profile}: run with PM3_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{profile}: the suite's results against the mock changed; review with "
        f"'pm3-conformance report diff {path} <new report>' and rewrite with PM3_UPDATE_GOLDEN=1"
    )


def test_documentation_versus_versions_matrix_has_not_drifted() -> None:
    """Checks expecting the documentation, against the mock of each version: what differs where."""
    from reports import html
    from reports import markdown

    expected = get_profile("documented")
    runs, names = [], []
    for name in PROFILES:
        runs.append(run(CHECKS.all(), Target.mock(name), expected, load_credentials(env={})))
        names.append(f"documented vs mock {name}")
    report = stable(build_report(runs, names=names))
    text = dumps(report)
    path = BASELINES / "documented-vs-versions.json"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        (BASELINES / "documented-vs-versions.md").write_text(
            markdown.render(report), encoding="utf-8"
        )
        (BASELINES / "documented-vs-versions.html").write_text(
            html.render(report), encoding="utf-8"
        )
    assert text == path.read_text(encoding="utf-8"), "the documentation-vs-versions matrix changed"
