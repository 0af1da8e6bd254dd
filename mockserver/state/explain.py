"""The behaviour reference: every profile field, what it means, its value in each profile, and why.

Generated from the profiles themselves (``docs/behaviour.md`` is this module's output, checked
for drift by a test), so it cannot disagree with what the mock does. ``pm3-mockserver --explain
[FIELD]`` prints the same, for one field or all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mockserver.state import doc_errors
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import PROFILES
from mockserver.state.profiles import Profile

MEANINGS: dict[str, str] = {
    "token_error_status": (
        "The HTTP status of an error from the token endpoint. `null` means the status the OAuth "
        "library sets for that error (400 for most, 401 for `invalid_client` only under strict "
        "RFC 6749); a number means every token error carries it (the 3.x bug that sent 200)."
    ),
    "token_headers": (
        "Which headers a token answer carries: the OAuth library's own (`Cache-Control: no-store`, "
        "`Pragma: no-cache`) or Restler's rewrite of them (`no-cache, must-revalidate`, "
        "`X-Powered-By`, `Content-Language`)."
    ),
    "restler_version": "The Restler version in `X-Powered-By` on Restler answers.",
    "access_lifetime": "Seconds an access token lives (`expires_in`).",
    "refresh_token_lifetime": "Seconds a refresh token lives; `null`: it never expires.",
    "auth_code_lifetime": "Seconds an authorization code can be exchanged.",
    "always_issue_new_refresh_token": "Whether a refresh grant answers with a new refresh token.",
    "refresh_token_single_use": "Whether a refresh token is spent when used (a second use fails).",
    "purge_expired_on_issue": "Whether expired token rows are deleted each time a token is issued.",
    "supported_scopes": "The scopes a client may ask for; any other is `invalid_scope`.",
    "scope_when_none": (
        'How a token answer shows a grant made without a scope: `"scope": null` or no key.'
    ),
    "password_requires_body_client_credentials": (
        "Whether the password grant insists on `client_id`/`client_secret` in the body, refusing "
        "them in a Basic header."
    ),
    "unknown_client_empty_secret_passes": (
        "Whether an unknown `client_id` with an empty secret is let through (the 3.x bug)."
    ),
    "case_insensitive_lookups": (
        "Whether ids and tokens are looked up case-insensitively and ignoring trailing spaces, as "
        "MySQL's default collation compares them."
    ),
    "accept_json_token_request": "Whether the token endpoint reads a JSON request body; where it "
    "does not, a JSON body (or one without Content-Type), malformed or not, is an empty form: no "
    "grant type, never Restler's parse error.",
    "verify_user_status": (
        "Whether the password grant refuses inactive users and users past their due date."
    ),
    "refresh_requires_login_session": (
        "Whether a refresh needs the user's web session to be alive (a remark of the "
        "documentation; off unless a test turns it on)."
    ),
    "invalid_client_status_with_basic": (
        "The status of `invalid_client` when the client authenticated with a Basic header "
        "(`401` with `WWW-Authenticate` under RFC 6749 §5.2); `null`: as any other error."
    ),
    "basic_split": (
        "How a Basic header whose value holds several `:` is read: split at the first one (PHP "
        "under Apache; a secret `a:b` is then compared whole) or, when the OAuth library parses "
        "the header itself (php-fpm/CGI), ignored unless there is exactly one."
    ),
    "no_redirect_uri_description": (
        "The `error_description` of `invalid_uri` when neither the request nor the client has a "
        "redirect URI."
    ),
    "unknown_workspace": (
        "The answer for a workspace that does not exist: an empty 503, a 503 HTML page, Restler's "
        "400 JSON, or a plain 404."
    ),
    "login_redirect": (
        "Whether the authorize endpoint sends an unauthenticated browser to the login page with "
        "an absolute or a relative `Location`."
    ),
    "applications_require_permission": (
        "Whether the application registration page needs the `PM_REST_API_APPLICATIONS` permission."
    ),
    "mobile_client_seeded": (
        "Whether the mobile app's built-in client `x-pm-mobile-client` (secret "
        "`4426746995afa07e7485df1055471800`) is registered beside the web designer's "
        "`x-pm-local-client`, with the same callback `{origin}/sys{ws}/{lang}/{skin}/oauth2/grant`."
    ),
    "resource_errors": (
        "The answer of `/api/1.0` to a missing, invalid or expired token: Restler's 401 JSON, or "
        "RFC 6750's `WWW-Authenticate: Bearer` challenge."
    ),
    "rest_release": (
        "Which release's REST surface the mock serves: its Restler route table (method, URL, "
        "`@access`, `AccessControl` permissions; `docs/rest-routes.md`) and its RBAC seed data "
        "(which role grants which permission)."
    ),
    "permission_refusal": (
        "How a valid token whose user lacks an endpoint's permission is refused: 3.0's API "
        'class constructors answer 400 `The user with "<uid>" not have permissions to perform '
        "this action.`; from 3.2 `AccessControl` answers Restler's 401 `Unauthorized`."
    ),
    "cases_without_user": (
        "What the cases lists answer to a token without a user (client_credentials): the 400 "
        "`The user with userId: '' does not exist.`, or every user's cases."
    ),
    "login_session_lifetime": "Seconds a web login session lives without activity.",
}

KINDS = {
    "doc": "the documentation",
    "source": "the 3.x source",
    "rfc": "the RFC",
    "decision": "the project's decision",
}


def _value(profile: Profile, field: str) -> str:
    value = profile.values()[field]
    if value is None:
        return "`null`"
    if isinstance(value, list):
        return ", ".join(f"`{v}`" for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"`{value}`"


def explain(fields: Iterable[str] = BEHAVIOUR_FIELDS) -> str:
    """The reference (Markdown) for ``fields``; raises KeyError naming an unknown field."""
    chosen = list(fields)
    unknown = [f for f in chosen if f not in BEHAVIOUR_FIELDS]
    if unknown:
        raise KeyError(f"unknown field {unknown[0]!r}; known: {', '.join(BEHAVIOUR_FIELDS)}")
    lines: list[str] = []
    for field in chosen:
        lines += [f"## {field}", "", MEANINGS[field], ""]
        lines += ["| profile | value | why |", "|---|---|---|"]
        for name, profile in PROFILES.items():
            source = profile.source_of(field)
            why = f"{KINDS[source.kind]}: {source.ref}" if source else ""
            lines.append(f"| `{name}` | {_value(profile, field)} | {why.replace('|', '/')} |")
        lines.append("")
    return "\n".join(lines)


def section_index() -> dict[str, list[str]]:
    """Source-fact sections (``§3.2``) to the fields whose provenance cites them."""
    index: dict[str, list[str]] = {}
    for field in BEHAVIOUR_FIELDS:
        for profile in PROFILES.values():
            source = profile.source_of(field)
            if source is None or source.kind != "source":
                continue
            for section in re.findall(r"§\d+(?:\.\d+)?", source.ref):
                fields = index.setdefault(section, [])
                if field not in fields:
                    fields.append(field)
    return dict(sorted(index.items(), key=lambda kv: [int(p) for p in kv[0][1:].split(".")]))


def document() -> str:
    """``docs/behaviour.md``."""
    head = [
        "# Behaviour reference",
        "",
        "Generated from `mockserver/state/profiles.py` by `pm3-mockserver --explain` "
        "(a test fails if this file drifts). Each field is one behaviour that differs between "
        "ProcessMaker's documentation, its 3.x releases and RFC 6749; each value says where it "
        "comes from: the documentation (section), the 3.x source (§N: a numbered fact of "
        "[source facts](source-facts.md), which says what the real code does and where it was "
        "read), the RFC, or the project's decision where the documentation is silent or "
        "contradicts itself (the latest source wins a silence).",
        "",
        "Profiles: " + "; ".join(f"`{n}`: {p.summary}" for n, p in PROFILES.items()) + ".",
        "",
        "Checks cite source facts by section (headings of [source facts](source-facts.md)); "
        "these are the fields each section decides:",
        "",
    ]
    for section, fields in section_index().items():
        head.append(f"- {section}: " + ", ".join(f"[`{f}`](#{f})" for f in fields))
    return "\n".join([*head, "", explain(), doc_errors.document()]).rstrip() + "\n"
