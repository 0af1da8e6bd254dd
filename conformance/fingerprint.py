"""Which profile does a server match? A short, harmless probe and the evidence for the verdict.

The probe sends a handful of requests with the user's own valid credentials (no password
guessing): an unknown workspace, a request with no grant type, a login with Basic-only client
credentials, the documentation's singular scope, a JSON body, one refresh and its reuse; then
the REST door (:mod:`conformance.restprobe`): GETs without a token of paths that tell the
releases' route tables apart, and read-only GETs with the user's token of routes that need a
permission. Each observation is compared with what every profile's *fields* predict; the
profile with the most agreements wins. The tokens it obtains are expired afterwards where the
server allows it.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mockserver import PROFILES
from mockserver import Profile
from mockserver.redaction import SecretSet
from reports.text import terminal

from . import restprobe
from .answers import unknown_workspace_style
from .failures import HarnessError
from .http import HttpResponse
from .http import Transport
from .target import Credentials
from .targetclient import TargetClient


@dataclass(frozen=True, slots=True)
class Observation:
    name: str
    observed: str
    predictions: dict[str, str]
    field: str = ""
    """The profile field whose value the predictions come from."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    observations: tuple[Observation, ...]
    scores: dict[str, int]
    tokens_left_valid: tuple[str, ...] = ()
    """Why each token the probe obtained could not be expired afterwards."""
    notes: tuple[str, ...] = ()
    """What could not be observed on this server, and why (no observation was counted)."""

    @property
    def best(self) -> str:
        return max(self.scores, key=lambda name: (self.scores[name], name == "documented"))

    def differences(self, name: str) -> list[Observation]:
        """The observations the profile ``name`` predicted wrongly (none: it matches well)."""
        return [o for o in self.observations if o.predictions.get(name) != o.observed]

    def differences_text(self, name: str) -> str:
        """Which profile fields differ from what the server showed, one clause each."""
        return "; ".join(
            f"{o.field or o.name} ({o.name}): server {o.observed}, {name} {o.predictions[name]}"
            for o in self.differences(name)
        )

    def to_dict(self) -> dict[str, object]:
        """The fingerprint as JSON: every observation with each profile's prediction."""
        return {
            "best_match": self.best,
            "agreement": {name: score for name, score in self.scores.items()},
            "observations": [
                {
                    "name": o.name,
                    "field": o.field,
                    "observed": o.observed,
                    "predictions": dict(o.predictions),
                    "matches": sorted(n for n, p in o.predictions.items() if p == o.observed),
                }
                for o in self.observations
            ],
            "total": len(self.observations),
            "notes": list(self.notes),
        }

    def render(self) -> str:
        names = list(self.scores)
        width = max(len(o.name) for o in self.observations)
        lines = [
            f"{'observation':<{width}}  {'observed':<14}  " + "  ".join(f"{n:<11}" for n in names)
        ]
        for o in self.observations:
            cells = "  ".join(
                f"{('= ' if o.predictions[n] == o.observed else '  ') + o.predictions[n]:<11}"[:11]
                for n in names
            )
            lines.append(f"{o.name:<{width}}  {terminal(o.observed):<14}  {cells}")
        total = len(self.observations)
        lines.append("")
        lines.append(
            "agreement: "
            + ", ".join(
                f"{n} {self.scores[n]}/{total}"
                for n in sorted(names, key=lambda n: -self.scores[n])
            )
        )
        lines.append(f"best match: {self.best}")
        lines += [f"note: {terminal(n)}" for n in self.notes]
        return "\n".join(lines)


class _Probe:
    """The probe's connection to the server: sends form posts, remembers what they obtained."""

    def __init__(self, transport: Transport, workspace: str, credentials: Credentials) -> None:
        self.client = TargetClient(
            transport, workspace, SecretSet(credentials=credentials.secrets())
        )
        self.workspace = workspace
        self.token_path = self.client.token_path
        self.credentials = credentials
        self.login = credentials.password_form()
        self.first: dict[str, Any] = {}  # the first successful login's answer
        self.refresh_form: dict[str, str] = {}

    def post(
        self, form: dict[str, str], headers: dict[str, str] | None = None, path: str = ""
    ) -> HttpResponse:
        return self.client.form(path or self.token_path, form, headers)

    def json(self, form: dict[str, str], headers: dict[str, str] | None = None) -> dict[str, Any]:
        body = self.post(form, headers).json()
        return body if isinstance(body, dict) else {}

    def without(self, *names: str) -> dict[str, str]:
        return {k: v for k, v in self.login.items() if k not in names}


def _token_or_refused(body: dict[str, Any]) -> str:
    return "token" if "access_token" in body else "refused"


def _unknown_workspace(p: _Probe) -> str:
    answer = p.post(p.login, path=f"/pm3probe{secrets.token_hex(4)}/oauth2/token")
    return unknown_workspace_style(answer) or f"other (HTTP {answer.status})"


def _no_grant_type(p: _Probe) -> str:
    return str(p.post({"client_id": p.credentials.client_id}).status)


def _expires_in(p: _Probe) -> str:
    first = p.post(p.login)
    body = first.json()
    if not isinstance(body, dict) or "access_token" not in body:
        raise HarnessError(
            f"the credentials do not log in (HTTP {first.status}): {first.text[:160]!r}"
        )
    p.first = body
    p.refresh_form = {
        "grant_type": "refresh_token",
        "client_id": p.credentials.client_id,
        "client_secret": p.credentials.client_secret,
        "refresh_token": str(body.get("refresh_token", "")),
    }
    return str(body.get("expires_in"))


def _basic_only(p: _Probe) -> str:
    c = p.credentials
    basic = base64.b64encode(f"{c.client_id}:{c.client_secret}".encode()).decode()
    return _token_or_refused(
        p.json(p.without("client_id", "client_secret"), {"Authorization": f"Basic {basic}"})
    )


def _singular_scope(p: _Probe) -> str:
    return _token_or_refused(p.json({**p.login, "scope": "view_process"}))


def _scope_when_none(p: _Probe) -> str:
    body = p.json(p.without("scope"))
    if "access_token" not in body:
        return "error"
    return "null" if body.get("scope", "absent") is None else "omit"


def _refresh_rotates(p: _Probe) -> str:
    return "yes" if "refresh_token" in p.json(p.refresh_form) else "no"


def _spent_refresh(p: _Probe) -> str:
    return "refused" if "access_token" not in p.json(p.refresh_form) else "accepted"


PROBES: tuple[tuple[str, str, Callable[[_Probe], str], Callable[[Profile], str]], ...] = (
    # (observation, the profile field it tells, how the server is probed, what each profile
    # predicts), in the order sent: the login of "expires_in" provides the refresh token the
    # last two spend.
    (
        "unknown workspace",
        "unknown_workspace",
        _unknown_workspace,
        lambda p: p.unknown_workspace,
    ),
    (
        "token error status",
        "token_error_status",
        _no_grant_type,
        lambda p: str(p.token_error_status if p.token_error_status is not None else 400),
    ),
    ("expires_in", "access_lifetime", _expires_in, lambda p: str(p.access_lifetime)),
    (
        "Basic-only password grant",
        "password_requires_body_client_credentials",
        _basic_only,
        lambda p: "refused" if p.password_requires_body_client_credentials else "token",
    ),
    (
        "scope view_process",
        "supported_scopes",
        _singular_scope,
        lambda p: "token" if "view_process" in p.supported_scopes else "refused",
    ),
    (
        "scope when none asked",
        "scope_when_none",
        _scope_when_none,
        lambda p: p.scope_when_none,
    ),
    (
        "refresh rotates",
        "always_issue_new_refresh_token",
        _refresh_rotates,
        lambda p: "yes" if p.always_issue_new_refresh_token else "no",
    ),
    (
        "spent refresh token",
        "refresh_token_single_use",
        _spent_refresh,
        lambda p: "refused" if p.refresh_token_single_use else "accepted",
    ),
)


def _rest_door(session: _Probe, observations: list[Observation]) -> list[str]:
    """The REST door's observations (module doc); returns notes on what could not be observed."""
    observed: dict[str, str] = {}
    powered_by = "?"
    for path in restprobe.release_paths():
        response = session.client.probe(restprobe.get(session.workspace, path.path))
        observed[path.path] = str(response.status)
        if powered_by == "?":
            powered_by = restprobe.powered_by_version(response)
        observations.append(
            Observation(
                f"GET {path.path} without token",
                observed[path.path],
                {n: path.predictions[p.rest_release] for n, p in PROFILES.items()},
                "rest_release",
            )
        )
    token_status = next(o.observed for o in observations if o.name == "token error status")
    votes = restprobe.release_votes(observed, powered_by)
    release = restprobe.pick_release(votes, 200 if token_status == "200" else None)
    notes = [restprobe.release_note(votes, release)]
    login = session.post(session.login).json()
    token = login.get("access_token") if isinstance(login, dict) else None
    if not isinstance(token, str):
        return [*notes, "permission refusal not observed: no token to probe with"]
    found = restprobe.probe_refusal(session.client.probe, session.workspace, token, release)
    if found.value is None:
        return [*notes, f"permission refusal not observed: {found.reason}"]
    observations.append(
        Observation(
            "permission refusal",
            found.value,
            {n: p.permission_refusal for n, p in PROFILES.items()},
            "permission_refusal",
        )
    )
    return [*notes, f"permission refusal: {found.value}, {found.reason}"]


def probe(transport: Transport, workspace: str, credentials: Credentials) -> Fingerprint:
    """Run the probes (:data:`PROBES`, then the REST door's), then expire what they obtained.

    :raises HarnessError: when the server cannot be reached or the credentials do not log in.
    """
    session = _Probe(transport, workspace, credentials)
    observations: list[Observation] = []
    notes: list[str] = []
    try:
        for name, field, observe, predict in PROBES:
            predictions = {n: predict(p) for n, p in PROFILES.items()}
            observations.append(Observation(name, observe(session), predictions, field))
        notes = _rest_door(session, observations)
    finally:
        left = session.client.expire_left()
    scores = {
        name: sum(o.predictions[name] == o.observed for o in observations) for name in PROFILES
    }
    return Fingerprint(tuple(observations), scores, tuple(left), tuple(notes))
