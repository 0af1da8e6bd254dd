"""The documentation's table of token-endpoint errors, row by row: where each row appears, per
profile, and why.

The documentation ('Error Response') lists twelve rows under the token endpoint. They are the
OAuth library's messages, pasted without saying which request produces which, and some of them
cannot come from the token endpoint at all. This table records, for every shipped profile, where
the mock sends each row (or that it never does) with the provenance of that decision; the
behaviour reference prints it and ``tests/mockserver/state/test_doc_errors.py`` drives the mock
to confirm every "sent" and every "never" that a request can reach.
"""

from __future__ import annotations

from dataclasses import dataclass

from mockserver.state.profiles import DOC_NO_REDIRECT_URL
from mockserver.state.profiles import PROFILES
from mockserver.state.profiles import Source
from mockserver.state.profiles import decision
from mockserver.state.profiles import rfc
from mockserver.state.profiles import src

NEVER = "never"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a row appears under one profile (``NEVER`` if nowhere) and why."""

    where: str
    why: Source


@dataclass(frozen=True, slots=True)
class DocErrorRow:
    """One row of the documentation's table: its ``error`` and ``error_description`` as printed,
    and its placement in each shipped profile."""

    key: str
    error: str
    description: str
    placements: dict[str, Placement]

    def placement(self, profile: str) -> Placement:
        return self.placements[profile]


def _same(where: str, why: Source) -> dict[str, Placement]:
    return {name: Placement(where, why) for name in PROFILES}


def _pm(
    pm_where: str, pm_why: Source, rfc_where: str, rfc_why: Source, documented: Placement
) -> dict[str, Placement]:
    out = {name: Placement(pm_where, pm_why) for name in ("pm-3.0-rc", "pm-3.4.10", "pm-3.4.11")}
    out["documented"] = documented
    out["rfc6749"] = Placement(rfc_where, rfc_why)
    return out


_RESOURCE_NEVER_PM = src(
    "§9: PM reduces the library's resource verdict to a boolean; Restler answers "
    '401 {"error":{"code":401,"message":"Unauthorized"}} for every token failure'
)
_RESOURCE_NEVER_DOC = decision(
    "the table sits under the token endpoint, but no grant takes an access token, and the "
    "documentation is silent on what /api/1.0 answers: the latest source wins a silence (§9, "
    "Restler's 401)"
)


def _no_redirect(name: str) -> Placement:
    """The profile's ``no_redirect_uri_description`` field decides this row."""
    profile = PROFILES[name]
    why = profile.source_of("no_redirect_uri_description")
    assert why is not None
    if profile.no_redirect_uri_description == DOC_NO_REDIRECT_URL:
        return Placement(
            "authorize, for a client with no registered callback and no redirect_uri", why
        )
    return Placement(
        f"never as printed: authorize sends '{profile.no_redirect_uri_description}' instead "
        "(URI, not URL) for a client with no callback and no redirect_uri",
        why,
    )


ROWS: tuple[DocErrorRow, ...] = (
    DocErrorRow(
        "no_redirect",
        "invalid_uri",
        DOC_NO_REDIRECT_URL,
        {name: _no_redirect(name) for name in PROFILES},
    ),
    DocErrorRow(
        "client_invalid",
        "invalid_token",
        "The client credentials are invalid",
        {
            **_same(
                "never with invalid_token: the text comes with invalid_client, from the token "
                "endpoint, for a known client_id with a wrong client_secret",
                src(
                    "§3.3: the library pairs this text with invalid_client; the table's code is wrong"
                ),
            ),
            "documented": Placement(
                "never with invalid_token: the text comes with invalid_client, from the token "
                "endpoint, for a known client_id with a wrong client_secret",
                decision(
                    "the documentation contradicts itself: both worked examples pair the text "
                    "with invalid_client, and so does the source (§3.3)"
                ),
            ),
        },
    ),
    DocErrorRow(
        "token_invalid",
        "invalid_token",
        "The access token provided is invalid",
        _pm(
            NEVER,
            _RESOURCE_NEVER_PM,
            "/api/1.0 resources, for an unknown token: 401 with the row in the body and in "
            "WWW-Authenticate",
            rfc("RFC 6750 §3.1 invalid_token; the text is the library's ResourceController"),
            Placement(NEVER, _RESOURCE_NEVER_DOC),
        ),
    ),
    DocErrorRow(
        "token_malformed",
        "invalid_token",
        'Malformed token (missing "expires" or "client_id")',
        _same(
            NEVER,
            src(
                "§10: OAUTH_ACCESS_TOKENS.EXPIRES and CLIENT_ID are NOT NULL, so every stored "
                "token has both and the library's check cannot fire"
            ),
        ),
    ),
    DocErrorRow(
        "token_expired",
        "invalid_token",
        "The access token provided has expired",
        _pm(
            NEVER,
            _RESOURCE_NEVER_PM,
            "/api/1.0 resources, for a token past its lifetime: 401 with the row in the body "
            "and in WWW-Authenticate",
            rfc("RFC 6750 §3.1 invalid_token; the text is the library's ResourceController"),
            Placement(NEVER, _RESOURCE_NEVER_DOC),
        ),
    ),
    DocErrorRow(
        "bad_password",
        "invalid_grant",
        "Invalid username and password combination",
        _same(
            "token endpoint, password grant with a wrong password",
            src("§3.3, §2.5: password grant"),
        ),
    ),
    DocErrorRow(
        "bad_code",
        "invalid_grant",
        "Authorization code doesn't exist or is invalid for the client",
        _same(
            "token endpoint, authorization_code grant with an unknown code",
            src("§3.3, §2.5: authorization_code grant"),
        ),
    ),
    DocErrorRow(
        "no_client",
        "invalid_client",
        "Client credentials were not found in the headers or body",
        _same(
            "token endpoint, a grant with no client_id in the body or a Basic header",
            src("§3.3, §2.3: client authentication"),
        ),
    ),
    DocErrorRow(
        "bad_scope",
        "invalid_scope",
        "An unsupported scope was requested",
        _same("token endpoint and authorize, a scope outside the supported ones", src("§7, §3.3")),
    ),
    DocErrorRow(
        "bad_grant_type",
        "unsupported_grant_type",
        'Grant type "X" not supported',
        _same(
            'token endpoint, with the grant_type sent in place of X (Grant type "foo" not '
            "supported)",
            src("§3.3, §2.4: grant type validation"),
        ),
    ),
    DocErrorRow(
        "is_authorized",
        "",
        'Argument "is_authorized" must be a boolean. This method must know if the user has '
        "granted access to the client.",
        _same(
            "never: a PHP exception of the library's authorize handler, which PM always calls "
            "with a boolean",
            src(
                "§3.3: a PHP InvalidArgumentException, not an OAuth answer; §8: PM passes a boolean"
            ),
        ),
    ),
    DocErrorRow(
        "denied",
        "access_denied",
        "The user denied access to your application",
        _same(
            "authorize, after Deny on the consent page: in the redirect to the callback",
            src("§8, §3.3"),
        ),
    ),
    DocErrorRow(
        "pdo_config",
        "",
        "First argument to OAuth2\\Storage\\Pdo must be an instance of PDO or a configuration "
        'array. configuration array must contain "dsn"',
        _same(
            "never: a PHP exception when the library's storage is misconfigured, not an answer "
            "to any request",
            src("§3.3: a PHP exception of PM's storage set-up, not an answer to any request"),
        ),
    ),
)


def document() -> str:
    """The reference section (Markdown) for the table."""
    names = list(PROFILES)
    lines = [
        "## The documentation's error table",
        "",
        "The documentation lists these rows under the token endpoint's 'Error Response'. "
        "Where each appears, per profile (a test drives the mock to confirm every row a request "
        "can reach):",
        "",
    ]
    for row in ROWS:
        code = f"`{row.error}` " if row.error else ""
        lines += [f"### {code}{row.description.replace('|', '/')}", ""]
        lines += ["| profile | where | why |", "|---|---|---|"]
        for name in names:
            p = row.placement(name)
            lines.append(f"| `{name}` | {p.where} | {p.why.kind}: {p.why.ref} |")
        lines.append("")
    return "\n".join(lines)
