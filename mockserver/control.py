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
from typing import TYPE_CHECKING
from typing import Any

from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from .profiles import PROFILES
from .scenario import ScenarioError
from .scenario import apply_scenario
from .scenario import parse_instant
from .scripting import override_from_data
from .seed import SeedError
from .seed import seed_from_data

if TYPE_CHECKING:
    from .server import MockServer

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
    if not address:
        return False
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


class Control:
    """Serves ``/_pm3/*`` for one :class:`MockServer`."""

    def __init__(self, server: MockServer, *, token: str | None = None) -> None:
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

    def allowed(self, request: Request) -> bool:
        if is_loopback(request.remote_addr):
            return True
        given = request.headers.get(TOKEN_HEADER, "")
        return bool(self.token) and hmac.compare_digest(given.encode(), (self.token or "").encode())

    def handle(self, request: Request) -> Response:
        if not self.allowed(request):
            return _json_response({"error": "the control API only answers loopback peers"}, 403)
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
            return _json_response(route(request))
        except ControlError as exc:
            return _json_response({"error": str(exc)}, exc.status)

    # --- helpers -------------------------------------------------------------------------------
    @staticmethod
    def _body(request: Request) -> Any:
        raw = request.get_data()
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ControlError(f"body is not valid JSON: {exc}") from None

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
        if "set" in data:
            try:
                clock.set(parse_instant(str(data["set"])))
            except ValueError:
                raise ControlError(f"clock.set: not an ISO 8601 instant: {data['set']!r}") from None
        if "advance" in data:
            if not isinstance(data["advance"], int | float) or isinstance(data["advance"], bool):
                raise ControlError("clock.advance: a number of seconds")
            clock.advance(float(data["advance"]))
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
        entries = self.server.journal.render(secrets=self.server.known_secrets())
        if limit_raw is not None:
            if not limit_raw.isdigit():
                raise ControlError("limit: a whole number")
            entries = entries[-int(limit_raw) :] if int(limit_raw) else []
        return {"entries": entries, "dropped": self.server.journal.dropped}

    def clear_journal(self, request: Request) -> object:
        self.server.journal.clear()
        return {"entries": []}

    def clients(self, request: Request) -> object:
        data = self._object(request)
        workspace = str(data.pop("workspace", "workflow"))
        try:
            seed = seed_from_data({"clients": [data]}, "POST /_pm3/clients")
        except SeedError as exc:
            raise ControlError(str(exc)) from None
        seed.apply(self.server.workspace(workspace))
        client = seed.clients[0]
        return {"client_id": client.client_id, "workspace": workspace}

    def users(self, request: Request) -> object:
        data = self._object(request)
        workspace = str(data.pop("workspace", "workflow"))
        try:
            seed = seed_from_data({"users": [data]}, "POST /_pm3/users")
        except SeedError as exc:
            raise ControlError(str(exc)) from None
        seed.apply(self.server.workspace(workspace))
        return {"username": seed.users[0].username, "workspace": workspace}

    def profile(self, request: Request) -> object:
        data = self._object(request)
        name = data.get("name")
        if name not in PROFILES:
            raise ControlError(f"profile.name: one of {', '.join(PROFILES)}")
        self.server.set_profile(str(name))
        return {"profile": name}

    def expire(self, request: Request) -> object:
        data = self._object(request)
        workspace = str(data.get("workspace", "workflow"))
        if "token" in data:
            if not self.server.expire_token(str(data["token"]), workspace=workspace):
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


def enable_control(server: MockServer, token: str | None = None) -> Control:
    control = Control(server, token=token)
    server.app.control = control
    return control


__all__ = ["Control", "ControlError", "enable_control", "override_from_data"]
