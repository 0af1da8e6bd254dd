"""Negative controls for the checks in conformance/checks/ authorize, resources, workspace, formats."""

from __future__ import annotations

from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import Prepare
from tests.conformance.control_kit import fixed


def _location(endpoint: str, location: str, *, method: str = "*") -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override(endpoint, times=None, method=method).respond_with(
            302, headers={"Location": location}
        )

    return prepare


def _authorize_post_redirects_to(location: str) -> Prepare:
    return _location("authorize", location, method="POST")


def _consent_page(body: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("authorize", times=None, method="GET", headers={"cookie": "*"}).respond_with(
            200, body=body, headers={"Content-Type": "text/html"}
        )

    return prepare


def _profile(**changes: object) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.set_profile(pm.profile.derive("broken", **changes))

    return prepare


def _api(status: int, body: str = "[]", **match: object) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("api", times=None, **match).respond_with(
            status, body=body, headers={"Content-Type": "application/json"}
        )  # type: ignore[arg-type]

    return prepare


def _applications(body: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        pm.override("applications", times=None, method="POST").respond_with(
            200, body=body, headers={"Content-Type": "text/html"}
        )

    return prepare


def _remember_consent(pm: MockServer) -> None:
    # after the first Accept, GET authorize redirects straight to the callback
    pm.override(
        "authorize", times=None, method="GET", headers={"cookie": "*"}, params={"scope": "*"}
    ).respond_with(302, headers={"Location": "http://localhost/callback?code=" + "a" * 40})


CONTROLS: dict[str, Control] = {
    # authorize
    "PM3-AUTHZ-001": Control(
        prepare=_profile(login_redirect="relative"),
        note="relative u instead of absolute",
        breaks="field:u",
    ),
    "PM3-AUTHZ-002": Control(
        prepare=_consent_page(
            '<form method="post" action="/x"><button type="submit">OK</button></form>'
        ),
        breaks="page",
    ),
    "PM3-AUTHZ-003": Control(
        prepare=_authorize_post_redirects_to("http://localhost/callback?code=short"),
        breaks="field:code",
    ),
    "PM3-AUTHZ-004": Control(
        prepare=_authorize_post_redirects_to(
            "http://localhost/callback?error=access_denied&error_description=The%20user%20denied%20access%20to%20your%20application&state=s1"
        ),
        breaks="redirect",
    ),
    "PM3-AUTHZ-005": Control(
        prepare=_authorize_post_redirects_to(
            "http://localhost/callback?access_token="
            + "a" * 40
            + "&expires_in=86400&token_type=bearer&scope=%2A&state=st"
        ),
        breaks="redirect",
    ),
    "PM3-AUTHZ-006": Control(
        prepare=_authorize_post_redirects_to(
            "http://localhost/callback?error=unsupported_response_type"
        ),
        breaks="redirect",
    ),
    "PM3-AUTHZ-007": Control(
        prepare=_profile(
            supported_scopes=(
                "*",
                "view_processes",
                "edit_processes",
                "view_process",
                "edit_process",
                "delete_everything",
            )
        ),
        breaks="error",
    ),
    "PM3-AUTHZ-008": Control(
        prepare=fixed(
            "authorize",
            400,
            '{"error":{"code":400,"message":"Bad Request"}}',
            method="GET",
            headers={"cookie": "*"},
        ),
        breaks="error_description",
    ),
    "PM3-AUTHZ-009": Control(
        prepare=_authorize_post_redirects_to("http://localhost/callback?code=" + "b" * 40),
        breaks="redirect",
    ),
    "PM3-AUTHZ-010": Control(
        prepare=_authorize_post_redirects_to("http://evil.example/steal?code=" + "c" * 40),
        breaks="redirect",
    ),
    "PM3-AUTHZ-011": Control(
        prepare=_profile(no_redirect_uri_description="No redirect URI was supplied or stored"),
        note="'URI' instead of the doc's 'URL'",
        breaks="error_description",
    ),
    "PM3-AUTHZ-012": Control(prepare=_remember_consent, breaks="page"),
    # resources
    "PM3-REST-001": Control(prepare=_api(200, '{"users": []}'), breaks="body"),
    "PM3-REST-002": Control(
        prepare=lambda pm: pm.override(
            "api", times=None, params={"access_token": "*"}
        ).respond_with_error(401),
        breaks="status",
    ),
    "PM3-REST-003": Control(
        prepare=_profile(resource_errors="rfc6750"),
        note="RFC 6750 challenge instead of Restler's 401",
        breaks="body",
    ),
    "PM3-REST-004": Control(
        prepare=_api(200, "[]", headers={"authorization": "re:^bearer "}), breaks="refused"
    ),
    "PM3-REST-005": Control(
        prepare=_api(
            401, '{"error":{"code":401,"message":"Unauthorized"}}', resource="no-such-resource"
        ),
        breaks="error",
    ),
    "PM3-REST-006": Control(
        prepare=_api(404, '{"error":{"code":404,"message":"Not Found"}}'), breaks="error"
    ),
    "PM3-REST-007": Control(
        prepare=lambda pm: pm.override("expire", times=None).respond_with(200), breaks="refused"
    ),
    "PM3-REST-008": Control(
        prepare=lambda pm: pm.override("delete", times=None).respond_with(200), breaks="refused"
    ),
    "PM3-REST-009": Control(
        prepare=lambda pm: pm.override("expire", times=None).respond_with(200), breaks="json"
    ),
    "PM3-REST-010": Control(
        prepare=_api(
            403, '{"error":{"code":403,"message":"Forbidden"}}', headers={"authorization": "*"}
        ),
        breaks="status",
    ),
    "PM3-REST-011": Control(
        prepare=_api(200, "[]", resource="processes"),
        note="processes answered as a route",
        breaks="schema:restler-error",
    ),
    "PM3-REST-012": Control(
        prepare=_api(200, "[]", params={"access_token": "*"}),
        note="a query token is served whatever its age",
        breaks="refused",
        reason=r"past its lifetime",
    ),
    # workspace
    "PM3-WS-001": Control(
        prepare=_profile(unknown_workspace="restler-400"),
        note="400 JSON instead of an empty 503",
        breaks="status",
    ),
    "PM3-WS-002": Control(
        prepare=lambda pm: pm.add_workspace("WORKFLOW") and None, breaks="refused"
    ),
    "PM3-WS-003": Control(
        prepare=lambda pm: pm.override("options", times=None).respond_with(204), breaks="status"
    ),
    "PM3-WS-004": Control(
        prepare=lambda pm: pm.override("api", times=None).respond_with(200, body="[]"),
        breaks="header:Access-Control-Allow-Origin",
    ),
    "PM3-WS-005": Control(
        prepare=lambda pm: pm.override(
            "token", times=None, resource="oauth2/token"
        ).respond_with_error(404),
        breaks="token",
    ),
    "PM3-WS-006": Control(
        prepare=lambda pm: pm.override("api", times=None).respond_with(
            200, json={"access_token": "a" * 40}
        ),
        breaks="refused",
    ),
    "PM3-WS-007": Control(
        prepare=lambda pm: pm.override("token", times=None, method="GET").respond_with(
            200, json={"access_token": "a" * 40}
        ),
        breaks="refused",
    ),
    "PM3-WS-008": Control(
        expected="pm-3.0-rc",
        prepare=_profile(restler_version="3.0.0rc5"),
        note="rc5 instead of rc4",
        breaks="header:X-Powered-By",
    ),
    # formats
    "PM3-FORMAT-001": Control(
        prepare=lambda pm: pm.override("token", times=None).alter(set={"refresh_token": "ABCDEF"}),
        breaks="field:refresh_token",
    ),
    "PM3-FORMAT-002": Control(
        prepare=lambda pm: pm.override("token", times=None).alter(set={"expires_in": "86400"}),
        breaks="field:expires_in",
    ),
    "PM3-FORMAT-003": Control(
        prepare=_applications(
            '<p>Client ID: <code id="client-id">abc</code></p><p>Client secret: <code id="client-secret">123</code></p>'
        ),
        breaks="field:client_id",
    ),
}
