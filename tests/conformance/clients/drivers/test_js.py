"""The JavaScript driver kit (its verdicts and flawed variants: ``test_kits.py``): an action a
driver lacks is a failure the kit reports, not a crash."""

from __future__ import annotations

from conformance.clients.driver import Driver

from .kits import JS
from .kits import absolute
from .kits import needs
from .kits import runnable

pytestmark = needs(JS.missing)


def test_an_action_the_driver_lacks_is_reported_not_a_crash() -> None:
    runnable(JS)
    with Driver(absolute(JS.drivers[0]), step_timeout=20) as driver:
        assert driver.capabilities.missing(("login", "authorize_code")) == ["authorize_code"]
        outcome = driver.request(
            "authorize_code",
            "http://127.0.0.1:9",
            "workflow",
            {"client_id": "a", "client_secret": "b"},
        )
        assert not outcome.ok
        assert outcome.error == {"kind": "other", "message": "authorize_code is not implemented"}
