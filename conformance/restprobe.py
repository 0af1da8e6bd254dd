"""Live-safe probes of the REST door: which release's route table a server has, and how it
refuses a user without an endpoint's permission. Shared by the fingerprint and ``record``.

**Route table** (``rest_release``): unauthenticated GETs only, so nothing can change. The paths
are computed from the tables' differences (:func:`mockserver.protocol.restler_routes.diff`): a
GET route that is protected in one release and answers 404 in another. Restler routes before it
authenticates (``Restler::handle``, ``docs/rest-routes.md``), so without a token an existing
protected route answers 401 and a missing one 404. For every ordered pair of releases whose
tables differ, the first such path (static paths and read-like methods first, then by path) is
probed; the ``X-Powered-By`` of the answers (Restler rc4 in 3.0, rc5 after) is one more vote.
The release whose table agrees with the most answers wins. 3.4.10 and 3.4.11 have identical
tables (and identical RBAC seed data), so no route tells them apart: the token-error status
(400 in 3.4.10, 200 from 3.4.11 on) decides between them.

**Permission refusal** (``permission_refusal``): with the recorded credentials' own token, a GET
of a route with no permission first (the token must be accepted there), then read-only list
GETs (``index``/``doGet*`` methods, no path parameters) of routes that need a permission, most
restrictive first (the fewest seeded roles hold it). 400 with ProcessMaker's "not have
permissions" message is ``constructor-400`` (3.0's API class constructors); 401 once the token
was accepted is ``access-control-401`` (``AccessControl``, 3.2+). If the user holds every
permission tried, nothing was refused and the field cannot be measured: it is inherited.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from mockserver import PROFILES
from mockserver.protocol import restler_routes
from mockserver.protocol.api import CONSTRUCTOR_PERMISSIONS
from mockserver.state import rbac

from .http import HttpRequest
from .http import HttpResponse

CONSTRUCTOR_MESSAGE = "not have permissions"
"""Part of ``ID_USER_NOT_HAVE_PERMISSION``: ``The user with "<uid>" not have permissions…``."""
MAX_PERMISSION_ROUTES = 4
"""At most this many permission routes are tried before the field is declared unmeasurable."""
_PARAM = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True, slots=True)
class ReleasePath:
    """A path (after ``/api/1.0/{ws}/``) and what an unauthenticated GET of it answers per
    release: ``"401"`` (a protected route) or ``"404"`` (no route)."""

    path: str
    predictions: Mapping[str, str]


def _concrete(route: restler_routes.Route) -> str:
    # "1" is a value every parameter takes: numeric for {n} segments, any text for {s}
    return _PARAM.sub("1", route.path)


def _unauthenticated(release: str, path: str) -> str:
    found = restler_routes.table(release).find("GET", path)
    if isinstance(found, restler_routes.Found):
        return "public" if found.route.access == "public" else "401"
    return str(found.status)


def _read_like(route: restler_routes.Route) -> bool:
    return route.function == "index" or route.function.startswith("doGet")


@cache
def release_paths() -> tuple[ReleasePath, ...]:
    """The probe's paths, from the tables' differences (see the module doc)."""
    releases = restler_routes.releases()
    chosen: dict[str, ReleasePath] = {}
    for a, b in itertools.permutations(releases, 2):
        if b in same_table(a):
            continue
        already = [p for p in chosen.values() if p.predictions[a] == "401" != p.predictions[b]]
        if any(p.predictions[b] == "404" for p in already):
            continue
        candidates = sorted(
            (
                r
                for r in restler_routes.diff(b, a).added  # in a, not in b
                if r.method == "GET" and r.access != "public"
            ),
            key=lambda r: ("{" in r.path, not _read_like(r), r.path),
        )
        for route in candidates:
            path = _concrete(route)
            predictions = {rel: _unauthenticated(rel, path) for rel in releases}
            told = predictions[a] == "401" and predictions[b] == "404"
            if told and set(predictions.values()) <= {"401", "404"}:
                chosen[path] = ReleasePath(path, predictions)
                break
    return tuple(chosen.values())


def powered_by_version(response: HttpResponse) -> str:
    """The Restler version an ``X-Powered-By: Luracast Restler v…`` header names (``?`` if none)."""
    value = response.header("X-Powered-By") or ""
    return value.rsplit("v", 1)[-1] if "Restler v" in value else "?"


def release_votes(observed: Mapping[str, str], powered_by: str) -> dict[str, int]:
    """How many answers each release's table agrees with: one per probed path, one for Restler's
    version."""
    votes: dict[str, int] = {}
    for release in restler_routes.releases():
        score = sum(p.predictions[release] == observed.get(p.path) for p in release_paths())
        score += restler_routes.table(release).restler_version == powered_by
        votes[release] = score
    return votes


def pick_release(votes: Mapping[str, int], token_error_status: int | None) -> str:
    """The release with the most votes; between releases tied on identical tables, the one a
    shipped profile pairs with the measured token-error status (3.4.10: 400, 3.4.11: 200), else
    the newest."""
    top = max(votes.values())
    tied = [r for r in restler_routes.releases() if votes[r] == top]
    paired = [
        r
        for r in tied
        if any(
            p.rest_release == r and p.token_error_status == token_error_status
            for p in PROFILES.values()
        )
    ]
    return (paired or tied)[-1]


def release_note(votes: Mapping[str, int], chosen: str) -> str:
    """One line: the chosen table, its agreement, and (when tied) why the tie was broken."""
    total = len(release_paths()) + 1
    note = f"route table {chosen}: {votes[chosen]} of {total} answers agree"
    twins = [r for r in same_table(chosen) if r != chosen]
    if twins:
        note += (
            f"; {', '.join(twins)} has an identical table (routes and RBAC data), "
            "so the token-error status decided"
        )
    return note


@cache
def same_table(release: str) -> tuple[str, ...]:
    """The releases whose route table is identical to ``release``'s (itself included)."""

    def identical(other: str) -> bool:
        d = restler_routes.diff(release, other)
        return not (d.added or d.removed or d.changed)

    return tuple(r for r in restler_routes.releases() if identical(r))


@dataclass(frozen=True, slots=True)
class PermissionRoute:
    """A read-only GET that needs a permission: ``permissions`` (``AccessControl``, 3.2+) and
    ``constructor`` (the permission 3.0's class constructor checks, ``""`` if none)."""

    path: str
    permissions: tuple[str, ...]
    constructor: str

    def describe(self) -> str:
        needs = [f"AccessControl {' or '.join(self.permissions)}"] if self.permissions else []
        needs += [f"constructor {self.constructor}"] if self.constructor else []
        return f"GET {self.path} ({'; '.join(needs)})"


def _constructor_permission(route: restler_routes.Route) -> str:
    return CONSTRUCTOR_PERMISSIONS.get(route.class_.lstrip("\\"), ("", 0))[0]


def _static_reads(release: str) -> list[restler_routes.Route]:
    return [
        r
        for r in restler_routes.table(release).routes
        if r.method == "GET" and r.access != "public" and "{" not in r.path and _read_like(r)
    ]


@cache
def open_route(release: str) -> str | None:
    """A read-only GET of ``release`` that needs a token and no permission (the control)."""
    for route in _static_reads(release):
        if not route.permissions and not _constructor_permission(route):
            return route.path
    return None


@cache
def permission_routes(release: str) -> tuple[PermissionRoute, ...]:
    """Read-only GETs of ``release`` that need a permission, one per distinct requirement, the
    most restrictive first (fewest of the release's seeded roles meet it), at most
    :data:`MAX_PERMISSION_ROUTES`."""
    roles = rbac.roles(release)

    def holders(p: PermissionRoute) -> int:
        def meets(role: str) -> bool:
            held = rbac.permissions_of(release, role)
            return (not p.permissions or any(x in held for x in p.permissions)) and (
                not p.constructor or p.constructor in held
            )

        return sum(meets(role) for role in roles)

    found: dict[tuple[tuple[str, ...], str], PermissionRoute] = {}
    for route in _static_reads(release):
        candidate = PermissionRoute(route.path, route.permissions, _constructor_permission(route))
        if candidate.permissions or candidate.constructor:
            found.setdefault((candidate.permissions, candidate.constructor), candidate)
    ranked = sorted(found.values(), key=lambda p: (holders(p), p.path))
    return tuple(ranked[:MAX_PERMISSION_ROUTES])


def refusal_of(response: HttpResponse) -> str | None:
    """How an answer refuses (``constructor-400``, ``access-control-401``) or ``None``.

    A 401 counts only once the same token was accepted on a route without a permission."""
    if response.status == 401:
        return "access-control-401"
    if response.status == 400 and CONSTRUCTOR_MESSAGE in response.text:
        return "constructor-400"
    return None


def get(workspace: str, path: str, token: str | None = None) -> HttpRequest:
    headers = (("Authorization", f"Bearer {token}"),) if token else ()
    return HttpRequest("GET", f"/api/1.0/{workspace}/{path}", headers)


@dataclass(frozen=True, slots=True)
class RefusalProbe:
    """What :func:`probe_refusal` found: the value (``None``: not measurable), why, and the
    requests and answers it took."""

    value: str | None
    reason: str
    exchanges: tuple[tuple[HttpRequest, HttpResponse], ...]


def probe_refusal(
    send: Callable[[HttpRequest], HttpResponse], workspace: str, token: str, release: str
) -> RefusalProbe:
    """Read-only GETs with the user's ``token`` (module doc): the refusal style, or why not."""
    exchanges: list[tuple[HttpRequest, HttpResponse]] = []

    def ask(path: str) -> HttpResponse:
        request = get(workspace, path, token)
        response = send(request)
        exchanges.append((request, response))
        return response

    control = open_route(release)
    if control is None:
        return RefusalProbe(None, f"the {release} table has no route without a permission", ())
    accepted = ask(control)
    if accepted.status == 401:
        return RefusalProbe(
            None,
            f"the token was refused (401) on GET {control}, which needs no permission",
            tuple(exchanges),
        )
    tried = []
    for route in permission_routes(release):
        refusal = refusal_of(ask(route.path))
        if refusal is not None:
            return RefusalProbe(refusal, f"refused on {route.describe()}", tuple(exchanges))
        tried.append(route.describe())
    return RefusalProbe(
        None,
        "the user holds the permission of every route tried, so nothing was refused: "
        + ", ".join(tried),
        tuple(exchanges),
    )
