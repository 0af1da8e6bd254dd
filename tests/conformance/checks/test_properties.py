"""The property checks' settings: runs are reproducible and report the shrunk example."""

from __future__ import annotations

from conformance import CHECKS
from conformance import Target
from conformance import load_credentials
from conformance.checks.properties import _settings
from conformance.context import CheckContext
from mockserver import get_profile


def test_property_runs_are_reproducible_and_report_one_minimal_example() -> None:
    target = Target.mock("documented")
    with target.session() as session:
        ctx = CheckContext(
            CHECKS.get("PM3-PROP-002"),
            session,
            get_profile("documented"),
            load_credentials(env={}),
            target,
        )
        chosen = _settings(ctx, mock_examples=7, live_examples=3)
    # The same run gives the same report (golden baselines, regression diffs): no random seed.
    assert chosen.derandomize is True and chosen.database is None
    # One falsifying example, shrunk, is what a failure shows; not several at once.
    assert chosen.report_multiple_bugs is False
    assert chosen.max_examples == 7 and chosen.deadline is None
