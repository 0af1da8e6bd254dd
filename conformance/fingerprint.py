"""Which profile does a server match? A short, harmless probe and the evidence for the verdict.

The probe sends a handful of requests with the user's own valid credentials (no password
guessing): an unknown workspace, a request with no grant type, a login with Basic-only client
credentials, the documentation's singular scope, a JSON body, one refresh and its reuse. Each
observation is compared with what every profile's *fields* predict; the profile with the most
agreements wins. The tokens it obtains are expired afterwards where the server allows it.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from mockserver import PROFILES
from mockserver import Profile

from .failures import HarnessError
from .http import HttpRequest
from .http import HttpResponse
from .http import Transport
from .target import Credentials


@dataclass(frozen=True, slots=True)
class Observation:
    name: str
    observed: str
    predictions: dict[str, str]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    observations: tuple[Observation, ...]
    scores: dict[str, int]

    @property
    def best(self) -> str:
        return max(self.scores, key=lambda name: (self.scores[name], name == "documented"))

    def to_dict(self) -> dict[str, object]:
        """The fingerprint as JSON: every observation with each profile's prediction."""
        return {
            "best_match": self.best,
            "agreement": {name: score for name, score in self.scores.items()},
            "observations": [
                {
                    "name": o.name,
                    "observed": o.observed,
                    "predictions": dict(o.predictions),
                    "matches": sorted(n for n, p in o.predictions.items() if p == o.observed),
                }
                for o in self.observations
            ],
            "total": len(self.observations),
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
            lines.append(f"{o.name:<{width}}  {o.observed:<14}  {cells}")
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
        return "\n".join(lines)


def _status_class(response: HttpResponse) -> str:
    if response.status == 503 and not response.body:
        return "503-empty"
    ctype = response.header("Content-Type") or ""
    if response.status == 503 and ctype.startswith("text/html"):
        return "503-html"
    return str(response.status)


def _unknown_workspace_prediction(p: Profile) -> str:
    return {
        "empty-503": "503-empty",
        "html-503": "503-html",
        "restler-400": "400",
        "plain-404": "404",
    }[p.unknown_workspace]


def probe(transport: Transport, workspace: str, credentials: Credentials) -> Fingerprint:
    """Run the probe. :raises HarnessError: when the server cannot be reached."""
    c = credentials
    issued: list[str] = []

    def post(
        path: str, form: dict[str, str], headers: dict[str, str] | None = None
    ) -> HttpResponse:
        hdrs = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        try:
            response = transport.send(
                HttpRequest("POST", path, tuple(hdrs.items()), urlencode(form).encode())
            )
        except OSError as exc:
            raise HarnessError(f"cannot reach {transport.base_url}: {exc}") from None
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("access_token"), str):
            issued.append(body["access_token"])
        return response

    token_path = f"/{workspace}/oauth2/token"
    login = {
        "grant_type": "password",
        "scope": "*",
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "username": c.username,
        "password": c.password,
    }
    observations: list[Observation] = []

    def observe(name: str, observed: str, predict: Callable[[Profile], str]) -> None:
        observations.append(
            Observation(name, observed, {n: predict(p) for n, p in PROFILES.items()})
        )

    unknown = post(f"/pm3probe{secrets.token_hex(4)}/oauth2/token", login)
    observe("unknown workspace", _status_class(unknown), _unknown_workspace_prediction)
    missing = post(token_path, {"client_id": c.client_id})
    observe(
        "token error status",
        str(missing.status),
        lambda p: str(p.token_error_status if p.token_error_status is not None else 400),
    )
    first = post(token_path, login)
    body = first.json() or {}
    if "access_token" not in body:
        raise HarnessError(
            f"the credentials do not log in (HTTP {first.status}): {first.text[:160]!r}"
        )
    observe("expires_in", str(body.get("expires_in")), lambda p: str(p.access_lifetime))
    basic = base64.b64encode(f"{c.client_id}:{c.client_secret}".encode()).decode()
    basic_only = post(
        token_path,
        {k: v for k, v in login.items() if k not in ("client_id", "client_secret")},
        {"Authorization": f"Basic {basic}"},
    )
    observe(
        "Basic-only password grant",
        "token" if "access_token" in (basic_only.json() or {}) else "refused",
        lambda p: "refused" if p.password_requires_body_client_credentials else "token",
    )
    singular = post(token_path, {**login, "scope": "view_process"})
    observe(
        "scope view_process",
        "token" if "access_token" in (singular.json() or {}) else "refused",
        lambda p: "token" if "view_process" in p.supported_scopes else "refused",
    )
    no_scope = post(token_path, {k: v for k, v in login.items() if k != "scope"})
    no_scope_body = no_scope.json() or {}
    observe(
        "scope when none asked",
        ("null" if no_scope_body.get("scope", "absent") is None else "omit")
        if "access_token" in no_scope_body
        else "error",
        lambda p: p.scope_when_none,
    )
    refresh_form = {
        "grant_type": "refresh_token",
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "refresh_token": str(body.get("refresh_token", "")),
    }
    refreshed = post(token_path, refresh_form).json() or {}
    observe(
        "refresh rotates",
        "yes" if "refresh_token" in refreshed else "no",
        lambda p: "yes" if p.always_issue_new_refresh_token else "no",
    )
    reuse = post(token_path, refresh_form).json() or {}
    observe(
        "spent refresh token",
        "refused" if "access_token" not in reuse else "accepted",
        lambda p: "refused" if p.refresh_token_single_use else "accepted",
    )
    for token in issued:
        with contextlib.suppress(OSError):
            transport.send(HttpRequest("POST", f"/{workspace}/oauth2/{token}/expire"))
    scores = {
        name: sum(o.predictions[name] == o.observed for o in observations) for name in PROFILES
    }
    return Fingerprint(tuple(observations), scores)
