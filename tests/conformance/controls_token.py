"""Negative controls for the checks in conformance/checks/ token_errors, token_client_credentials,
token_refresh, token_code."""

from __future__ import annotations

from mockserver import MockServer
from tests.conformance.control_kit import Control
from tests.conformance.control_kit import Prepare
from tests.conformance.control_kit import error_instead
from tests.conformance.control_kit import fixed
from tests.conformance.control_kit import override_token


def _restler_400_for_text(pm: MockServer) -> None:
    pm.override("token", times=None, headers={"content-type": "text/plain"}).respond_with_error(400)


def _refresh_scope_check_spends(pm: MockServer) -> None:
    # the first refresh (the one with the bad scope) answers invalid_scope but the next is refused too
    pm.override(
        "token", times=1, grant_type="refresh_token", params={"scope": "delete_everything"}
    ).respond_with_error("invalid_scope", "An unsupported scope was requested")
    pm.override("token", times=1, grant_type="refresh_token").respond_with_error(
        "invalid_grant", "Invalid refresh token"
    )


def _other_basic_split(pm: MockServer) -> None:
    other = "single-colon" if pm.profile.basic_split == "first-colon" else "first-colon"
    pm.set_profile(pm.profile.derive("broken", basic_split=other))


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
        prepare=error_instead("token", "invalid_request", "Missing grant_type")
    ),
    "PM3-TOKEN-ERRORS-002": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Invalid username and password combination",
            grant_type="magic_beans",
        )
    ),
    "PM3-TOKEN-ERRORS-003": Control(prepare=error_instead("token", 400, "nested instead of flat")),
    "PM3-TOKEN-ERRORS-004": Control(
        expected="pm-3.4.10", server="documented", note="200 instead of 400"
    ),
    "PM3-TOKEN-ERRORS-005": Control(
        prepare=fixed(
            "token",
            400,
            '{"error":{"code":400,"message":"Bad Request"}}',
            headers={"content-type": "application/json"},
        )
    ),
    "PM3-TOKEN-ERRORS-006": Control(prepare=_restler_400_for_text),
    "PM3-TOKEN-ERRORS-007": Control(
        expected="pm-3.4.10", server="documented", note="Restler headers instead of bshaffer's"
    ),
    "PM3-TOKEN-ERRORS-008": Control(
        prepare=error_instead(
            "token",
            "invalid_client",
            "The client credentials are invalid",
            params={"client_secret": "wrong"},
        )
    ),
    "PM3-TOKEN-ERRORS-009": Control(
        prepare=_other_basic_split, note="the mock reads a two-colon Basic value the other way"
    ),
    "PM3-TOKEN-ERRORS-010": Control(
        prepare=_extra_scopes("delete_everything"), note="any scope granted"
    ),
    "PM3-TOKEN-ERRORS-011": Control(
        expected="documented", server="pm-3.4.11", note="singular scope refused"
    ),
    "PM3-TOKEN-ERRORS-012": Control(prepare=_extra_scopes(""), note="double space accepted"),
    "PM3-TOKEN-ERRORS-013": Control(
        expected="documented", server="rfc6749", note="scope omitted instead of null"
    ),
    "PM3-TOKEN-ERRORS-014": Control(prepare=override_token(set={"scope": None})),
    # token_client_credentials
    "PM3-TOKEN-CLIENTCRED-001": Control(prepare=override_token(set={"refresh_token": "a" * 40})),
    "PM3-TOKEN-CLIENTCRED-002": Control(prepare=override_token(set={"scope": "*"})),
    "PM3-TOKEN-CLIENTCRED-003": Control(
        expected="rfc6749", server="pm-3.4.10", note="400 instead of 401 + challenge"
    ),
    "PM3-TOKEN-CLIENTCRED-004": Control(
        expected="documented", server="pm-3.4.11", note="unknown client gets a token"
    ),
    # token_refresh
    "PM3-TOKEN-REFRESH-001": Control(expected="documented", server="pm-3.0-rc", note="no rotation"),
    "PM3-TOKEN-REFRESH-002": Control(prepare=_spent_refresh_accepted),
    "PM3-TOKEN-REFRESH-003": Control(prepare=_refresh_scope_check_spends),
    "PM3-TOKEN-REFRESH-004": Control(
        prepare=_error_to_token("refresh_token"), note="another client's refresh accepted"
    ),
    "PM3-TOKEN-REFRESH-005": Control(
        prepare=error_instead(
            "token", "invalid_grant", "Refresh token has expired", grant_type="refresh_token"
        )
    ),
    "PM3-TOKEN-REFRESH-006": Control(
        prepare=lambda pm: pm.override(
            "token", times=None, grant_type="refresh_token", params={"scope": "view_processes"}
        ).alter(set={"scope": "*"})
    ),
    "PM3-TOKEN-REFRESH-007": Control(
        expected="documented", server="pm-3.4.10", note="refresh tokens expire"
    ),
    "PM3-TOKEN-REFRESH-008": Control(
        prepare=lambda pm: pm.set_lifetimes(access=600), note="tokens expire early"
    ),
    # token_code
    "PM3-TOKEN-CODE-001": Control(prepare=override_token(drop=["refresh_token"])),
    "PM3-TOKEN-CODE-002": Control(
        prepare=_error_to_token("authorization_code"), note="code reuse accepted"
    ),
    "PM3-TOKEN-CODE-003": Control(
        prepare=lambda pm: pm.set_lifetimes(code=3600), note="codes live an hour"
    ),
    "PM3-TOKEN-CODE-004": Control(
        prepare=_error_to_token("authorization_code", times=1), note="no redirect_uri check"
    ),
    "PM3-TOKEN-CODE-005": Control(
        prepare=error_instead(
            "token",
            "invalid_grant",
            "Authorization code doesn't exist or is invalid for the client",
            grant_type="authorization_code",
            params={"code": "re:^$"},
        )
    ),
}
