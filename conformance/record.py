"""Record a live ProcessMaker into a profile file: every field a harmless probe can measure.

Each probe sends a few requests and reads one profile field from the answers; the field's
provenance in the file is ``observed`` (the server's URL, the date, the probe) with the request
and the answer as evidence, redacted. Fields no probe can measure (lifetimes of days, users in
states the credentials do not have) are inherited from the shipped profile that agrees with the
most measured fields, and named as inherited.

Live-safety is the fingerprint's: the transport paces a remote host, no wrong *password* is ever
sent (a wrong client secret is, which locks no account), the REST API gets GETs only (without a
token, or read-only list routes with one: :mod:`conformance.restprobe`), and every token the
probes obtained is expired at the end.
"""

from __future__ import annotations

import base64
import datetime
import json
import secrets as pysecrets
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlencode
from urllib.parse import urlsplit

from mockserver import PROFILES
from mockserver import Profile
from mockserver.redaction import SecretSet
from mockserver.state.profiles import BEHAVIOUR_FIELDS
from mockserver.state.profiles import BOTH_SCOPE_SPELLINGS
from mockserver.state.profiles import PLURAL_SCOPES

from . import restprobe
from .answers import describe
from .answers import unknown_workspace_style
from .cleanup import form_post
from .failures import HarnessError
from .http import HttpRequest
from .http import HttpResponse
from .http import Transport
from .target import Credentials
from .targetclient import TargetClient

TABLE_WIDTH = 100
"""The widest line of :meth:`Recording.table` (a terminal's 100 columns)."""


@dataclass
class Measurement:
    field: str
    value: Any
    probe: str
    evidence: list[dict[str, Any]]


@dataclass
class Recording:
    url: str
    date: str
    measured: dict[str, Measurement] = field(default_factory=dict)
    closest: str = "documented"
    tokens_left_valid: list[str] = field(default_factory=list)
    """Why each token the probes obtained could not be expired afterwards."""
    notes: dict[str, str] = field(default_factory=dict)
    """Per field, what a probe found beyond the value: why it could not measure the field here
    (it is then inherited), or how it chose among candidates."""

    @property
    def inherited(self) -> list[str]:
        return [f for f in BEHAVIOUR_FIELDS if f not in self.measured]

    def profile_file(self, name: str) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        for fname, m in self.measured.items():
            fields[fname] = {
                "value": list(m.value) if isinstance(m.value, tuple) else m.value,
                "provenance": {
                    "kind": "observed",
                    "ref": f"measured by probe {m.probe}",
                    "url": self.url,
                    "date": self.date,
                    "probe": m.probe,
                    "evidence": m.evidence,
                },
            }
        return {
            "name": name,
            "extends": self.closest,
            "summary": f"recorded from {self.url} on {self.date}; "
            f"{len(self.measured)} fields measured, {len(self.inherited)} inherited "
            f"from {self.closest}: {', '.join(self.inherited)}"
            + "".join(f"; {f}: {note}" for f, note in self.notes.items()),
            "fields": fields,
            "inherited": self.inherited,
        }

    def table(self) -> str:
        """Each field on one line with its value, and under it where the value comes from (the
        probe that measured it, or the profile it was inherited from, and why), wrapped to
        :data:`TABLE_WIDTH` columns."""
        rows: list[tuple[str, str, str]] = []
        base = PROFILES[self.closest]
        for fname in BEHAVIOUR_FIELDS:
            m = self.measured.get(fname)
            if m is not None:
                shown = json.dumps(list(m.value) if isinstance(m.value, tuple) else m.value)
                note = f" ({self.notes[fname]})" if fname in self.notes else ""
                rows.append((fname, shown, f"measured: probe {m.probe}{note}"))
            else:
                value = getattr(base, fname)
                shown = json.dumps(list(value) if isinstance(value, tuple) else value)
                why = self.notes.get(fname, "")
                rows.append(
                    (fname, shown, f"inherited ({self.closest})" + (f": {why}" if why else ""))
                )
        width = max(len(r[0]) for r in rows) + 2
        lines = [f"{'field':<{width}}value", "    source: the probe that measured it, or inherited"]
        for fname, shown, source in rows:
            values = textwrap.wrap(shown, TABLE_WIDTH - width, break_on_hyphens=False) or [""]
            lines.append(f"{fname:<{width}}{values[0]}")
            lines += [" " * width + v for v in values[1:]]
            lines += textwrap.wrap(
                source,
                TABLE_WIDTH,
                initial_indent="    ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
        lines.append("")
        lines.append(
            f"{len(self.measured)} measured, {len(self.inherited)} inherited from {self.closest}"
        )
        return "\n".join(line.rstrip() for line in lines)


def _login_target(response: HttpResponse) -> str:
    """The ``u`` (where to go after login) of the login page the authorize answer sends to."""
    query = urlsplit(response.header("Location") or "").query
    return parse_qs(query).get("u", [""])[0]


def _evidence(
    request: HttpRequest, response: HttpResponse, secrets: SecretSet, *, keep_data: bool = True
) -> dict[str, Any]:
    """The request line and the answer, redacted. ``keep_data=False`` drops the body of a
    successful answer (a REST read's data: users, cases) and keeps only error bodies."""
    kept = keep_data or not 200 <= response.status < 300
    body = secrets.redact(response.text[:400]) if kept else f"({len(response.body)} bytes not kept)"
    return {
        "request": secrets.redact(f"{request.method} {request.path}"),
        "status": response.status,
        "headers": {
            k: secrets.redact(v)
            for k, v in response.headers
            if k.lower() in ("content-type", "cache-control", "www-authenticate", "x-powered-by")
        },
        "body": body,
    }


class _Recorder:
    """The recording's connection to the server: sends probes, keeps what they measured, and
    remembers the tokens they obtained (expired at the end)."""

    def __init__(
        self,
        transport: Transport,
        workspace: str,
        credentials: Credentials,
        vault: SecretSet,
        rec: Recording,
    ) -> None:
        self.client = TargetClient(transport, workspace, vault)
        self.workspace = workspace
        self.c = credentials
        self.vault = vault
        self.recording = rec
        self.token_path = self.client.token_path
        self.login = credentials.password_form()

    def send(self, request: HttpRequest) -> HttpResponse:
        return self.client.probe(request)

    form = staticmethod(form_post)

    def measure(
        self, fname: str, probe: str, request: HttpRequest, read: Callable[[HttpResponse], Any]
    ) -> HttpResponse:
        response = self.send(request)
        self.recording.measured[fname] = Measurement(
            fname, read(response), probe, [_evidence(request, response, self.vault)]
        )
        return response


def _token_of(response: HttpResponse) -> dict[str, Any]:
    body = response.json()
    return body if isinstance(body, dict) and "access_token" in body else {}


def _server_and_error_shapes(rec: _Recorder) -> None:
    # -- the server and its error shapes -------------------------------------------------------
    unknown = rec.form(
        f"/pm3probe{pysecrets.token_hex(4)}/oauth2/token", {"grant_type": "password"}
    )
    answer = rec.send(unknown)
    style = unknown_workspace_style(answer)
    if style is None:
        rec.recording.notes["unknown_workspace"] = (
            f"not measured: an unknown workspace got {describe(answer, rec.vault)}, none of "
            "ProcessMaker's answers for one"
        )
    else:
        rec.recording.measured["unknown_workspace"] = Measurement(
            "unknown_workspace", style, "unknown-workspace", [_evidence(unknown, answer, rec.vault)]
        )
    # Restler's parse error names its version; a server that reads no JSON bodies answers as
    # for an empty form (maybe without Restler's headers): then the REST door's answers tell it
    malformed = HttpRequest("POST", rec.token_path, (("Content-Type", "application/json"),), b"{")
    answer = rec.send(malformed)
    version = restprobe.powered_by_version(answer)
    if version != "?":
        rec.recording.measured["restler_version"] = Measurement(
            "restler_version",
            version,
            "malformed-json",
            [_evidence(malformed, answer, rec.vault)],
        )
    rec.measure(
        "resource_errors",
        "api-without-token",
        HttpRequest("GET", f"/api/1.0/{rec.workspace}/users"),
        lambda r: (
            "rfc6750" if "bearer" in (r.header("WWW-Authenticate") or "").lower() else "restler-401"
        ),
    )
    missing = rec.measure(
        "token_error_status",
        "missing-grant-type",
        rec.form(rec.token_path, {"client_id": rec.c.client_id}),
        lambda r: 200 if r.status == 200 else None,
    )
    rec.recording.measured["token_headers"] = Measurement(
        "token_headers",
        "bshaffer" if (missing.header("Cache-Control") or "") == "no-store" else "restler",
        "missing-grant-type",
        [_evidence(rec.form(rec.token_path, {"client_id": rec.c.client_id}), missing, rec.vault)],
    )
    basic_wrong = base64.b64encode(f"{rec.c.client_id}:pm3-wrong-secret".encode()).decode()
    rec.measure(
        "invalid_client_status_with_basic",
        "basic-wrong-client-secret",
        rec.form(
            rec.token_path,
            {"grant_type": "client_credentials"},
            {"Authorization": f"Basic {basic_wrong}"},
        ),
        lambda r: 401 if r.status == 401 else None,
    )

    two_colons = base64.b64encode(f"{rec.c.client_id}:pm3probe:x".encode()).decode()
    rec.measure(
        "basic_split",
        "basic-value-with-two-colons",
        rec.form(
            rec.token_path,
            {
                "grant_type": "client_credentials",
                "client_id": rec.c.client_id,
                "client_secret": rec.c.client_secret,
            },
            {"Authorization": f"Basic {two_colons}"},
        ),
        # Split at the first ':' the header names a wrong secret (refused); a parse that wants
        # exactly one ':' ignores the header, and the body's right credentials get a token.
        lambda r: "single-colon" if _token_of(r) else "first-colon",
    )


def _grants(rec: _Recorder) -> None:
    # -- grants ----------------------------------------------------------------------------------
    first = rec.measure(
        "access_lifetime",
        "password-grant",
        rec.form(rec.token_path, rec.login),
        lambda r: _token_of(r).get("expires_in"),
    )
    body = _token_of(first)
    if not body:
        raise HarnessError(
            f"the credentials do not log in (HTTP {first.status}): {rec.vault.redact(first.text[:160])!r}"
        )
    no_scope = {k: v for k, v in rec.login.items() if k != "scope"}
    rec.measure(
        "scope_when_none",
        "password-grant-without-scope",
        rec.form(rec.token_path, no_scope),
        lambda r: "null" if "scope" in _token_of(r) and _token_of(r)["scope"] is None else "omit",
    )
    basic = base64.b64encode(f"{rec.c.client_id}:{rec.c.client_secret}".encode()).decode()
    rec.measure(
        "password_requires_body_client_credentials",
        "basic-only-password-grant",
        rec.form(
            rec.token_path,
            {k: v for k, v in rec.login.items() if k not in ("client_id", "client_secret")},
            {"Authorization": f"Basic {basic}"},
        ),
        lambda r: not _token_of(r),
    )
    rec.measure(
        "case_insensitive_lookups",
        "client-id-in-other-case",
        rec.form(rec.token_path, {**rec.login, "client_id": rec.c.client_id.swapcase()}),
        lambda r: bool(_token_of(r)),
    )
    rec.measure(
        "accept_json_token_request",
        "json-body",
        HttpRequest(
            "POST",
            rec.token_path,
            (("Content-Type", "application/json"),),
            json.dumps(rec.login).encode(),
        ),
        lambda r: bool(_token_of(r)),
    )
    rec.measure(
        "unknown_client_empty_secret_passes",
        "unknown-client-empty-secret",
        rec.form(
            rec.token_path,
            {
                "grant_type": "client_credentials",
                "client_id": f"PM3PROBE{pysecrets.token_hex(4).upper()}",
                "client_secret": "",
            },
        ),
        lambda r: bool(_token_of(r)),
    )
    accepted = []
    evidence = []
    for scope in BOTH_SCOPE_SPELLINGS:
        request = rec.form(rec.token_path, {**rec.login, "scope": scope})
        response = rec.send(request)
        evidence.append(_evidence(request, response, rec.vault))
        if _token_of(response):
            accepted.append(scope)
    scopes = (
        PLURAL_SCOPES
        if set(accepted) == set(PLURAL_SCOPES)
        else (
            BOTH_SCOPE_SPELLINGS if set(accepted) == set(BOTH_SCOPE_SPELLINGS) else tuple(accepted)
        )
    )
    rec.recording.measured["supported_scopes"] = Measurement(
        "supported_scopes", scopes, "each-scope", evidence
    )

    refresh_form = {
        "grant_type": "refresh_token",
        "client_id": rec.c.client_id,
        "client_secret": rec.c.client_secret,
        "refresh_token": str(body.get("refresh_token", "")),
    }
    rec.measure(
        "always_issue_new_refresh_token",
        "refresh",
        rec.form(rec.token_path, refresh_form),
        lambda r: "refresh_token" in _token_of(r),
    )
    rec.measure(
        "refresh_token_single_use",
        "refresh-again",
        rec.form(rec.token_path, refresh_form),
        lambda r: not _token_of(r),
    )


def _authorize_flow(rec: _Recorder) -> None:
    # -- the authorize flow --------------------------------------------------------------------
    query = urlencode({"response_type": "code", "client_id": rec.c.client_id})
    rec.measure(
        "login_redirect",
        "authorize-without-session",
        HttpRequest("GET", f"/{rec.workspace}/oauth2/authorize?{query}"),
        lambda r: (
            "absolute" if _login_target(r).startswith(("http://", "https://")) else "relative"
        ),
    )


def _rest_door(rec: _Recorder) -> None:
    # -- the REST door: route table and permission refusal (read-only GETs) ---------------------
    observed: dict[str, str] = {}
    evidence = []
    powered_by = "?"
    for probe_path in restprobe.release_paths():
        request = restprobe.get(rec.workspace, probe_path.path)  # no token: nothing can change
        response = rec.send(request)
        evidence.append(_evidence(request, response, rec.vault))
        observed[probe_path.path] = str(response.status)
        if powered_by == "?":
            powered_by = restprobe.powered_by_version(response)
    if "restler_version" not in rec.recording.measured:
        carried = [
            e
            for e in evidence
            if any(
                k.lower() == "x-powered-by" and "Restler v" in v for k, v in e["headers"].items()
            )
        ]
        if powered_by != "?" and carried:
            rec.recording.measured["restler_version"] = Measurement(
                "restler_version", powered_by, "routes-without-token", carried[:1]
            )
        else:
            rec.recording.notes["restler_version"] = (
                "not measured: no answer carried Restler's X-Powered-By"
            )
    token_status = rec.recording.measured.get("token_error_status")
    votes = restprobe.release_votes(observed, powered_by)
    release = restprobe.pick_release(
        votes, token_status.value if token_status is not None else None
    )
    rec.recording.notes["rest_release"] = restprobe.release_note(votes, release)
    rec.recording.measured["rest_release"] = Measurement(
        "rest_release", release, "routes-without-token", evidence
    )

    login = rec.send(rec.form(rec.token_path, rec.login))
    token = _token_of(login).get("access_token")
    if not isinstance(token, str):
        rec.recording.notes["permission_refusal"] = (
            f"not measured: no token to probe with (HTTP {login.status})"
        )
        return
    found = restprobe.probe_refusal(rec.send, rec.workspace, token, release)
    if found.value is None:
        rec.recording.notes["permission_refusal"] = f"not measured: {found.reason}"
        return
    rec.recording.notes["permission_refusal"] = found.reason
    rec.recording.measured["permission_refusal"] = Measurement(
        "permission_refusal",
        found.value,
        "permission-route-with-token",
        [_evidence(q, a, rec.vault, keep_data=False) for q, a in found.exchanges],
    )


def record(
    transport: Transport,
    workspace: str,
    credentials: Credentials,
    *,
    url: str,
    secrets: SecretSet | None = None,
) -> Recording:
    """Measure every field a probe can; :class:`HarnessError` if the server cannot be reached."""
    vault = secrets if secrets is not None else SecretSet()
    vault.update(credentials.secrets(), always=True)
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    rec = Recording(url=url, date=today)
    recorder = _Recorder(transport, workspace, credentials, vault, rec)
    try:
        for probes in (_server_and_error_shapes, _grants, _authorize_flow, _rest_door):
            probes(recorder)
    finally:
        # nothing the probes obtained stays valid (or the user is told)
        rec.tokens_left_valid = recorder.client.expire_left()

    def agreement(profile: Profile) -> int:
        return sum(getattr(profile, f) == m.value for f, m in rec.measured.items())

    rec.closest = max(PROFILES, key=lambda n: (agreement(PROFILES[n]), n == "documented"))
    return rec
