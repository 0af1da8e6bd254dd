"""README.md's matrix of the reference drivers' verdicts: one row per scenario of the battery, in
the battery's order, each cell the verdict committed in reports/clients/report.json."""

from __future__ import annotations

import re

from conformance.clients.scenarios import SCENARIOS
from tests.conformance.clients.drivers.kits import ROOT
from tests.conformance.clients.drivers.kits import committed_outcome

README = ROOT / "README.md"
# the matrix's columns, left to right, as the commands the README regenerates them with
COLUMNS = [
    "python -m conformance.clients.drivers.authlib_driver",
    "python -m conformance.clients.drivers.oauthlib_driver",
    "python -m conformance.clients.drivers.naive",
    "php conformance/clients/drivers/php/docs_curl.php",
    "php conformance/clients/drivers/php/guzzle.php",
    "node conformance/clients/drivers/js/simple-oauth2.mjs",
    "node conformance/clients/drivers/js/oauth4webapi.mjs",
]
SYMBOLS = {"✅": "passed", "❌": "failed", "⏭️": "skipped"}


def _rows() -> dict[str, list[str]]:
    rows: dict[str, list[str]] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| (PM3-CLIENT-[A-Z]+-\d{3}) [^|]*\|(.*)\|$", line)
        if found:
            rows[found[1]] = [cell.strip() for cell in found[2].split("|")]
    return rows


def test_every_scenario_has_one_row_in_the_battery_order() -> None:
    assert list(_rows()) == SCENARIOS.ids()


def test_every_cell_is_the_committed_verdict() -> None:
    wrong = []
    for scenario_id, cells in _rows().items():
        assert len(cells) == len(COLUMNS), scenario_id
        for command, cell in zip(COLUMNS, cells, strict=True):
            expected = committed_outcome(command, scenario_id)
            if SYMBOLS.get(cell) != expected:
                wrong.append(f"{scenario_id} / {command}: README {cell}, committed {expected}")
    assert not wrong, "\n".join(wrong)
