"""Where a request goes, written once: the app dispatches on it, scripting matches on it.

ProcessMaker's front controller (``sysGeneric.php``, source §1) first splits requests by the
shape of the path, before any routing table: a first segment beginning with ``api`` and at least
four segments is *API mode* (``/api/{version}/{workspace}/...``; so a workspace named ``apitest``
gets "Invalid API version." on its token URL, as in PM), a second segment ``oauth2`` is *OAuth
mode* (``/{workspace}/oauth2/...``), a path under ``/sys{workspace}/{lang}/{skin}/`` is a classic
page. Within the OAuth and classic modes one werkzeug :class:`~werkzeug.routing.Map` names the
endpoint; API mode hands its resource to the REST route table (:mod:`mockserver.protocol.api`).

Each :class:`Route` carries two names: ``endpoint``, what the app dispatches on, and ``family``,
the coarser name overrides and the journal use (``token``, ``authorize``, ``expire``, ``delete``,
``api``, ``options``, ``login``, ``applications``, ``control``, ``other``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map
from werkzeug.routing import Rule
from werkzeug.wrappers import Request

CONTROL_PREFIX = "/_pm3/"

# endpoint -> (methods it answers, scripting family)
_OAUTH: dict[str, tuple[frozenset[str], str]] = {
    "token": (frozenset({"POST"}), "token"),
    "authorize": (frozenset({"GET", "POST"}), "authorize"),
    "expire": (frozenset({"POST"}), "expire"),
    "delete": (frozenset({"DELETE"}), "delete"),
}
_CLASSIC: dict[str, tuple[frozenset[str], str]] = {
    "login": (frozenset({"GET"}), "login"),
    "authentication": (frozenset({"POST"}), "login"),
    "logout": (frozenset({"GET"}), "login"),
    "applications": (frozenset({"GET", "POST"}), "applications"),
    "client_setup": (frozenset({"POST"}), "applications"),
    "grant": (frozenset({"GET"}), "applications"),
}

# Rules carry no methods: a path names its endpoint whatever the method, and the app answers a
# method the endpoint does not take with 405 (``Route.allowed``).
RULES = Map(
    [
        Rule("/<ws>/oauth2/token", endpoint="token"),
        Rule("/<ws>/oauth2/authorize", endpoint="authorize"),
        Rule("/<ws>/oauth2/<token>/expire", endpoint="expire"),
        Rule("/<ws>/oauth2/<token>", endpoint="delete"),
        Rule("/sys<ws>/<lang>/<skin>/login/login", endpoint="login"),
        Rule("/sys<ws>/<lang>/<skin>/login/authentication.php", endpoint="authentication"),
        Rule("/sys<ws>/<lang>/<skin>/login/logout", endpoint="logout"),
        Rule("/sys<ws>/<lang>/<skin>/oauth2/applications", endpoint="applications"),
        Rule("/sys<ws>/<lang>/<skin>/oauth2/clientSetupAjax", endpoint="client_setup"),
        Rule("/sys<ws>/<lang>/<skin>/oauth2/grant", endpoint="grant"),
    ],
    strict_slashes=False,
    merge_slashes=False,
)
_ADAPTER = RULES.bind("pm3.invalid")
_ENDPOINTS = {**_OAUTH, **_CLASSIC}


@dataclass(frozen=True, slots=True)
class Route:
    """Where one request goes.

    :param mode: ``api``, ``oauth``, ``classic``, ``control`` or ``none`` (no mode: a 404).
    :param endpoint: what the app dispatches on; ``not_found`` when the mode has no such path.
    :param family: what scripting matches on.
    :param resource: API mode: the path under the workspace; ``expire``/``delete``: the token;
        classic pages: the path from ``login/`` or ``oauth2/``; control: the path under it.
    :param args: the rule's other parts (``lang``, ``skin``), and ``version`` in API mode.
    """

    mode: str
    endpoint: str
    family: str
    workspace: str = ""
    resource: str = ""
    args: dict[str, str] = field(default_factory=dict)
    methods: frozenset[str] | None = None

    def allowed(self, method: str) -> bool:
        """Whether the endpoint answers ``method`` (HEAD wherever GET, as PHP does)."""
        if self.methods is None or method in self.methods:
            return True
        return method == "HEAD" and "GET" in self.methods


ROUTE_KEY = "pm3.route"


def route_of(request: Request) -> Route:
    """The route of ``request``, worked out once: scripting describes the request with it, then
    the app dispatches on the same one (kept in the WSGI environ)."""
    where = request.environ.get(ROUTE_KEY)
    if not isinstance(where, Route):
        where = route(request.path, request.method)
        request.environ[ROUTE_KEY] = where
    return where


def route(path: str, method: str) -> Route:
    """The route of a request; never raises."""
    options = method == "OPTIONS"
    if path.startswith(CONTROL_PREFIX):
        return Route("control", "control", "control", resource=path[len(CONTROL_PREFIX) :])
    parts = path.split("/")
    if path == "/api/oauth2/token":  # OAuth mode for a workspace named "api"
        return _oauth_route("token", "api", "", method)
    if path[1:4] == "api" and len(parts) >= 4:
        resource = "/".join(parts[4:])
        token = resource in ("oauth2/token", "token")
        family = "options" if options else ("token" if token else "api")
        endpoint = "api_token" if token and method == "POST" else "api"
        return Route("api", endpoint, family, parts[3], resource, {"version": parts[2]})
    if len(parts) >= 3 and parts[2] == "oauth2":
        if len(parts) == 4 and parts[3] == "token":  # the hot path, without the map
            return _oauth_route("token", parts[1], "", method)
        endpoint, args = _match(path)
        if endpoint in _OAUTH:
            return _oauth_route(endpoint, args.pop("ws"), args.pop("token", ""), method)
        return Route("oauth", "not_found", "options" if options else "other", parts[1])
    if path.startswith("/sys"):
        endpoint, args = _match(path)
        family = parts[4] if len(parts) >= 5 and parts[4] in ("login", "oauth2") else ""
        family = {"login": "login", "oauth2": "applications"}.get(family, "")
        workspace = parts[1][3:] if family else ""
        resource = "/".join(parts[4:]) if family else ""
        if endpoint in _CLASSIC:
            methods, family = _CLASSIC[endpoint]
            workspace = args.pop("ws")
            return Route("classic", endpoint, family, workspace, resource, args, methods)
        return Route(
            "classic",
            "not_found",
            family or ("options" if options else "other"),
            workspace,
            resource,
        )
    return Route("none", "not_found", "options" if options else "other")


def _oauth_route(endpoint: str, workspace: str, token: str, method: str) -> Route:
    methods, family = _OAUTH[endpoint]
    if method == "OPTIONS":
        family = "options"
    elif endpoint == "delete" and method != "DELETE":
        family = "other"  # /{ws}/oauth2/{x} is only the delete endpoint for DELETE
    return Route("oauth", endpoint, family, workspace, token, methods=methods)


def _match(path: str) -> tuple[str, dict[str, str]]:
    try:
        endpoint, args = _ADAPTER.match(path, method="GET")
    except HTTPException:
        return "not_found", {}
    return str(endpoint), {k: str(v) for k, v in args.items()}


def endpoints() -> dict[str, tuple[frozenset[str], str]]:
    """Every OAuth and classic endpoint: the methods it answers and its scripting family."""
    return dict(_ENDPOINTS)
