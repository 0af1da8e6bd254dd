"""Negative controls for the checks in conformance/checks/ token_errors, token_client_credentials,
token_refresh, token_code."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from conformance import load_credentials
from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import Prepare
from tests.conformance.control_kit import error_instead
from tests.conformance.control_kit import fixed
from tests.conformance.control_kit import override_token
from tests.conformance.control_kit import profile_field
from tests.conformance.proxy_kit import Headers
from tests.conformance.proxy_kit import behind_proxy
from tests.conformance.proxy_kit import request_form


def _restler_400_for_text(pm: MockServer) -> None:
    pm.override("token", times=None, headers={"content-type": "text/plain"}).respond_with_error(400)


def _refresh_scope_check_spends(pm: MockServer) -> None:
    """A server that spends the refresh token before it checks the scope: every refresh refused
    with invalid_scope leaves its refresh token spent (every time, as a real defect would, not
    once: a whole run by URL meets it wherever it comes)."""

    def remember(environ: dict[str, Any]) -> None:
        environ["pm3.control.form"] = request_form(environ)

    def spend_after_invalid_scope(
        environ: dict[str, Any], status: int, headers: Headers, body: bytes
    ) -> tuple[int, Headers, bytes]:
        form = environ.get("pm3.control.form", {})
        if form.get("grant_type") == "refresh_token" and b'"invalid_scope"' in body:
            pm.workspace().spend_refresh_token(form.get("refresh_token", ""))
        return status, headers, body

    behind_proxy(spend_after_invalid_scope, edit_request=remember)(pm)


def _redirect_uri_not_checked(pm: MockServer) -> None:
    """A server that does not check the token step's redirect_uri: a code exchange that leaves it
    out is served as if it had repeated the one the code was issued for (every time)."""

    def fill_in(form: dict[str, str]) -> bool:
        if form.get("grant_type") != "authorization_code" or form.get("redirect_uri"):
            return False
        row = pm.workspace().get_code(form.get("code", ""))
        if row is None or not row.redirect_uri:
            return False
        form["redirect_uri"] = row.redirect_uri
        return True

    def edit(environ: dict[str, Any]) -> None:
        request_form(environ, fill_in)

    behind_proxy(edit_request=edit)(pm)


def _other_basic_split(pm: MockServer) -> None:
    other = "single-colon" if pm.profile.basic_split == "first-colon" else "first-colon"
    pm.set_profile(pm.profile.derive("broken", basic_split=other))


def _same_refresh_token_back(pm: MockServer) -> None:
    # one real refresh token, kept valid after use, is what every password grant and every
    # refresh hands out: the tokens are right in every other way (lifetime, scope, type)
    pm.set_profile(pm.profile.derive("broken", refresh_token_single_use=False))
    c = load_credentials(env={})
    answer = Client(pm.app).post(
        "/workflow/oauth2/token",
        data=c.password_form(),
    )
    kept = answer.get_json()["refresh_token"]
    for grant in ("password", "refresh_token"):
        pm.override("token", times=None, grant_type=grant).alter(set={"refresh_token": kept})


def _spent_refresh_accepted(pm: MockServer) -> None:
    pm.set_profile(pm.profile.derive("broken", refresh_token_single_use=False))


def _extra_scopes(*extra: str) -> Prepare:
    def prepare(pm: MockServer) -> None:
        scopes = (*pm.profile.supported_scopes, *extra)
        pm.set_profile(pm.profile.derive("broken", supported_scopes=scopes))

    return prepare


def _error_to_token(endpoint_grant: str, times: int | None = None) -> Prepare:
    """Turn error answers of a grant into token-looking answers."""

    def prepare(pm: MockServer) -> None:
        pm.override("token", times=times, grant_type=endpoint_grant).alter(
            drop=["error", "error_description", "error_uri"],
            set={
                "access_token": "c" * 40,
                "expires_in": pm.profile.access_lifetime,
                "token_type": "bearer",
                "scope": "*",
                "refresh_token": "d" * 40,
            },
            status=200,
        )

    return prepare


CONTROLS: dict[str, Control] = {
    # token_errors
    "PM3-TOKEN-ERRORS-001": Control(
        prepare=error_instead("token", "invalid_request", "Missing grant_type"),
        breaks="error_description",
    ),
    "PM3-TOKEN-ERRORS-002": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            grant_type="magic_beans",
        ),
        breaks="error",
    ),
    "PM3-TOKEN-ERRORS-003": Control(
        prepare=error_instead("token", 400, "nested instead of flat"), breaks="schema:oauth-error"
    ),
    "PM3-TOKEN-ERRORS-004": Control(
        prepare=lambda pm: pm.override("token", times=None).alter(status=400) and None,
        note="the right error, with HTTP 400 where the profile says 200",
        breaks="status",
    ),
    "PM3-TOKEN-ERRORS-005": Control(
        prepare=fixed(
            "token",
            400,
            '{"error":{"code":400,"message":"Bad Request"}}',
            headers={"content-type": "application/json"},
        ),
        breaks="error_description",
    ),
    "PM3-TOKEN-ERRORS-006": Control(prepare=_restler_400_for_text, breaks="error"),
    "PM3-TOKEN-ERRORS-007": Control(
        expected="pm-3.4.10",
        prepare=profile_field(token_headers="restler"),
        note="Restler's headers instead of bshaffer's",
        breaks="header:Cache-Control",
    ),
    "PM3-TOKEN-ERRORS-008": Control(
        prepare=error_instead(
            "token",
            "invalid_client",
            "The client credentials are invalid",
            params={"client_secret": "wrong"},
        ),
        breaks="token",
    ),
    "PM3-TOKEN-ERRORS-009": Control(
        prepare=_other_basic_split,
        note="the mock reads a two-colon Basic value the other way",
        breaks="refused",
    ),
    "PM3-TOKEN-ERRORS-010": Control(
        prepare=_extra_scopes("delete_everything"), note="any scope granted", breaks="refused"
    ),
    "PM3-TOKEN-ERRORS-011": Control(
        prepare=profile_field(supported_scopes=("view_processes", "edit_processes", "*")),
        note="singular scope refused",
        breaks="token",
    ),
    "PM3-TOKEN-ERRORS-012": Control(
        prepare=_extra_scopes(""), note="double space accepted", breaks="refused"
    ),
    "PM3-TOKEN-ERRORS-013": Control(
        prepare=profile_field(scope_when_none="omit"),
        note="scope omitted instead of null",
        breaks="field:scope",
    ),
    "PM3-TOKEN-ERRORS-014": Control(
        prepare=override_token(set={"scope": None}), breaks="field:scope"
    ),
    # token_client_credentials
    "PM3-TOKEN-CLIENTCRED-001": Control(
        prepare=override_token(set={"refresh_token": "a" * 40}), breaks="field:refresh_token"
    ),
    "PM3-TOKEN-CLIENTCRED-002": Control(
        prepare=override_token(set={"scope": "*"}), breaks="field:scope"
    ),
    "PM3-TOKEN-CLIENTCRED-003": Control(
        expected="rfc6749",
        prepare=profile_field(invalid_client_status_with_basic=None),
        note="400 instead of 401 + challenge",
        breaks="status",
    ),
    "PM3-TOKEN-CLIENTCRED-004": Control(
        prepare=profile_field(unknown_client_empty_secret_passes=True),
        note="unknown client gets a token",
        breaks="refused",
    ),
    # token_refresh
    "PM3-TOKEN-REFRESH-001": Control(
        prepare=_same_refresh_token_back,
        note="a refresh hands back the refresh token it was given",
        breaks="rotation",
    ),
    "PM3-TOKEN-REFRESH-002": Control(prepare=_spent_refresh_accepted, breaks="reuse"),
    "PM3-TOKEN-REFRESH-003": Control(prepare=_refresh_scope_check_spends, breaks="token"),
    "PM3-TOKEN-REFRESH-004": Control(
        prepare=_error_to_token("refresh_token"),
        note="another client's refresh accepted",
        breaks="refused",
    ),
    "PM3-TOKEN-REFRESH-005": Control(
        prepare=error_instead(
            "token", "invalid_grant", "Refresh token has expired", grant_type="refresh_token"
        ),
        breaks="error",
    ),
    "PM3-TOKEN-REFRESH-006": Control(
        prepare=lambda pm: pm.override(
            "token", times=None, grant_type="refresh_token", params={"scope": "view_processes"}
        ).alter(set={"scope": "*"}),
        breaks="field:scope",
    ),
    "PM3-TOKEN-REFRESH-007": Control(
        prepare=lambda pm: pm.set_lifetimes(refresh=14 * 86400) and None,
        note="refresh tokens expire after 14 days",
        breaks="lifetime",
    ),
    "PM3-TOKEN-REFRESH-008": Control(
        prepare=lambda pm: pm.set_lifetimes(access=600),
        note="tokens expire early",
        breaks="lifetime",
    ),
    # token_code
    "PM3-TOKEN-CODE-001": Control(
        prepare=override_token(drop=["refresh_token"]), breaks="field:refresh_token"
    ),
    "PM3-TOKEN-CODE-002": Control(
        prepare=_error_to_token("authorization_code"), note="code reuse accepted", breaks="reuse"
    ),
    "PM3-TOKEN-CODE-003": Control(
        prepare=lambda pm: pm.set_lifetimes(code=3600), note="codes live an hour", breaks="lifetime"
    ),
    "PM3-TOKEN-CODE-004": Control(
        prepare=_redirect_uri_not_checked,
        note="no redirect_uri check: a code exchanged without it is served",
        breaks="refused",
    ),
    "PM3-TOKEN-CODE-005": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Authorization code doesn't exist or is invalid for the client",
            grant_type="authorization_code",
            params={"code": "re:^$"},
        ),
        breaks="error",
    ),
}
