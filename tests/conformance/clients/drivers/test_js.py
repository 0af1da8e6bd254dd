"""The JavaScript driver kit: both reference drivers get, scenario by scenario, the verdicts
committed in reports/clients/; a flawed variant of each is caught; an action a driver lacks is a
failure the kit reports, not a crash."""

from __future__ import annotations

import shutil

import pytest

from conformance.clients.driver import Driver
from conformance.clients.scenarios import SCENARIOS
from mockserver import get_profile

from .kits import ROOT
from .kits import absolute
from .kits import assert_committed_verdict
from .kits import assert_flaw_caught
from .kits import needs

NODE = shutil.which("node")
KIT = ROOT / "conformance" / "clients" / "drivers" / "js"


def _missing() -> str | None:
    if NODE is None:
        return "node is not installed (Debian: nodejs npm)"
    for package in ("simple-oauth2", "oauth4webapi"):
        if not (KIT / "node_modules" / package / "package.json").is_file():
            return f"{package} is not installed (npm ci --prefix conformance/clients/drivers/js; tox does it)"
    return None


MISSING = _missing()
pytestmark = needs(MISSING)

DRIVERS = [
    "node conformance/clients/drivers/js/simple-oauth2.mjs",
    "node conformance/clients/drivers/js/oauth4webapi.mjs",
]
# each reference driver with one flaw, and the scenario that must catch it
FLAWED = {
    "flawed_simple_oauth2.mjs": "PM3-CLIENT-FAULT-003",
    "flawed_oauth4webapi.mjs": "PM3-CLIENT-REFRESH-001",
    "flawed_oauth4webapi_lookup.mjs": "PM3-CLIENT-REST-001",
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
    assert_flaw_caught("node", script, scenario_id)


def test_an_action_the_driver_lacks_is_reported_not_a_crash() -> None:
    with Driver(absolute(DRIVERS[0]), step_timeout=20) as driver:
        assert driver.capabilities.missing(("login", "authorize_code")) == ["authorize_code"]
        outcome = driver.request(
            "authorize_code",
            "http://127.0.0.1:9",
            "workflow",
            {"client_id": "a", "client_secret": "b"},
        )
        assert not outcome.ok
        assert outcome.error == {"kind": "other", "message": "authorize_code is not implemented"}
