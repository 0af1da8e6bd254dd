"""Version profiles: every behaviour that differs between the documentation, the 3.x source and RFC 6749.

A profile is data, not a subclass. Each field is one behaviour that varies, and each value of each
ready-made profile carries its provenance, so a report can say *why* the mock (or a check) expects
what it expects. The mock and the checks read fields; nothing branches on a profile's name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Literal

NO_REDIRECT_URI = "No redirect URI was supplied or stored"
"""bshaffer's text for an authorize request with no redirect URI and none registered."""
DOC_NO_REDIRECT_URL = "No redirect URL was supplied or stored"
"""The documentation's spelling of it (its Error Response table): "URL" for "URI"."""

SourceKind = Literal["doc", "source", "rfc", "decision", "observed"]

UnknownWorkspaceStyle = Literal["empty-503", "html-503", "restler-400", "plain-404"]
HeaderStyle = Literal["bshaffer", "restler"]
LoginRedirectStyle = Literal["absolute", "relative"]
ScopeWhenNone = Literal["null", "omit"]
ResourceErrorStyle = Literal["restler-401", "rfc6750"]
RestRelease = Literal["3.0", "3.2", "3.4.10", "3.4.11"]
PermissionRefusal = Literal["constructor-400", "access-control-401"]
CasesWithoutUser = Literal["refused-400", "every-case"]
BasicSplit = Literal["first-colon", "single-colon"]


@dataclass(frozen=True, slots=True)
class Source:
    """Where a profile value comes from.

    :param kind: ``doc`` (the documentation), ``source`` (a numbered fact of docs/source-facts.md),
        ``rfc`` (RFC 6749/6750) or ``decision`` (DESIGN.md's rule for a silence or contradiction).
    :param ref: the section, fact number or clause.
    """

    kind: SourceKind
    ref: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.ref}"


def doc(ref: str) -> Source:
    return Source("doc", ref)


def src(ref: str) -> Source:
    return Source("source", ref)


def rfc(ref: str) -> Source:
    return Source("rfc", ref)


def decision(ref: str) -> Source:
    return Source("decision", ref)


PLURAL_SCOPES = ("view_processes", "edit_processes", "*")
BOTH_SCOPE_SPELLINGS = ("view_process", "edit_process", "view_processes", "edit_processes", "*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """One ProcessMaker behaviour set. Field names follow bshaffer/PM config keys where one exists."""

    name: str
    summary: str
    # --- token endpoint ---
    token_error_status: int | None
    """HTTP status of token-endpoint errors; ``None`` = the status bshaffer sets (400, ...)."""
    token_headers: HeaderStyle
    """Headers of token responses: bshaffer's own, or rewritten by Restler's compose()."""
    restler_version: str
    access_lifetime: int
    refresh_token_lifetime: int | None
    """Seconds; ``None`` = refresh tokens never expire."""
    auth_code_lifetime: int
    always_issue_new_refresh_token: bool
    refresh_token_single_use: bool
    purge_expired_on_issue: bool
    supported_scopes: tuple[str, ...]
    scope_when_none: ScopeWhenNone
    password_requires_body_client_credentials: bool
    unknown_client_empty_secret_passes: bool
    case_insensitive_lookups: bool
    accept_json_token_request: bool
    verify_user_status: bool
    refresh_requires_login_session: bool
    invalid_client_status_with_basic: int | None
    """RFC 6749 §5.2: 401 + WWW-Authenticate when the client used Basic; ``None`` = as other errors."""
    basic_split: BasicSplit
    """How a Basic value with several ``:`` is read: PHP (mod_php) splits at the first one; the OAuth
    library's own parse (php-fpm/CGI, no ``PHP_AUTH_*``) wants exactly one, else ignores the header."""
    no_redirect_uri_description: str
    # --- workspace / routing ---
    unknown_workspace: UnknownWorkspaceStyle
    # --- authorize flow ---
    login_redirect: LoginRedirectStyle
    applications_require_permission: bool
    # --- built-in clients ---
    mobile_client_seeded: bool
    """Whether ``x-pm-mobile-client`` is a built-in client beside ``x-pm-local-client``."""
    # --- resources ---
    resource_errors: ResourceErrorStyle
    rest_release: RestRelease
    """Which release's REST route table and RBAC seed data the mock serves (``docs/rest-routes.md``)."""
    permission_refusal: PermissionRefusal
    cases_without_user: CasesWithoutUser
    """The cases lists for a token without a user (client_credentials): up to 3.2.2 ``getList``
    refuses the empty ``userId`` (400); from 3.2.3 nothing checks it and the lists hold every
    user's cases."""
    """How a user without an endpoint's permission is refused: 3.0's API class constructors
    answer 400 "The user with "<uid>" not have permissions…"; from 3.2 ``AccessControl``
    answers Restler's 401."""
    # --- sessions ---
    login_session_lifetime: int
    provenance: Mapping[str, Source] = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        """All behaviour values (no provenance), JSON-friendly, for reports."""
        out: dict[str, object] = {}
        for f in dataclasses.fields(self):
            if f.name == "provenance":
                continue
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def source_of(self, field_name: str) -> Source | None:
        return self.provenance.get(field_name)

    def derive(self, name: str, **changes: object) -> Profile:
        """A new profile with some fields changed; provenance of changed fields becomes ``decision``."""
        prov = dict(self.provenance)
        for key in changes:
            prov[key] = decision(f"derived from {self.name} by {name}")
        return dataclasses.replace(self, name=name, provenance=prov, **changes)  # type: ignore[arg-type]


BEHAVIOUR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Profile) if f.name not in ("name", "summary", "provenance")
)

_PM_3_4_10 = Profile(
    name="pm-3.4.10",
    summary="3.0 GA through 3.4.10: 400 errors, 400 Restler JSON for an unknown workspace, rotation, 14-day refresh",
    token_error_status=None,
    token_headers="bshaffer",
    restler_version="3.0.0rc5",
    access_lifetime=86400,
    refresh_token_lifetime=1209600,
    auth_code_lifetime=30,
    always_issue_new_refresh_token=True,
    refresh_token_single_use=True,
    purge_expired_on_issue=True,
    supported_scopes=PLURAL_SCOPES,
    scope_when_none="null",
    password_requires_body_client_credentials=False,
    unknown_client_empty_secret_passes=True,
    case_insensitive_lookups=True,
    accept_json_token_request=True,
    verify_user_status=True,
    refresh_requires_login_session=False,
    invalid_client_status_with_basic=None,
    basic_split="first-colon",
    no_redirect_uri_description=NO_REDIRECT_URI,
    unknown_workspace="restler-400",
    login_redirect="relative",
    applications_require_permission=True,
    mobile_client_seeded=True,
    resource_errors="restler-401",
    rest_release="3.4.10",
    permission_refusal="access-control-401",
    cases_without_user="every-case",
    login_session_lifetime=1440,
    provenance={
        "token_error_status": src(
            "§3.2 row 2: send(); exit(0) keeps bshaffer's 400 (RC 963299353)"
        ),
        "token_headers": src("§3.2: exit(0) before Restler compose(), bshaffer headers only"),
        "restler_version": src("§0: Restler 3.0.0rc5 from 3.2 on"),
        "access_lifetime": src("§5: access_lifetime 86400 since RC 7b1f95e9a"),
        "refresh_token_lifetime": src("§4: bshaffer refresh_token_lifetime 1209600 not overridden"),
        "auth_code_lifetime": src("§5: bshaffer auth_code_lifetime 30"),
        "always_issue_new_refresh_token": src("§4: PM-1873, RC 15e7dd3f0"),
        "refresh_token_single_use": src("§4: unsetRefreshToken deletes the old row"),
        "purge_expired_on_issue": src("§4: RC 27d312e86 purges expired rows on every issuance"),
        "supported_scopes": src("§7: view_processes, edit_processes, *"),
        "scope_when_none": src("§7: no default scope, JSON null"),
        "password_requires_body_client_credentials": src("§2.3: PMCORE-1181 absent in 3.4.10"),
        "unknown_client_empty_secret_passes": src(
            "§2.3: null == '' in PmPdo::checkClientCredentials"
        ),
        "case_insensitive_lookups": src("§2.3: utf8_general_ci collation"),
        "accept_json_token_request": src("§2.2: bshaffer decodes application/json bodies"),
        "verify_user_status": src("§2.5: RBAC::VerifyLogin since PM-2795"),
        "refresh_requires_login_session": src("§4: no session check in the refresh path"),
        "invalid_client_status_with_basic": src("§3.3: bshaffer sets 400 for invalid_client"),
        "no_redirect_uri_description": src("§3.3: bshaffer AuthorizeController"),
        "unknown_workspace": src("§1.5: PM-1752, 400 Restler JSON in debug mode"),
        "login_redirect": src("§8.1: PMC-1235 (3.4.4) makes u relative"),
        "applications_require_permission": src("§12: R-1007, PM_REST_API_APPLICATIONS gate (3.2+)"),
        "mobile_client_seeded": src(
            "§6: x-pm-mobile-client from 3.3 (RC b5200cef5 HOR-4485, config/oauthClients.php; "
            "installer and WorkspaceTools::checkMafeRequirements register it)"
        ),
        "resource_errors": src("§9: Restler 401 Unauthorized, no WWW-Authenticate"),
        "rest_release": src("§13: the route table and RBAC seed of 3.4.10 (CO 3062297c5)"),
        "permission_refusal": src(
            "§13: Policies/AccessControl.php __isAllowed, RestException(401) (3.2 on)"
        ),
        "cases_without_user": src(
            "§13: 3.2.3+ BusinessModel/Cases.php getList no longer checks userId; AppCacheView "
            "filters by USR_UID only when one is given"
        ),
        "basic_split": decision(
            "PM 3 installs run PHP as an Apache module, and PHP splits a Basic value at the first "
            "':' (so a secret 'a:b' is compared whole and refused); under php-fpm/CGI the OAuth "
            "library parses it and ignores a value with several ':'"
        ),
        "login_session_lifetime": doc("Existing Access Token Inside ProcessMaker: 24 minutes"),
    },
)

_PM_3_4_11 = dataclasses.replace(
    _PM_3_4_10,
    name="pm-3.4.11",
    summary="3.4.11 through 3.8: 200 errors under output buffering, body client credentials for password",
    token_error_status=200,
    token_headers="restler",
    password_requires_body_client_credentials=True,
    rest_release="3.4.11",
    provenance={
        **_PM_3_4_10.provenance,
        "rest_release": src("§13: the route table and RBAC seed of 3.4.11 (CO 1429451be)"),
        "token_error_status": src("§3.2 row 3: send(); return; Restler rewrites the status to 200"),
        "token_headers": src("§3.2 row 3: Restler compose() rewrites the headers"),
        "password_requires_body_client_credentials": src("§2.3: PMCORE-1181, RC fc6094ec7"),
    },
)

_PM_3_0_RC = dataclasses.replace(
    _PM_3_4_10,
    name="pm-3.0-rc",
    summary="3.0 betas/RCs the documentation was written from: 200 errors, 503 HTML page, 3600 s, no rotation",
    token_error_status=200,
    token_headers="restler",
    restler_version="3.0.0rc4",
    access_lifetime=3600,
    always_issue_new_refresh_token=False,
    refresh_token_single_use=False,
    purge_expired_on_issue=False,
    verify_user_status=False,
    unknown_workspace="html-503",
    login_redirect="absolute",
    applications_require_permission=False,
    mobile_client_seeded=False,
    rest_release="3.0",
    permission_refusal="constructor-400",
    cases_without_user="refused-400",
    provenance={
        **_PM_3_4_10.provenance,
        "rest_release": src(
            "§13: the route table and RBAC seed of 3.0.1.8 (CO 8b6e24a95), the last 3.0 snapshot"
        ),
        "permission_refusal": src(
            "§13: 3.0.1.8 Api/User.php l.31 and six other classes check a permission in their "
            "constructor: RestException(400, ID_USER_NOT_HAVE_PERMISSION)"
        ),
        "cases_without_user": src(
            "§2.5, §13: getList refuses the empty userId (ID_USER_NOT_EXIST) up to 3.2.2; RC's "
            "Behat feature main_tests_client_credentials.feature expects 400"
        ),
        "token_error_status": src("§3.2 row 1: bug 0016986 / PM-2112, status overwritten to 200"),
        "token_headers": src("§3.2 row 1: the response returns into Restler compose()"),
        "restler_version": src("§0: Restler 3.0.0rc4 in 3.0.x"),
        "access_lifetime": src("§5: 3600 before RC 7b1f95e9a"),
        "always_issue_new_refresh_token": src("§4: before PM-1873 no new refresh token"),
        "refresh_token_single_use": src("§4: before PM-1873 the old refresh token stays reusable"),
        "purge_expired_on_issue": src("§11: purge added 2015-04-21 (27d312e86), after the RCs"),
        "verify_user_status": src("§2.5: before PM-2795 no status or due-date check"),
        "unknown_workspace": src("§1.5: before PM-1752, 503 with an HTML Exception page"),
        "login_redirect": src("§8.1: absolute u up to 3.4.2"),
        "applications_require_permission": src("§11: R-1007 gate arrives in 3.1/3.2"),
        "mobile_client_seeded": src(
            "§6: config/oauthClients.php and its mobile client arrive in 3.3 (RC b5200cef5, 2018-05)"
        ),
    },
)

_DOCUMENTED = dataclasses.replace(
    _PM_3_4_11,
    name="documented",
    summary="What the ProcessMaker 3 documentation says",
    token_error_status=200,
    refresh_token_lifetime=None,
    supported_scopes=BOTH_SCOPE_SPELLINGS,
    password_requires_body_client_credentials=False,
    unknown_client_empty_secret_passes=False,
    no_redirect_uri_description=DOC_NO_REDIRECT_URL,
    unknown_workspace="empty-503",
    login_redirect="absolute",
    provenance={
        **_PM_3_4_11.provenance,
        "token_error_status": doc("Error Response: HTTP status code of 200 (OK)"),
        "token_headers": decision("doc silent: latest source (pm-3.4.11)"),
        "access_lifetime": decision("doc contradicts itself (86400 / 60 minutes): 86400"),
        "refresh_token_lifetime": doc("Get a New Access Token: the refresh_token does not expire"),
        "refresh_token_single_use": doc("Get a New Access Token: it is only used once"),
        "always_issue_new_refresh_token": doc(
            "Get a New Access Token: replaced by the new refresh_token"
        ),
        "auth_code_lifetime": decision("doc silent: latest source, 30 s"),
        "supported_scopes": decision(
            "doc uses both spellings: accept view_process(es), edit_process(es), *"
        ),
        "scope_when_none": decision("doc silent: latest source, JSON null"),
        "password_requires_body_client_credentials": doc(
            '"authorization_code" Grant Type: client_id/secret may be the Basic username/password'
        ),
        "unknown_client_empty_secret_passes": doc(
            "Registering: the Client ID and secret are those given at registration"
        ),
        "case_insensitive_lookups": decision("doc silent: latest source"),
        "refresh_requires_login_session": decision("doc remark is a field, off by default"),
        "no_redirect_uri_description": doc(
            "Error Response table: 'No redirect URL was supplied or stored'"
        ),
        "unknown_workspace": doc("Error Response: error code 503 and no return object"),
        "login_redirect": doc("authorization_code: login?u=http%3A%2F%2F{pm-server}..."),
        "resource_errors": decision("doc silent: latest source REST 401 shape"),
        "rest_release": decision("doc silent: latest source, the 3.4.11 route table"),
        "permission_refusal": decision("doc silent: latest source, AccessControl's 401"),
        "cases_without_user": decision("doc silent: latest source, every case"),
        "restler_version": decision("doc silent: latest source, Restler 3.0.0rc5"),
        "purge_expired_on_issue": decision("doc silent: latest source purges on issuance"),
        "verify_user_status": decision("doc silent: latest source RBAC::VerifyLogin"),
        "invalid_client_status_with_basic": doc(
            "Error Response: every token error is HTTP 200, invalid_client included"
        ),
        "accept_json_token_request": doc(
            "Get a New Access Token, JavaScript Example: the request is application/json"
        ),
        "applications_require_permission": doc(
            "Registering: log in as a user with the PM_REST_API_APPLICATIONS permission"
        ),
        "mobile_client_seeded": decision(
            "doc silent (it names only the client registered by hand): latest source, seeded"
        ),
    },
)

_RFC6749 = dataclasses.replace(
    _PM_3_4_10,
    name="rfc6749",
    summary="Strict RFC 6749/6750 behaviour, for contrast",
    token_error_status=None,
    token_headers="bshaffer",
    scope_when_none="omit",
    unknown_client_empty_secret_passes=False,
    case_insensitive_lookups=False,
    accept_json_token_request=False,
    invalid_client_status_with_basic=401,
    unknown_workspace="plain-404",
    resource_errors="rfc6750",
    provenance={
        **_PM_3_4_10.provenance,
        "token_error_status": rfc("RFC 6749 §5.2: 400 (Bad Request)"),
        "token_headers": rfc("RFC 6749 §5.1: Cache-Control: no-store, Pragma: no-cache"),
        "scope_when_none": rfc("RFC 6749 §5.1: scope OPTIONAL, omitted when not narrowed"),
        "unknown_client_empty_secret_passes": rfc("RFC 6749 §2.3: the client must authenticate"),
        "case_insensitive_lookups": rfc("RFC 6749 §2.2: client_id compared as a string"),
        "accept_json_token_request": rfc("RFC 6749 §4.3.2: application/x-www-form-urlencoded"),
        "invalid_client_status_with_basic": rfc("RFC 6749 §5.2: 401 + WWW-Authenticate with Basic"),
        "basic_split": rfc("RFC 7617 §2: the user-id has no ':'; the password is the rest"),
        "unknown_workspace": rfc("RFC 7231 §6.5.4: 404 for an unknown resource"),
        "resource_errors": rfc("RFC 6750 §3: WWW-Authenticate Bearer with error=invalid_token"),
        "mobile_client_seeded": decision(
            "RFC 6749 §2 leaves client registration to the server: as pm-3.4.10, seeded"
        ),
    },
)

PROFILES: Mapping[str, Profile] = {
    p.name: p for p in (_DOCUMENTED, _PM_3_0_RC, _PM_3_4_10, _PM_3_4_11, _RFC6749)
}
DEFAULT_PROFILE = "documented"


def get_profile(name: str) -> Profile:
    """Look a profile up by name.

    :raises KeyError: with a message listing the known names.
    """
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(PROFILES)
        raise KeyError(f"unknown profile {name!r} (known: {known})") from None
