"""Negative controls for the checks' live variants (issue 25, item 2): a broken server on the wire.

On a live install a check cannot seed a client or move the clock; its live variant uses what an
install has (a built-in client as the second client), waits in real time (``--slow``), or needs
no mock at all. Each control here is a mock served over loopback HTTP, broken the way the check
names (an override, a lifetime, or a proxy in front of it: :mod:`tests.conformance.proxy_kit`),
run as a URL target with ``--slow``; ``test_live_controls.py`` wants every check with a live
variant to catch its control, and to pass against the same server unbroken. Lifetimes are a
second or two so the real waits stay short.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conformance import load_credentials
from mockserver import MockServer
from mockserver import Profile
from mockserver import get_profile
from tests.conformance.control_kit import Prepare
from tests.conformance.controls_adversarial import ADVERSARIAL_CONTROLS
from tests.conformance.proxy_kit import behind_proxy
from tests.conformance.proxy_kit import request_form

CREDENTIALS = load_credentials(env={})
LOCAL_CLIENT = "x-pm-local-client"
"""The designer's client every ProcessMaker install ships (source facts §6)."""


@dataclass(frozen=True, slots=True)
class LiveControl:
    """Run the check expecting ``expected`` on a URL target (``--slow``): a mock serving
    ``expected`` itself, prepared by ``prepare``."""

    expected: Profile
    prepare: Prepare
    note: str
    breaks: str
    """The expectation the check must fail on."""
    reason: str = ""
    """A regular expression the failure message must also match."""


def _short(**lifetimes: int | None) -> Profile:
    return get_profile("documented").derive("short-lifetimes", **lifetimes)


def _lifetimes(**changes: Any) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.set_lifetimes(**changes)

    return prepare


def _refresh_not_bound_to_its_client(environ: dict[str, Any]) -> None:
    """A token endpoint that never compares a refresh token's client with the one asking
    (bshaffer ``RefreshToken::validateRequest`` step 6 left out): the proxy turns another
    client's refresh into the owner's before the mock reads it."""
    if not str(environ.get("PATH_INFO", "")).endswith("/oauth2/token"):
        return

    def as_owner(fields: dict[str, str]) -> bool:
        if fields.get("grant_type") != "refresh_token" or fields.get("client_id") != LOCAL_CLIENT:
            return False
        fields["client_id"] = CREDENTIALS.client_id
        fields["client_secret"] = CREDENTIALS.client_secret
        return True

    request_form(environ, as_owner)


def _apitest_routed_to_oauth(environ: dict[str, Any]) -> None:
    """A front controller that tests for ``/api/`` rather than the first three characters
    (HOR-4697 done "right"): ``/apitest/oauth2/token`` reaches OAuth mode, and an install
    without that workspace answers its unknown-workspace answer (the mock's, for a workspace
    it does not serve)."""
    path = str(environ.get("PATH_INFO", ""))
    if path.startswith("/apitest/oauth2/"):
        environ["PATH_INFO"] = "/nosuchworkspace/" + path[len("/apitest/") :]


LIVE_CONTROLS: dict[str, LiveControl] = {
    "PM3-REST-012": LiveControl(
        expected=_short(access_lifetime=1),
        prepare=ADVERSARIAL_CONTROLS["PM3-REST-002"][0].prepare or (lambda pm: None),
        note="a proxy caching GET /api answers by URL, ?access_token= included",
        breaks="refused",
        reason=r"\?access_token= .*lifetime",
    ),
    "PM3-TOKEN-CODE-003": LiveControl(
        expected=_short(auth_code_lifetime=1),
        prepare=_lifetimes(code=3600),
        note="codes live an hour",
        breaks="lifetime",
    ),
    "PM3-TOKEN-REFRESH-004": LiveControl(
        expected=get_profile("documented"),
        prepare=behind_proxy(edit_request=_refresh_not_bound_to_its_client),
        note="a refresh by the built-in client x-pm-local-client is served with another "
        "client's refresh token",
        breaks="refused",
    ),
    "PM3-TOKEN-REFRESH-007": LiveControl(
        expected=_short(refresh_token_lifetime=1),
        prepare=_lifetimes(refresh=3600),
        note="refresh tokens live an hour",
        breaks="lifetime",
    ),
    "PM3-TOKEN-REFRESH-008": LiveControl(
        expected=_short(access_lifetime=2),
        prepare=_lifetimes(access=3600),
        note="access tokens live an hour",
        breaks="lifetime",
    ),
    "PM3-WS-006": LiveControl(
        expected=get_profile("documented"),
        prepare=behind_proxy(edit_request=_apitest_routed_to_oauth),
        note="/apitest/oauth2/token routed to OAuth mode, as for a workspace apitest",
        breaks="json",
        reason="HTTP 503",
    ),
}
