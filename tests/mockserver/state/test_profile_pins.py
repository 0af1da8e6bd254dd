"""Every value of every shipped profile, pinned from the spec texts and not from the profile module.

The checks and the mock both read a profile's fields, so a wrong value there would be confirmed by
itself. This table was written from the documentation (cited as ``doc:`` with its section), the source
facts (``docs/source-facts.md``, cited as ``source:`` with its section, plus ProcessMaker commits
read where the facts were not enough),
DESIGN.md's rules for the documentation's silences and contradictions (``design:``), and the RFCs
(``rfc:``). Where the RFC says nothing and ``rfc6749`` keeps the PM value, the row says so
(``decision:``). Nothing here is derived from ``profiles.py``, its provenance or docs/behaviour.md;
the tests only compare.

A new field or a new profile without rows here fails ``test_the_table_covers_every_field``.
"""

from __future__ import annotations

import itertools
from collections import Counter
from typing import NamedTuple

import pytest

from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import PROFILES


class Pin(NamedTuple):
    field: str
    profile: str
    expected: object
    source: str


DOC = "documented"
RC = "pm-3.0-rc"
OLD = "pm-3.4.10"
NEW = "pm-3.4.11"
RFC = "rfc6749"

# DESIGN.md: where the documentation is silent, `documented` follows the latest source (pm-3.4.11).
SILENT = "design: doc silent, latest source (pm-3.4.11); "
# rfc6749 keeps the ProcessMaker value where the RFCs leave the choice to the server.
RFC_OPEN = "decision: kept from pm-3.4.10, as "

PLURAL = frozenset({"view_processes", "edit_processes", "*"})
BOTH = frozenset({"view_process", "edit_process", "view_processes", "edit_processes", "*"})

# fmt: off
PINS: tuple[Pin, ...] = (
    # --- HTTP status of a token-endpoint error (None: the status the OAuth library sets, 400) ---
    Pin("token_error_status", DOC, 200, "doc: Error Response — 'an HTTP status code of 200 (OK)'"),
    Pin("token_error_status", RC, 200,
        "source: §3.2 row 1 — send() returns into Restler, which overwrites 400 (bug 0016986)"),
    Pin("token_error_status", OLD, None, "source: §3.2 row 2 — send(); exit(0) keeps bshaffer's 400"),
    Pin("token_error_status", NEW, 200,
        "source: §3.2 row 3 — send(); return; Restler rewrites to 200 under output buffering"),
    Pin("token_error_status", RFC, None, "rfc: RFC 6749 §5.2 — 400 (Bad Request) unless stated"),
    # --- whose headers a token answer carries ---
    Pin("token_headers", DOC, "restler", SILENT + "source §3.2 row 3"),
    Pin("token_headers", RC, "restler",
        "source: §3.2 row 1 — the answer goes back through Restler's compose()"),
    Pin("token_headers", OLD, "bshaffer",
        "source: §3.2 row 2 — 'headers exactly as bshaffer set them'"),
    Pin("token_headers", NEW, "restler",
        "source: §3.2 row 3 — Restler rewrites Content-Type, Cache-Control, adds X-Powered-By"),
    Pin("token_headers", RFC, "bshaffer",
        "rfc: RFC 6749 §5.1 — Cache-Control: no-store and Pragma: no-cache"),
    # --- X-Powered-By: Luracast Restler v... ---
    Pin("restler_version", DOC, "3.0.0rc5", SILENT + "source §0, §3.2 row 3"),
    Pin("restler_version", RC, "3.0.0rc4", "source: §0 — Restler::VERSION 3.0.0rc4 in 3.0.x"),
    Pin("restler_version", OLD, "3.0.0rc5", "source: §0 — 3.0.0rc5 from 3.2 on"),
    Pin("restler_version", NEW, "3.0.0rc5", "source: §0; §3.2 row 3 'Luracast Restler v3.0.0rc5'"),
    Pin("restler_version", RFC, "3.0.0rc5", RFC_OPEN + "the RFCs know no Restler"),
    # --- access token lifetime (expires_in) ---
    Pin("access_lifetime", DOC, 86400,
        "design: self-contradiction, 86400 — doc 'Password' Grant: 'By default it is 86400'"),
    Pin("access_lifetime", RC, 3600,
        "source: §5 — bshaffer's 3600 before 7b1f95e9a (Server.php at 576aac8d6 sets none)"),
    Pin("access_lifetime", OLD, 86400, "source: §2.1, §5 — access_lifetime 86400"),
    Pin("access_lifetime", NEW, 86400, "source: §2.1, §5 — access_lifetime 86400"),
    Pin("access_lifetime", RFC, 86400, RFC_OPEN + "RFC 6749 §5.1 leaves expires_in to the server"),
    # --- refresh token lifetime (None: never expires) ---
    Pin("refresh_token_lifetime", DOC, None,
        "doc: Get a New Access Token — 'The refresh_token does not expire'"),
    Pin("refresh_token_lifetime", RC, 1209600,
        "source: §4 — bshaffer default 1209600, not overridden (library unchanged since 2.8)"),
    Pin("refresh_token_lifetime", OLD, 1209600, "source: §4, §5 — 14 days"),
    Pin("refresh_token_lifetime", NEW, 1209600, "source: §4, §5 — 14 days"),
    Pin("refresh_token_lifetime", RFC, 1209600, RFC_OPEN + "RFC 6749 §1.5 leaves it to the server"),
    # --- authorization code lifetime ---
    Pin("auth_code_lifetime", DOC, 30, "design: silences — 'the 30 s authorization-code lifetime'"),
    Pin("auth_code_lifetime", RC, 30, "source: §5 — bshaffer AuthorizationCode default 30"),
    Pin("auth_code_lifetime", OLD, 30, "source: §5, §8.8 — 30 s"),
    Pin("auth_code_lifetime", NEW, 30, "source: §5, §8.8 — 30 s"),
    Pin("auth_code_lifetime", RFC, 30,
        "rfc: RFC 6749 §4.1.2 — short-lived, at most 10 minutes RECOMMENDED; 30 s complies"),
    # --- refresh answers with a new refresh token ---
    Pin("always_issue_new_refresh_token", DOC, True,
        "doc: Get a New Access Token — 'a new access_token as well as a new refresh_token'"),
    Pin("always_issue_new_refresh_token", RC, False,
        "source: §4 — before PM-1873 no new refresh token (Server.php at 576aac8d6)"),
    Pin("always_issue_new_refresh_token", OLD, True, "source: §2.1, §4 — PM-1873"),
    Pin("always_issue_new_refresh_token", NEW, True, "source: §2.1, §4 — PM-1873"),
    Pin("always_issue_new_refresh_token", RFC, True,
        "rfc: RFC 6749 §6 — the server MAY issue a new refresh token; kept from pm-3.4.10"),
    # --- a refresh token is spent by its use ---
    Pin("refresh_token_single_use", DOC, True,
        "doc: Get a New Access Token — 'it is only used once ... that refresh_token is invalid'"),
    Pin("refresh_token_single_use", RC, False,
        "source: §4 — before PM-1873 the old refresh token stayed reusable"),
    Pin("refresh_token_single_use", OLD, True, "source: §4 — unsetRefreshToken deletes the row"),
    Pin("refresh_token_single_use", NEW, True, "source: §4 — unsetRefreshToken deletes the row"),
    Pin("refresh_token_single_use", RFC, True,
        "rfc: RFC 6749 §6 — the server MAY revoke the old refresh token; kept from pm-3.4.10"),
    # --- expired rows deleted on every issuance ---
    Pin("purge_expired_on_issue", DOC, True, SILENT + "source §4 (27d312e86)"),
    Pin("purge_expired_on_issue", RC, False,
        "source: §11 — purge added 2015-04-21 (27d312e86), first in 3.0 GA"),
    Pin("purge_expired_on_issue", OLD, True, "source: §4 — PmPdo::setAccessToken purges"),
    Pin("purge_expired_on_issue", NEW, True, "source: §4 — PmPdo::setAccessToken purges"),
    Pin("purge_expired_on_issue", RFC, True, RFC_OPEN + "the RFCs say nothing of storage"),
    # --- accepted scopes (order is not a behaviour: compared as sets) ---
    Pin("supported_scopes", DOC, BOTH,
        "design: both spellings — doc 'Password' table (view_process, edit_process, *) and its "
        "answer example (view_processes edit_processes)"),
    Pin("supported_scopes", RC, PLURAL,
        "source: §7 — the same three already in Server.php at 576aac8d6 (2015-02-27)"),
    Pin("supported_scopes", OLD, PLURAL, "source: §7 — view_processes, edit_processes, *"),
    Pin("supported_scopes", NEW, PLURAL, "source: §7 — view_processes, edit_processes, *"),
    Pin("supported_scopes", RFC, PLURAL,
        "rfc: RFC 6749 §3.3 — scope values are defined by the authorization server (PM's)"),
    # --- token answer of a grant made without a scope ---
    Pin("scope_when_none", DOC, "null", "design: silences — 'scope: null when none is asked'"),
    Pin("scope_when_none", RC, "null", "source: §7 — no default scope, JSON null"),
    Pin("scope_when_none", OLD, "null", "source: §2.4 step 8, §7 — JSON null"),
    Pin("scope_when_none", NEW, "null", "source: §2.4 step 8, §7 — JSON null"),
    Pin("scope_when_none", RFC, "omit",
        "rfc: RFC 6749 §5.1 — scope OPTIONAL when identical to the request (none asked)"),
    # --- password grant insists on body client credentials ---
    Pin("password_requires_body_client_credentials", DOC, False,
        "doc: \"authorization_code\" Grant Type note — client_id/secret may be the Basic "
        "username/password; design: 'client credentials in body or Basic header'"),
    Pin("password_requires_body_client_credentials", RC, False,
        "source: §2.3 — PMCORE-1181 is 3.4.11+ only"),
    Pin("password_requires_body_client_credentials", OLD, False,
        "source: §2.3 — PMCORE-1181 absent in the 3.4.10 snapshot"),
    Pin("password_requires_body_client_credentials", NEW, True,
        "source: §2.3 — PMCORE-1181 (fc6094ec7) in 3.4.11"),
    Pin("password_requires_body_client_credentials", RFC, False,
        "rfc: RFC 6749 §2.3.1 — the server MUST support HTTP Basic"),
    # --- unknown client_id with an empty secret gets through ---
    Pin("unknown_client_empty_secret_passes", DOC, False,
        "doc: Registering an External Application — the application 'needs to be registered'"),
    Pin("unknown_client_empty_secret_passes", RC, True,
        "source: §2.3 — null == '' in PmPdo::checkClientCredentials, all 3.x"),
    Pin("unknown_client_empty_secret_passes", OLD, True, "source: §2.3 — all 3.x"),
    Pin("unknown_client_empty_secret_passes", NEW, True,
        "source: §2.3 — all 3.x (client_credentials still; password stopped by PMCORE-1181)"),
    Pin("unknown_client_empty_secret_passes", RFC, False,
        "rfc: RFC 6749 §5.2 — unknown client is invalid_client"),
    # --- ids and tokens looked up case- and trailing-space-insensitively ---
    Pin("case_insensitive_lookups", DOC, True,
        SILENT + "source §2.3 (the doc names only the username as case insensitive)"),
    Pin("case_insensitive_lookups", RC, True, "source: §2.3, §10 — utf8_general_ci collation"),
    Pin("case_insensitive_lookups", OLD, True, "source: §2.3, §10 — utf8_general_ci collation"),
    Pin("case_insensitive_lookups", NEW, True, "source: §2.3, §10 — utf8_general_ci collation"),
    Pin("case_insensitive_lookups", RFC, False,
        "rfc: RFC 6749 §2.2, Appendix A — client_id and tokens are strings, no case folding"),
    # --- JSON token request bodies ---
    Pin("accept_json_token_request", DOC, True,
        "doc: Get a New Access Token, JavaScript Example — Content-type application/json"),
    Pin("accept_json_token_request", RC, True,
        "source: §2.2 — bshaffer decodes application/json (library unchanged since 2.8)"),
    Pin("accept_json_token_request", OLD, True, "source: §2.2 — bshaffer Request"),
    Pin("accept_json_token_request", NEW, True, "source: §2.2 — bshaffer Request"),
    Pin("accept_json_token_request", RFC, False,
        "rfc: RFC 6749 §4.3.2 — application/x-www-form-urlencoded"),
    # --- password grant refuses inactive / past-due users ---
    Pin("verify_user_status", DOC, True, SILENT + "source §2.5 (RBAC::VerifyLogin)"),
    Pin("verify_user_status", RC, False,
        "source: §2.5 — before PM-2795 (2015-05-21) no status or due-date check"),
    Pin("verify_user_status", OLD, True, "source: §2.5 — RBAC::VerifyLogin"),
    Pin("verify_user_status", NEW, True, "source: §2.5 — RBAC::VerifyLogin"),
    Pin("verify_user_status", RFC, True,
        "rfc: RFC 6749 §4.3.2 — validate the credentials by the server's own rules; kept"),
    # --- refresh needs a live web login session ---
    Pin("refresh_requires_login_session", DOC, False,
        "design: the login-session remark is a profile field, off by default"),
    Pin("refresh_requires_login_session", RC, False, "source: §4 — no session check"),
    Pin("refresh_requires_login_session", OLD, False, "source: §4 — no session check"),
    Pin("refresh_requires_login_session", NEW, False, "source: §4 — no session check"),
    Pin("refresh_requires_login_session", RFC, False,
        "rfc: RFC 6749 §6 — client authentication and the refresh token only"),
    # --- status of invalid_client after Basic authentication (None: as other errors) ---
    Pin("invalid_client_status_with_basic", DOC, None,
        "doc: Error Response — every token error is 200, invalid_client included"),
    Pin("invalid_client_status_with_basic", RC, None, "source: §3.3 — 400 like the others"),
    Pin("invalid_client_status_with_basic", OLD, None, "source: §3.3 — 400 like the others"),
    Pin("invalid_client_status_with_basic", NEW, None, "source: §3.3 — 400 like the others"),
    Pin("invalid_client_status_with_basic", RFC, 401,
        "rfc: RFC 6749 §5.2 — 401 with WWW-Authenticate when the client used Basic"),
    # --- Basic value with several ':' ---
    Pin("basic_split", DOC, "first-colon", SILENT + "source §2.3"),
    Pin("basic_split", RC, "first-colon",
        "source: §2.3 — PHP_AUTH_USER/PW read first; mod_php splits at the first ':'"),
    Pin("basic_split", OLD, "first-colon",
        "source: §2.3 — PHP_AUTH_USER/PW read first; mod_php splits at the first ':'"),
    Pin("basic_split", NEW, "first-colon",
        "source: §2.3 — PHP_AUTH_USER/PW read first; mod_php splits at the first ':'"),
    Pin("basic_split", RFC, "first-colon",
        "rfc: RFC 7617 §2 — the user-id has no ':', the password is the rest"),
    # --- invalid_uri description when no redirect URI exists ---
    Pin("no_redirect_uri_description", DOC, "No redirect URL was supplied or stored",
        "doc: Error Response table"),
    Pin("no_redirect_uri_description", RC, "No redirect URI was supplied or stored",
        "source: §3.3 — bshaffer AuthorizeController (library unchanged since 2.8)"),
    Pin("no_redirect_uri_description", OLD, "No redirect URI was supplied or stored",
        "source: §3.3"),
    Pin("no_redirect_uri_description", NEW, "No redirect URI was supplied or stored",
        "source: §3.3"),
    Pin("no_redirect_uri_description", RFC, "No redirect URI was supplied or stored",
        RFC_OPEN + "RFC 6749 §4.1.2.1 leaves error_description to the server"),
    # --- unknown workspace ---
    Pin("unknown_workspace", DOC, "empty-503",
        "doc: Error Response — 'error code is set to 503 and there is no return object'"),
    Pin("unknown_workspace", RC, "html-503",
        "source: §1.5 — before PM-1752, 503 with the HTML Exception page"),
    Pin("unknown_workspace", OLD, "restler-400", "source: §1.5 — 3.0 GA … 3.8, Restler JSON 400"),
    Pin("unknown_workspace", NEW, "restler-400", "source: §1.5 — 3.0 GA … 3.8, Restler JSON 400"),
    Pin("unknown_workspace", RFC, "plain-404",
        "rfc: RFC 9110 §15.5.5 (was RFC 7231 §6.5.4) — 404 for a resource that is not there"),
    # --- login redirect from authorize ---
    Pin("login_redirect", DOC, "absolute",
        "doc: \"authorization_code\" Grant Type — login?u=http%3A%2F%2F{pm-server}..."),
    Pin("login_redirect", RC, "absolute", "source: §8.1 — absolute u up to 3.4.2"),
    Pin("login_redirect", OLD, "relative", "source: §8.1, §11 — PMC-1235, relative from 3.4.4"),
    Pin("login_redirect", NEW, "relative", "source: §8.1, §11 — PMC-1235, relative from 3.4.4"),
    Pin("login_redirect", RFC, "relative",
        RFC_OPEN + "RFC 6749 §3.1 leaves user authentication to the server"),
    # --- applications page needs PM_REST_API_APPLICATIONS ---
    Pin("applications_require_permission", DOC, True,
        "doc: Registering — 'a user ... who has the PM_REST_API_APPLICATIONS permission'"),
    Pin("applications_require_permission", RC, False,
        "source: §11 — R-1007 (2016-06-14) arrives in 3.1/3.2"),
    Pin("applications_require_permission", OLD, True, "source: §12 — applications.php gate"),
    Pin("applications_require_permission", NEW, True, "source: §12 — applications.php gate"),
    Pin("applications_require_permission", RFC, True,
        RFC_OPEN + "RFC 6749 §2 leaves registration beyond its scope"),
    # --- /api/1.0 answer to a missing or bad token ---
    Pin("resource_errors", DOC, "restler-401",
        "design: silences — 'the REST 401 shape'; doc: 'a REST endpoint returns 401'"),
    Pin("resource_errors", RC, "restler-401", "source: §9 — Restler 401, no WWW-Authenticate"),
    Pin("resource_errors", OLD, "restler-401", "source: §9 — Restler 401, no WWW-Authenticate"),
    Pin("resource_errors", NEW, "restler-401", "source: §9 — Restler 401, no WWW-Authenticate"),
    Pin("resource_errors", RFC, "rfc6750", "rfc: RFC 6750 §3 — WWW-Authenticate: Bearer"),
    # --- the REST surface's release (route table and RBAC seed) ---
    Pin("rest_release", DOC, "3.4.11", "design: silences — the latest source's route table"),
    Pin("rest_release", RC, "3.0", "source: §13 — 3.0.1.8, the last 3.0 snapshot"),
    Pin("rest_release", OLD, "3.4.10", "source: §13 — CO 3062297c5"),
    Pin("rest_release", NEW, "3.4.11", "source: §13 — CO 1429451be"),
    Pin("rest_release", RFC, "3.4.10", RFC_OPEN + "RFC 6749 has no REST surface: as pm-3.4.10"),
    # --- a token whose user lacks the endpoint's permission ---
    Pin("permission_refusal", DOC, "access-control-401", "design: silences — latest source"),
    Pin("permission_refusal", RC, "constructor-400",
        "source: §13 — 3.0 API constructors: RestException(400, ID_USER_NOT_HAVE_PERMISSION)"),
    Pin("permission_refusal", OLD, "access-control-401",
        "source: §13 — Policies/AccessControl.php RestException(401)"),
    Pin("permission_refusal", NEW, "access-control-401",
        "source: §13 — Policies/AccessControl.php RestException(401)"),
    Pin("permission_refusal", RFC, "access-control-401",
        RFC_OPEN + "RFC 6750 §3.1 would say 403 insufficient_scope; PM has no scopes here"),
    # --- the cases lists for a token without a user ---
    Pin("cases_without_user", DOC, "every-case", "design: silences — latest source"),
    Pin("cases_without_user", RC, "refused-400",
        "source: §2.5, §13 — getList refuses the empty userId up to 3.2.2"),
    Pin("cases_without_user", OLD, "every-case", "source: §13 — 3.2.3+ getList checks no user"),
    Pin("cases_without_user", NEW, "every-case", "source: §13 — 3.2.3+ getList checks no user"),
    Pin("cases_without_user", RFC, "every-case", RFC_OPEN + "RFC 6749 has no cases"),
    # --- x-pm-mobile-client seeded (4426746995afa07e7485df1055471800) ---
    Pin("mobile_client_seeded", DOC, True,
        "design: silences — the doc names only x-pm-local-client; latest source seeds both"),
    Pin("mobile_client_seeded", RC, False,
        "source: §6 — the mobile client arrives in 3.3 (config/oauthClients.php)"),
    Pin("mobile_client_seeded", OLD, True, "source: §6 — seeded from 3.3 on"),
    Pin("mobile_client_seeded", NEW, True, "source: §6 — seeded from 3.3 on"),
    Pin("mobile_client_seeded", RFC, True,
        RFC_OPEN + "RFC 6749 §2 leaves pre-registered clients to the server"),
    # --- web login session lifetime (seconds of inactivity) ---
    Pin("login_session_lifetime", DOC, 1440,
        "doc: Existing Access Token Inside ProcessMaker — '24 minutes of inactivity'"),
    Pin("login_session_lifetime", RC, 1440,
        "source: Server.php (576aac8d6) falls back to session.gc_maxlifetime, default 1440"),
    Pin("login_session_lifetime", OLD, 1440,
        "doc: 'login session will expire in 24 minutes'; PHP session.gc_maxlifetime 1440"),
    Pin("login_session_lifetime", NEW, 1440,
        "doc: 'login session will expire in 24 minutes'; PHP session.gc_maxlifetime 1440"),
    Pin("login_session_lifetime", RFC, 1440, RFC_OPEN + "the RFCs say nothing of web sessions"),
)
# fmt: on

SOURCE_KINDS = ("doc:", "source:", "design:", "rfc:", "decision:")


def _normalised(value: object) -> object:
    """Scope lists compare as sets: their order is not a behaviour."""
    return frozenset(value) if isinstance(value, tuple | list) else value


def test_the_table_covers_every_field_of_every_profile() -> None:
    rows = Counter((pin.field, pin.profile) for pin in PINS)
    assert [key for key, n in rows.items() if n > 1] == []
    wanted = set(itertools.product(BEHAVIOUR_FIELDS, PROFILES))
    assert sorted(wanted - set(rows)) == [], "fields or profiles without a pin"
    assert sorted(set(rows) - wanted) == [], "pins of fields or profiles that do not exist"


def test_every_pin_names_its_source() -> None:
    unnamed = [pin for pin in PINS if not pin.source.startswith(SOURCE_KINDS)]
    assert unnamed == []


@pytest.mark.parametrize("pin", PINS, ids=lambda pin: f"{pin.profile}.{pin.field}")
def test_profile_value_matches_the_pin(pin: Pin) -> None:
    actual = getattr(PROFILES[pin.profile], pin.field)
    assert _normalised(actual) == pin.expected, f"{pin.profile}.{pin.field} ({pin.source})"
