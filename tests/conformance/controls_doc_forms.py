"""Negative controls for the checks in conformance/checks/doc_forms.py.

Each control refuses exactly one documented request form, the way a real server or a proxy in
front of it can (a 417 for ``Expect: 100-continue``, a CSRF filter on ``X-Requested-With``, a
strict base64 decoder, body credentials read from urlencoded posts only), and names the reason
the check's failure message must give.
"""

from __future__ import annotations

from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import Prepare
from tests.conformance.control_kit import error_instead

UNPADDED_BASIC = "re:^Basic (?:[A-Za-z0-9+/]{4})*[A-Za-z0-9+/]{2,3}$"
NO_CREDENTIALS = "Client credentials were not found in the headers or body"


def _refuse(status: int, body: str = "", **match: object) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("token", times=None, **match).respond_with(  # type: ignore[arg-type]
            status, body=body, headers={"Content-Type": "text/html"}
        )

    return prepare


def _token_without_cors(pm: MockServer) -> None:
    # a valid token answer, without Access-Control-Allow-Origin, for any request with an Origin
    pm.override("token", times=None, headers={"origin": "*"}).respond_with(
        200,
        json={
            "access_token": "e" * 40,
            "expires_in": pm.profile.access_lifetime,
            "token_type": "bearer",
            "scope": "*",
            "refresh_token": "f" * 40,
        },
    )


def _query_token_ignored_on(resource: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override(
            "api", times=None, resource=resource, params={"access_token": "*"}
        ).respond_with_error(401)

    return prepare


CONTROLS: dict[str, Control] = {
    "PM3-DOCFORM-001": Control(
        prepare=_refuse(417, "Expectation Failed", headers={"expect": "100-continue"}),
        note="417 for Expect: 100-continue",
        reason=r"^pmRestLogin\(\) .*Expect: 100-continue\): .*expected HTTP 200, got 417$",
    ),
    "PM3-DOCFORM-002": Control(
        prepare=error_instead(
            "token",
            "invalid_request",
            "multipart bodies are not supported",
            grant_type="refresh_token",
            headers={"content-type": "re:^multipart/form-data"},
        ),
        note="multipart refresh refused",
        reason=r"^pmRestRefresh\(\) \(PHP cURL multipart.*multipart bodies are not supported",
    ),
    "PM3-DOCFORM-003": Control(
        prepare=error_instead(
            "token",
            "invalid_client",
            NO_CREDENTIALS,
            grant_type="authorization_code",
            headers={"content-type": "re:^multipart/form-data"},
        ),
        note="body credentials read from urlencoded posts only",
        reason=r"^gettoken\.php \(PHP cURL multipart.*Client credentials were not found",
    ),
    "PM3-DOCFORM-004": Control(
        prepare=_refuse(403, "<h1>Forbidden</h1>", headers={"x-requested-with": "XMLHttpRequest"}),
        note="a CSRF filter refusing X-Requested-With",
        reason=r"^the jQuery \$\.ajax example \(same origin.*X-Requested-With\): .*got 403$",
    ),
    "PM3-DOCFORM-005": Control(
        prepare=_token_without_cors,
        note="token answers without Access-Control-Allow-Origin",
        reason=r"^the jQuery \$\.ajax example \(from .*cannot read the answer: "
        r"Access-Control-Allow-Origin is None$",
    ),
    "PM3-DOCFORM-006": Control(
        prepare=error_instead(
            "token",
            "invalid_request",
            "JSON bodies are not supported",
            grant_type="refresh_token",
            headers={"content-type": "re:^application/json"},
        ),
        note="JSON refresh refused",
        reason=r"^the JavaScript pmRestRefresh\(\) example \(XMLHttpRequest .*JSON\): "
        r".*JSON bodies are not supported",
    ),
    "PM3-DOCFORM-007": Control(
        prepare=error_instead(
            "token", "invalid_client", NO_CREDENTIALS, headers={"authorization": UNPADDED_BASIC}
        ),
        note="a strict base64 decoder (padding required)",
        reason=r"^the documentation's exact Basic header .*Client credentials were not found",
    ),
    "PM3-DOCFORM-008": Control(
        prepare=_query_token_ignored_on("cases"),
        note="?access_token= ignored on cases",
        reason=r"^GET /api/1\.0/\{workspace\}/cases with the access_token query parameter: .*got 401$",
    ),
}
