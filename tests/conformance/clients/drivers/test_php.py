"""The PHP driver kit (its verdicts and flawed variants: ``test_kits.py``): a dead server is a
failure, not a crash."""

from __future__ import annotations

from conformance.clients.driver import Driver

from .kits import PHP
from .kits import absolute
from .kits import needs
from .kits import runnable

pytestmark = needs(PHP.missing)


def test_an_unreachable_server_is_a_transport_failure() -> None:
    runnable(PHP)
    with Driver(absolute(PHP.drivers[0]), step_timeout=20) as driver:
        outcome = driver.request(
            "refresh", "http://127.0.0.1:9", "workflow", {"client_id": "a", "client_secret": "b"}
        )
        assert not outcome.ok and outcome.error["kind"] == "transport"
        assert driver.capabilities.missing(("login", "auto_refresh", "encoding:json")) == [
            "encoding:json"
        ]
