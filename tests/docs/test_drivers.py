"""docs/drivers.md: its two worked examples are complete drivers of under 50 lines that, copied next
to their kit as the guide says, pass the scenarios they claim to handle."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conformance.clients.harness import run_scenario
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile
from tests.conformance.clients.drivers.kits import ROOT
from tests.tools import require

GUIDE = ROOT / "docs" / "drivers.md"
KITS = ROOT / "conformance" / "clients" / "drivers"
# (language, fence, file name the example gives itself, kit file, runtime)
EXAMPLES = [
    ("php", "php", "my_driver.php", KITS / "php" / "pm3_driver.php", "php"),
    ("js", "js", "my-driver.mjs", KITS / "js" / "pm3-driver.mjs", "node"),
]
# a representative part of the battery: success, both error statuses, a REST 401, refresh
# rotation, a broken answer, the client's timeout, secrets in URLs, every token error reported
SCENARIO_IDS = [
    "PM3-CLIENT-LOGIN-001",
    "PM3-CLIENT-ERR-001",
    "PM3-CLIENT-ERR-002",
    "PM3-CLIENT-ERR-004",
    "PM3-CLIENT-ERR-007",
    "PM3-CLIENT-REFRESH-001",
    "PM3-CLIENT-FAULT-001",
    "PM3-CLIENT-FAULT-003",
    "PM3-CLIENT-SEC-001",
]


def _example(fence: str) -> str:
    blocks = re.findall(rf"```{fence}\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 1, f"docs/drivers.md should have one ```{fence} block"
    return str(blocks[0])


@pytest.mark.parametrize(("fence", "name"), [(e[1], e[2]) for e in EXAMPLES])
def test_examples_are_under_50_lines(fence: str, name: str) -> None:
    code = _example(fence)
    assert name in code.splitlines()[0] + code.splitlines()[1]
    assert len(code.splitlines()) < 50


@pytest.mark.parametrize("scenario_id", SCENARIO_IDS)
@pytest.mark.parametrize(
    ("fence", "name", "kit", "runtime"), [e[1:] for e in EXAMPLES], ids=[e[0] for e in EXAMPLES]
)
def test_example_passes(
    fence: str, name: str, kit: Path, runtime: str, scenario_id: str, tmp_path: Path
) -> None:
    program = require(shutil.which(runtime), runtime, ".ci/run installs it")
    shutil.copy(kit, tmp_path / kit.name)
    (tmp_path / name).write_text(_example(fence), encoding="utf-8")
    result, _ = run_scenario(
        SCENARIOS[scenario_id], f"{program} {tmp_path / name}", get_profile("documented")
    )
    assert result.outcome == "passed", result.failures[0].message if result.failures else result
