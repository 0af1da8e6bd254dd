"""The PHP driver kit: both reference clients get, scenario by scenario, the verdicts committed in
reports/clients/; a flawed variant of each is caught; a dead server is a failure, not a crash."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.clients.driver import Driver
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

from .kits import absolute
from .kits import assert_committed_verdict
from .kits import assert_flaw_caught
from .kits import needs

PHP = shutil.which("php")
GUZZLE = Path("/usr/share/php/GuzzleHttp/autoload.php")


def _missing() -> str | None:
    if PHP is None:
        return "php is not installed (Debian: php-cli php-curl php-guzzlehttp-guzzle)"
    curl = subprocess.run(
        [PHP, "-r", "exit(function_exists('curl_init') ? 0 : 1);"], capture_output=True, timeout=30
    )
    if curl.returncode != 0:
        return "PHP's cURL extension is not installed (Debian: php-curl)"
    if not GUZZLE.is_file():
        return f"Guzzle is not installed ({GUZZLE}; Debian: php-guzzlehttp-guzzle)"
    return None


MISSING = _missing()
pytestmark = needs(MISSING)

DRIVERS = [
    "php conformance/clients/drivers/php/docs_curl.php",
    "php conformance/clients/drivers/php/guzzle.php",
]
# each reference client with one flaw, and the scenario that must catch it
FLAWED = {
    "flawed_docs_curl.php": "PM3-CLIENT-ERR-001",
    "flawed_guzzle.php": "PM3-CLIENT-SEC-001",
    "flawed_docs_curl_login.php": "PM3-CLIENT-ERR-006",
}
DOCUMENTED = get_profile("documented")


@pytest.fixture(autouse=True)
def _runtime() -> None:
    assert MISSING is None, f"{MISSING}: required in CI"


@pytest.mark.parametrize("scenario_id", list(SCENARIOS))
@pytest.mark.parametrize("command", DRIVERS)
def test_committed_verdict_holds(command: str, scenario_id: str) -> None:
    assert_committed_verdict(command, scenario_id)


@pytest.mark.parametrize(("script", "scenario_id"), list(FLAWED.items()))
def test_flawed_client_is_caught(script: str, scenario_id: str) -> None:
    assert_flaw_caught("php", script, scenario_id)


def test_an_unreachable_server_is_a_transport_failure() -> None:
    with Driver(absolute(DRIVERS[0]), step_timeout=20) as driver:
        outcome = driver.request(
            "refresh", "http://127.0.0.1:9", "workflow", {"client_id": "a", "client_secret": "b"}
        )
        assert not outcome.ok and outcome.error["kind"] == "transport"
        assert driver.capabilities.missing(("login", "auto_refresh", "encoding:json")) == [
            "encoding:json"
        ]
