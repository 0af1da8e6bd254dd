"""Negative controls for conformance/checks/rest_door.py: a REST door that routes before it
authenticates, ignores RBAC, ignores GET users' filters, or forgets Allow on a 405."""

from __future__ import annotations

from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import Prepare

NOT_ALLOWED = {"error": {"code": 405, "message": "Method Not Allowed"}}
# Two users in the mock's record shape: what a server that ignores the filter would list.
EVERYONE = [
    {"usr_uid": "00000000000000000000000000000001", "usr_username": "admin"},
    {"usr_uid": "10000000000000000000000000000002", "usr_username": "johndoe"},
]


def _api(
    status: int, json: object, headers: dict[str, str] | None = None, **match: object
) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None, **match).respond_with(  # type: ignore[arg-type]
            status, json=json, headers=headers
        )

    return prepare


CONTROLS: dict[str, Control] = {
    "PM3-RESTDOOR-001": Control(
        prepare=_api(405, NOT_ALLOWED, {"Allow": "GET"}, method="POST"),
        note="POST routes answered 405 before authentication (the mock before issue 21)",
        breaks="status",
        reason=r"POST cases without a token: .*405",
    ),
    "PM3-RESTDOOR-002": Control(
        prepare=_api(200, EVERYONE, method="GET", headers={"authorization": "*"}),
        note="any valid token reads the users: no RBAC",
        breaks="refused",
        reason="PROCESSMAKER_OPERATOR",
    ),
    "PM3-RESTDOOR-003": Control(
        prepare=_api(200, EVERYONE, method="GET", params={"filter": "*"}),
        note="filter ignored: the whole list",
        breaks="body",
        reason=r"\?filter=johndoe: .*\(2 of 2 users\): the filter was ignored",
    ),
    "PM3-RESTDOOR-004": Control(
        prepare=_api(405, NOT_ALLOWED, method="PUT"),
        note="405 without Allow",
        breaks="header:Allow",
        reason="expected Allow: 'GET, POST'",
    ),
}
