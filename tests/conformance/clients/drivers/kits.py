"""The PHP and JavaScript kits as the tests see them (:class:`Kit`: the runtime, its reference
drivers, a flawed variant of each and the scenario that catches it), the verdicts committed in
``reports/clients/report.json``, and the rule that a missing runtime skips locally but never in CI.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from conformance.clients.harness import run_scenario
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

ROOT = Path(__file__).resolve().parents[4]
COMMITTED = ROOT / "reports" / "clients" / "report.json"
HERE = Path(__file__).resolve().parent


def absolute(command: str) -> str:
    """A command as the README writes it (paths from the clone's root), runnable from anywhere."""
    program, path = shlex.split(command)
    return f"{program} {shlex.quote(str(ROOT / path))}"


def needs(missing: str | None) -> pytest.MarkDecorator:
    """Skip when something is missing, unless in CI: there the tests run and fail loudly."""
    return pytest.mark.skipif(
        missing is not None and not os.environ.get("CI"),
        reason=f"{missing} (.ci/run installs it; in CI these tests never skip)",
    )


@cache
def _committed() -> dict[str, dict[str, str]]:
    report = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return {
        run["target"]["url"]: {o["id"]: o["outcome"] for o in run["outcomes"]}
        for run in report["runs"]
    }


def committed_outcome(command: str, scenario_id: str) -> str:
    runs = _committed()
    assert command in runs, f"{COMMITTED} has no run of {command!r}: regenerate the verdicts"
    outcomes = runs[command]
    assert scenario_id in outcomes, (
        f"{COMMITTED} has no verdict on {scenario_id} for {command!r}: regenerate the verdicts "
        "(README: Which popular libraries handle ProcessMaker's quirks)"
    )
    return outcomes[scenario_id]


def assert_committed_verdict(command: str, scenario_id: str) -> None:
    """The driver gets, on this scenario, the verdict committed in reports/clients/."""
    expected = committed_outcome(command, scenario_id)
    result, name = run_scenario(
        SCENARIOS[scenario_id], absolute(command), get_profile("documented")
    )
    detail = result.failures[0].message if result.failures else result.skip_reason
    assert result.outcome == expected, f"{name} on {scenario_id}: {result.outcome} ({detail})"


def assert_flaw_caught(program: str, script: str, scenario_id: str) -> None:
    """The flawed variant ``script`` (beside these tests) fails the scenario meant to catch it."""
    command = f"{program} {HERE / script}"
    result, name = run_scenario(SCENARIOS[scenario_id], command, get_profile("documented"))
    assert result.outcome == "failed", f"{scenario_id} did not catch {name}"
    assert "flaw" in name and result.failures[0].message


@dataclass(frozen=True)
class Kit:
    """A driver kit: its runtime, its reference drivers (commands as the README writes them)
    and, for each flawed variant beside these tests, the scenario that must catch it."""

    name: str
    program: str
    drivers: tuple[str, ...]
    flawed: dict[str, str]
    missing: str | None
    """What is not installed here (``None``: the kit can run)."""


def _js_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (Debian: nodejs npm)"
    kit = ROOT / "conformance" / "clients" / "drivers" / "js"
    for package in ("simple-oauth2", "oauth4webapi"):
        if not (kit / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed (npm ci --prefix conformance/clients/drivers/js; tox does it)"
    return None


GUZZLE = Path("/usr/share/php/GuzzleHttp/autoload.php")


def _php_missing() -> str | None:
    php = shutil.which("php")
    if php is None:
        return "php is not installed (Debian: php-cli php-curl php-guzzlehttp-guzzle)"
    curl = subprocess.run(
        [php, "-r", "exit(function_exists('curl_init') ? 0 : 1);"], capture_output=True, timeout=30
    )
    if curl.returncode != 0:
        return "PHP's cURL extension is not installed (Debian: php-curl)"
    if not GUZZLE.is_file():
        return f"Guzzle is not installed ({GUZZLE}; Debian: php-guzzlehttp-guzzle)"
    return None


JS = Kit(
    "js",
    "node",
    (
        "node conformance/clients/drivers/js/simple-oauth2.mjs",
        "node conformance/clients/drivers/js/oauth4webapi.mjs",
    ),
    {
        "flawed_simple_oauth2.mjs": "PM3-CLIENT-FAULT-003",
        "flawed_oauth4webapi.mjs": "PM3-CLIENT-REFRESH-001",
        "flawed_oauth4webapi_lookup.mjs": "PM3-CLIENT-REST-001",
    },
    _js_missing(),
)
PHP = Kit(
    "php",
    "php",
    (
        "php conformance/clients/drivers/php/docs_curl.php",
        "php conformance/clients/drivers/php/guzzle.php",
    ),
    {
        "flawed_docs_curl.php": "PM3-CLIENT-ERR-001",
        "flawed_guzzle.php": "PM3-CLIENT-SEC-001",
        "flawed_docs_curl_login.php": "PM3-CLIENT-ERR-006",
    },
    _php_missing(),
)
KITS = (JS, PHP)


def runnable(kit: Kit) -> None:
    """In a test that did not skip: the kit's runtime must be there (in CI it always must)."""
    assert kit.missing is None, f"{kit.missing}: required in CI"
