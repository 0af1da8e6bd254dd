"""The HTTP control API under ``/_pm3/``: script the mock from a test suite in any language.

Off unless enabled (``--control``). Only loopback peers may use it, unless a token is configured,
in which case any peer presenting ``X-PM3-Control-Token: <token>`` may. Requests and answers are
JSON; a mistake gets a 400 naming the field, never a traceback.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from mockserver.scripting.interface import ScriptedMock
from mockserver.scripting.overrides import override_from_data
from mockserver.scripting.scenario import ScenarioError
from mockserver.scripting.scenario import apply_scenario
from mockserver.scripting.scenario import parse_instant
from mockserver.state.backend import StoreUnavailable
from mockserver.state.mock_state import DEFAULT_WORKSPACE
from mockserver.state.profiles import PROFILES
from mockserver.state.seed import SeedError
from mockserver.state.seed import seed_from_data
from mockserver.state.store import WorkspaceStore

TOKEN_HEADER = "X-PM3-Control-Token"


class ControlError(ValueError):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _json_response(data: object, status: int = 200) -> Response:
    return Response(
        json.dumps(data, indent=2) + "\n", status=status, content_type="application/json"
    )


def is_loopback(address: str | None) -> bool:
    """A loopback peer: ``127.0.0.0/8``, ``::1``, or IPv4-mapped loopback (``::ffff:127.0.0.1``)."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped.is_loopback
    return ip.is_loopback


def _has_body(request: Request) -> bool:
    """Whether the request sends a body (a length above 0, or chunks that are not empty)."""
    if request.content_length:
        return True
    if "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        return bool(request.get_data(cache=True))
    return False


def host_name(authority: str) -> str:
    """The host of a ``Host`` value or an origin's authority, without port or brackets."""
    authority = authority.strip().lower()
    if authority.startswith("["):
        return authority[1 : authority.find("]")] if "]" in authority else authority
    return authority.rsplit(":", 1)[0] if authority.count(":") == 1 else authority


def is_local_name(host: str, configured: str) -> bool:
    """``localhost``, a loopback address, or the host the server was told to bind (if specific)."""
    if host in ("localhost", "localhost.") or is_loopback(host):
        return True
    return bool(configured) and host == configured.lower() and configured not in ("0.0.0.0", "::")


class Control:
    """Serves ``/_pm3/*`` for one :class:`ScriptedMock`."""

    def __init__(self, server: ScriptedMock, *, token: str | None = None) -> None:
        self.server = server
        self.token = token
        self._routes: dict[tuple[str, str], Callable[[Request], object]] = {
            ("GET", "health"): self.health,
            ("POST", "reset"): self.reset,
            ("POST", "clock"): self.clock,
            ("POST", "overrides"): self.overrides,
            ("DELETE", "overrides"): self.clear_overrides,
            ("POST", "faults"): self.faults,
            ("GET", "journal"): self.journal,
            ("DELETE", "journal"): self.clear_journal,
            ("POST", "clients"): self.clients,
            ("POST", "users"): self.users,
            ("POST", "profile"): self.profile,
            ("POST", "expire"): self.expire,
            ("POST", "scenario"): self.scenario,
            ("GET", "check"): self.check,
        }

    def has_token(self, request: Request) -> bool:
        given = request.headers.get(TOKEN_HEADER)
        if not self.token or given is None:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def refusal(self, request: Request) -> tuple[str, int] | None:
        """Why this request may not use the control API (and the status), or ``None``.

        A web page can make a browser send simple requests to loopback, and DNS rebinding gives it
        a foreign ``Host`` that resolves to 127.0.0.1. So, unless the request carries the control
        token (a custom header no page can add without a CORS preflight, which is never granted):
        the peer must be loopback, the ``Host`` a loopback name (or the configured host), any
        ``Origin`` local too, and every write (a request with a body) must be ``application/json``.
        A body-less POST (``curl -X POST …/_pm3/reset``) carries nothing a page could forge
        once the Host and Origin checks have passed, so it needs no content type."""
        if self.has_token(request):
            return None
        if not is_loopback(request.remote_addr):
            return "the control API only answers loopback peers (or the control token)", 403
        configured = self.server.host
        raw_host = request.headers.get("Host")
        if raw_host is None:
            return "the control API needs a Host header: localhost or 127.0.0.1", 403
        host = host_name(raw_host)
        if not is_local_name(host, configured):
            return f"the control API refuses Host {host!r}: use localhost or 127.0.0.1", 403
        origin = request.headers.get("Origin")
        if origin is not None:
            authority = origin.partition("://")[2]  # "" for an origin without one ("null")
            if not is_local_name(host_name(authority), configured):
                return f"the control API refuses requests from Origin {origin!r}", 403
        is_write = request.method in ("POST", "PUT", "PATCH", "DELETE") and _has_body(request)
        if is_write and request.mimetype != "application/json":
            return "control API writes must be sent as Content-Type: application/json", 415
        return None

    def handle(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return _json_response({"error": refused[0]}, refused[1])
        name = request.path[len("/_pm3/") :].strip("/")
        route = self._routes.get((request.method, name))
        if route is None:
            known = sorted({n for _, n in self._routes})
            if any(n == name for _, n in self._routes):
                return _json_response(
                    {"error": f"method {request.method} not allowed on {name}"}, 405
                )
            return _json_response(
                {"error": f"unknown control endpoint {name!r}", "known": known}, 404
            )
        try:
            self.server.scripting.refresh()  # what other hosts on a shared store changed
            return _json_response(route(request))
        except StoreUnavailable as exc:  # the shared store is down: try again later
            return _json_response({"error": str(exc)}, 503)
        except ControlError as exc:
            return _json_response({"error": str(exc)}, exc.status)
        except (ValueError, OverflowError) as exc:  # a value the mock cannot hold; nothing changed
            return _json_response({"error": f"{name}: {exc}"}, 400)

    # --- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _body(request: Request) -> Any:
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
            json.dumps(data, ensure_ascii=False).encode("utf-8")  # no lone surrogate inside
        except (ValueError, UnicodeError) as exc:
            raise ControlError(f"body is not valid JSON: {exc}") from None
        except RecursionError:
            raise ControlError("body is not valid JSON: nested too deeply") from None
        return data

    def _store(self, name: object, endpoint: str) -> tuple[str, WorkspaceStore]:
        """An existing workspace and its store; the control API never creates one."""
        store = self.server.state.store(name) if isinstance(name, str) else None
        if store is None or not isinstance(name, str):
            known = ", ".join(sorted(self.server.state.workspaces))
            raise ControlError(f"{endpoint}.workspace: no workspace {name!r} (served: {known})")
        return name, store

    @classmethod
    def _object(cls, request: Request) -> dict[str, Any]:
        data = cls._body(request)
        if not isinstance(data, dict):
            raise ControlError("body must be a JSON object")
        return data

    # --- endpoints -----------------------------------------------------------------------------
    def health(self, request: Request) -> object:
        server = self.server
        return {
            "status": "ok",
            "profile": server.profile.name,
            "workspaces": sorted(server.state.workspaces),
            "journal": len(server.journal),
            "overrides": len(server.scripting.pending()),
            "now": server.clock.stamp(),
        }

    def reset(self, request: Request) -> object:
        self.server.reset()
        return {"status": "reset"}

    def clock(self, request: Request) -> object:
        data = self._object(request)
        clock = self.server.clock
        known = {"advance", "set", "freeze", "unfreeze"}
        unknown = set(data) - known
        if unknown or not data:
            raise ControlError(
                f"clock: use one of {sorted(known)}; got {sorted(data) or 'nothing'}"
            )
        if "advance" in data and (
            not isinstance(data["advance"], int | float) or isinstance(data["advance"], bool)
        ):
            raise ControlError("clock.advance: a number of seconds")
        if "set" in data:
            try:
                instant = parse_instant(str(data["set"]))
            except (ValueError, OverflowError):
                raise ControlError(f"clock.set: not an ISO 8601 instant: {data['set']!r}") from None
            try:
                clock.set(instant)
            except ValueError as exc:
                raise ControlError(f"clock.set: {exc}") from None
        if "advance" in data:
            try:
                clock.advance(float(data["advance"]))
            except (ValueError, OverflowError) as exc:
                raise ControlError(f"clock.advance: {exc}") from None
        if data.get("freeze"):
            clock.freeze()
        if data.get("unfreeze"):
            clock.unfreeze()
        return {"now": clock.stamp(), "frozen": clock.frozen}

    def _add_overrides(self, request: Request, key: str) -> object:
        data = self._body(request)
        items = data.get(key) if isinstance(data, dict) and key in data else data
        items = items if isinstance(items, list) else [items]
        try:
            apply_scenario(self.server, {key: items}, f"POST /_pm3/{key}")
        except ScenarioError as exc:
            raise ControlError(str(exc)) from None
        pending = self.server.scripting.pending()
        return {"added": len(items), "pending": [o.describe() for o in pending]}

    def overrides(self, request: Request) -> object:
        return self._add_overrides(request, "overrides")

    def faults(self, request: Request) -> object:
        return self._add_overrides(request, "faults")

    def clear_overrides(self, request: Request) -> object:
        self.server.scripting.clear()
        return {"pending": []}

    def journal(self, request: Request) -> object:
        limit_raw = request.args.get("limit")
        limit: int | None = None  # None: every entry
        if limit_raw is not None:
            if not (limit_raw.isascii() and limit_raw.isdigit()):
                raise ControlError("limit: a whole number")
            digits = limit_raw.lstrip("0") or "0"
            # More digits than any journal's length means every entry; int() of thousands of
            # digits would be refused by Python itself.
            limit = int(digits) if len(digits) <= 18 else None
        entries = self.server.journal.render(secrets=self.server.known_secrets())
        if limit is not None:
            entries = entries[-limit:] if limit else []
        return {"entries": entries, "dropped": self.server.journal.dropped}

    def clear_journal(self, request: Request) -> object:
        self.server.journal.clear()
        return {"entries": []}

    def clients(self, request: Request) -> object:
        data = self._object(request)
        workspace, store = self._store(data.pop("workspace", DEFAULT_WORKSPACE), "clients")
        try:
            seed = seed_from_data({"clients": [data]}, "POST /_pm3/clients")
        except SeedError as exc:
            raise ControlError(str(exc)) from None
        seed.apply(store, workspace=workspace)
        client = seed.clients[0]
        self.server.state.given_secrets.add(client.client_secret)
        return {"client_id": client.client_id, "workspace": workspace}

    def users(self, request: Request) -> object:
        data = self._object(request)
        workspace, store = self._store(data.pop("workspace", DEFAULT_WORKSPACE), "users")
        try:
            seed = seed_from_data({"users": [data]}, "POST /_pm3/users")
        except SeedError as exc:
            raise ControlError(str(exc)) from None
        seed.apply(store, workspace=workspace)
        self.server.state.given_secrets.add(seed.users[0].password)
        return {"username": seed.users[0].username, "workspace": workspace}

    def _per_host(self, what: str) -> None:
        """Refuse a change that other hosts on a shared store would not follow."""
        where = self.server.scripting.shared_by
        if where is not None:
            raise ControlError(
                f"{what} is each host's own, not shared through {where}: start every host "
                "with the same --profile (and lifetimes in its --scenario)",
                409,
            )

    def profile(self, request: Request) -> object:
        self._per_host("the profile")
        data = self._object(request)
        name = data.get("name")
        if not isinstance(name, str) or name not in PROFILES:
            raise ControlError(f"profile.name: one of {', '.join(PROFILES)}")
        self.server.set_profile(name)
        return {"profile": name}

    def expire(self, request: Request) -> object:
        data = self._object(request)
        for key in ("token", "user", "client"):
            if key in data and not isinstance(data[key], str):
                raise ControlError(f"expire.{key}: a string, not {json.dumps(data[key])}")
        workspace, _ = self._store(data.get("workspace", DEFAULT_WORKSPACE), "expire")
        if "token" in data:
            if not self.server.expire_token(data["token"], workspace=workspace):
                raise ControlError("expire.token: no such access token", 404)
            return {"expired": 1}
        try:
            count = self.server.expire_tokens(
                user=data.get("user"), client=data.get("client"), workspace=workspace
            )
        except KeyError as exc:
            raise ControlError(f"expire.user: {exc.args[0]}", 404) from None
        return {"expired": count}

    def scenario(self, request: Request) -> object:
        data = self._object(request)
        for key in ("profile", "lifetimes"):
            if key in data:
                self._per_host(f"a scenario's {key}")
        try:
            added = apply_scenario(self.server, data, "POST /_pm3/scenario")
        except ScenarioError as exc:
            raise ControlError(str(exc)) from None
        return {"applied": True, "overrides": [o.describe() for o in added]}

    def check(self, request: Request) -> object:
        """Errors recorded while serving and ordered-override misses (and clears them)."""
        try:
            self.server.check()
        except Exception as exc:
            return {"ok": False, "failure": str(exc)}
        return {"ok": True}


__all__ = ["Control", "ControlError", "override_from_data"]
