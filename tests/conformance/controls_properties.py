"""Negative controls for the checks in conformance/checks/properties.py."""

from __future__ import annotations

from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import profile_field


def _html_500_on_json(pm: MockServer) -> None:
    pm.fault("html_500", "token", times=None, headers={"content-type": "re:^application/json"})


CONTROLS: dict[str, Control] = {
    "PM3-PROP-001": Control(prepare=_html_500_on_json, note="5xx for JSON bodies", breaks="status"),
    "PM3-PROP-002": Control(
        prepare=profile_field(refresh_token_single_use=False),
        note="spent refresh tokens stay valid (and stored); everything else rotates as documented",
        breaks="reuse",
    ),
}
