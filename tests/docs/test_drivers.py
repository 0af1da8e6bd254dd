"""docs/drivers.md: its worked examples are complete drivers of under 50 lines that, copied next to
their kit as the guide says and run with the command the guide gives under each, pass every
scenario the ``clients`` command runs that their capabilities allow (the rest are skipped)."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.clients.harness import select
from tests.conformance.clients.drivers.kits import ROOT
from tests.tools import require

GUIDE = ROOT / "docs" / "drivers.md"
KITS = ROOT / "conformance" / "clients" / "drivers"
BIN = Path(sys.executable).parent
"""This environment's scripts: ``pm3-conformance``, and the ``python`` the package is in."""


@dataclass(frozen=True)
class Example:
    heading: str
    """``## Worked example: <heading>, N lines``"""
    fence: str
    name: str
    """The file name the example gives itself."""
    kit: Path | None
    """The kit file it imports, copied next to it (the Python adapter is installed instead)."""
    runtime: str

    def section(self) -> str:
        """The guide's section for this example, from its heading to the next one."""
        text = GUIDE.read_text(encoding="utf-8")
        found = re.search(
            rf"^## Worked example: {self.heading}, (\d+) lines\n(.*?)(?=^## )", text, re.M | re.S
        )
        assert found, f"docs/drivers.md has no '## Worked example: {self.heading}, N lines'"
        return found.group(0)

    def code(self) -> str:
        blocks = re.findall(rf"```{self.fence}\n(.*?)```", self.section(), flags=re.S)
        assert len(blocks) == 1, f"the {self.heading} example should be one ```{self.fence} block"
        return str(blocks[0])

    def command(self) -> str:
        """The command the guide gives under the example."""
        blocks = re.findall(r"```text\n(.*?)```", self.section(), flags=re.S)
        assert len(blocks) == 1, f"the {self.heading} example should give one command"
        return str(blocks[0]).strip()


EXAMPLES = {
    "php": Example("PHP", "php", "my_driver.php", KITS / "php" / "pm3_driver.php", "php"),
    "js": Example("JavaScript", "js", "my-driver.mjs", KITS / "js" / "pm3-driver.mjs", "node"),
    "python": Example("Python", "python", "my_driver.py", None, "python"),
}


@pytest.mark.parametrize("language", list(EXAMPLES))
def test_example_is_under_50_lines_as_its_heading_says(language: str) -> None:
    example = EXAMPLES[language]
    lines = example.code().splitlines()
    assert example.name in lines[0] + lines[1], "the example names its file in its first lines"
    assert len(lines) < 50
    stated = re.search(r", (\d+) lines\n", example.section())
    assert stated and int(stated.group(1)) == len(lines), f"the heading says {stated}"


@pytest.mark.parametrize("language", list(EXAMPLES))
def test_example_passes_every_scenario_it_claims(language: str, tmp_path: Path) -> None:
    """What a reader does: copy the example (and its kit) into a directory, run the command the
    guide gives there; every scenario ``clients`` runs passes, or is skipped for a capability
    the example does not declare."""
    example = EXAMPLES[language]
    if example.runtime != "python":
        require(shutil.which(example.runtime), example.runtime, ".ci/run installs it")
    if example.kit is not None:
        shutil.copy(example.kit, tmp_path / example.kit.name)
    (tmp_path / example.name).write_text(example.code(), encoding="utf-8")
    command = example.command()
    assert f'--driver "{example.runtime} {example.name}"' in command, command
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(
        shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    reports = list(tmp_path.rglob("report.json"))
    assert len(reports) == 1, f"{command}\n{done.stdout}\n{done.stderr[-3000:]}"
    outcomes = json.loads(reports[0].read_text(encoding="utf-8"))["runs"][0]["outcomes"]
    assert sorted(o["id"] for o in outcomes) == sorted(s.id for s in select(None))
    wrong = [
        f"{o['id']} {o['outcome']}: "
        + (o["failures"][0]["message"] if o["failures"] else o.get("skip_reason", ""))
        for o in outcomes
        if not (
            o["outcome"] == "passed"
            or (o["outcome"] == "skipped" and o["skip_reason"].startswith("the driver lacks: "))
        )
    ]
    assert not wrong, "\n".join(wrong)
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr[-3000:]}"
    passed = [o["id"] for o in outcomes if o["outcome"] == "passed"]
    assert "PM3-CLIENT-ERR-003" in passed and "PM3-CLIENT-FAULT-003" in passed, passed
