"""The catch-rate benchmark: its broken servers are the project's registries, and its core
measures one of them with both tools."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.catch_rate import Row
from benchmarks.catch_rate import beyond
from benchmarks.catch_rate import broken_servers
from benchmarks.catch_rate import format_row
from benchmarks.catch_rate import format_table
from benchmarks.catch_rate import healthy
from benchmarks.catch_rate import main
from benchmarks.catch_rate import measure
from benchmarks.catch_rate import run_suite
from benchmarks.catch_rate import st_command
from conformance import CHECKS
from tests.conformance.controls_adversarial import ADVERSARIAL_CONTROLS
from tests.conformance.negative_controls import CONTROLS
from tests.tools import require


def test_the_broken_servers_are_every_control_of_the_registries() -> None:
    servers = broken_servers()
    names = [s.name for s in servers]
    assert len(names) == len(set(names))
    adversarial = sum(len(v) for v in ADVERSARIAL_CONTROLS.values())
    assert len(servers) == len(CONTROLS) + adversarial + 1  # + the byte-order-mark proxy
    assert [s.check_id for s in servers[: len(CONTROLS)]] == list(CONTROLS)
    assert all(s.prepare is not None for s in servers)


def test_only_what_the_healthy_server_does_not_show_counts() -> None:
    server = broken_servers()[0]
    row = Row(
        server,
        suite_failed=("PM3-TOKEN-PASSWORD-001", "PM3-WS-001"),
        suite_errors=(),
        own_check="failed",
        suite_seconds=0.0,
        st_failed=("pm3_token_values", "Response violates schema"),
        st_errors=(),
        st_seconds=0.0,
    )
    base = replace(row, server=healthy("documented", "documented"), suite_failed=("PM3-WS-001",))
    base = replace(base, st_failed=("Response violates schema",))
    left = beyond(row, base)
    assert left.suite_failed == ("PM3-TOKEN-PASSWORD-001",)
    assert left.st_failed == ("pm3_token_values",)
    nothing_new = beyond(base, base)
    assert not nothing_new.suite_caught and not nothing_new.st_caught


def test_an_unknown_broken_server_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    require(st_command(), "schemathesis", "it is in the test extra")
    with pytest.raises(SystemExit) as stopped:
        main(["--only", "PM3-NO-SUCH-CHECK"])
    assert stopped.value.code == 2
    assert "no broken server named PM3-NO-SUCH-CHECK" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["PM3-AUTHZ-003", "PM3-RESTDOOR-002"])
def test_the_suite_by_url_gets_the_callback_and_the_operator(name: str) -> None:
    """As on a live install given both: the redirect checks and the RBAC check run by URL
    (without them they are skipped, and their controls went unseen)."""
    broken = next(s for s in broken_servers() if s.name == name)
    failed, errors, own, _ = run_suite(broken)
    assert own == "failed" and name in failed
    assert errors == ()


@pytest.mark.slow
def test_both_tools_run_against_one_broken_server(tmp_path: Path) -> None:
    """The token_type 'Bearer' control, one schemathesis case per operation: the suite's own
    check fails by URL, and the hooks' pm3_token_values sees the value too."""
    require(st_command(), "schemathesis", "it is in the test extra")
    broken = next(s for s in broken_servers() if s.name == "PM3-TOKEN-PASSWORD-001")
    row = measure(broken, max_examples=1, seed=1, workdir=tmp_path)
    assert row.suite_caught
    assert row.own_check == "failed" and "PM3-TOKEN-PASSWORD-001" in row.suite_failed
    assert row.suite_errors == () and row.st_errors == ()
    assert "pm3_token_values" in row.st_failed
    line = format_row(row)
    assert line.startswith("PM3-TOKEN-PASSWORD-001 ")
    assert CHECKS.get("PM3-TOKEN-PASSWORD-001").title[:30] in line  # the rule it breaks
    assert "pm3_token_values" in line
    table = format_table([row], max_examples=1, seed=1)
    assert "suite 1/1, schemathesis 1/1" in table
    assert "--max-examples 1 per operation" in table
    assert list(tmp_path.glob("openapi-*.json")) == [tmp_path / "openapi-documented.json"]
