"""Every driver kit (PHP, JavaScript): both reference drivers get, scenario by scenario, the
verdicts committed in reports/clients/, and a flawed variant of each is caught."""

from __future__ import annotations

import pytest

from conformance.clients.scenarios import SCENARIOS

from .kits import KITS
from .kits import Kit
from .kits import assert_committed_verdict
from .kits import assert_flaw_caught
from .kits import needs
from .kits import runnable

DRIVERS = [
    pytest.param(kit, command, marks=needs(kit.missing), id=command.rsplit("/", 1)[-1])
    for kit in KITS
    for command in kit.drivers
]
FLAWED = [
    pytest.param(kit, script, scenario_id, marks=needs(kit.missing), id=script)
    for kit in KITS
    for script, scenario_id in kit.flawed.items()
]


@pytest.mark.parametrize("scenario_id", SCENARIOS.ids())
@pytest.mark.parametrize(("kit", "command"), DRIVERS)
def test_committed_verdict_holds(kit: Kit, command: str, scenario_id: str) -> None:
    runnable(kit)
    assert_committed_verdict(command, scenario_id)


@pytest.mark.parametrize(("kit", "script", "scenario_id"), FLAWED)
def test_flawed_client_is_caught(kit: Kit, script: str, scenario_id: str) -> None:
    runnable(kit)
    assert_flaw_caught(kit.program, script, scenario_id)
