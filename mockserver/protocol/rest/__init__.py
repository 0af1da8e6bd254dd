"""The REST resources ProcessMaker's API classes answer, behind Restler's front door.

:mod:`mockserver.protocol.api` is the front door: it finds the route in the release's route table,
authenticates the bearer token, checks the route's permission, validates the parameters, and only
then calls the handler registered here for the route's PHP method. A route with no handler is
answered 501 by the front door, naming the route (never a 404, never a made-up 200).

A handler is registered under ``<class>::<method>``: the API class relative to
``ProcessMaker\\Services\\Api\\`` (``User``, ``Cases``, ``Cases\\Variable``, ``Light``) and the PHP
method's name (``index``, ``doGetUser``), as the route table names them. It receives a
:class:`RestCall` and returns a reply (``render.rest_json``) or raises
:class:`~mockserver.protocol.errors.RestlerError` for ProcessMaker's business errors (Restler
renders them ``{"error": {"code": 400, "message": "Bad Request: <text>"}}``). Handlers keep no
state: what they create, change or read lives in the workspace's store (``mockserver/state/``).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field

from mockserver.protocol.context import RequestContext
from mockserver.protocol.render import Reply
from mockserver.state.profiles import Profile
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow
from mockserver.state.store import WorkspaceStore

API_NAMESPACE = "ProcessMaker\\Services\\Api\\"


@dataclass(frozen=True, slots=True)
class RestCall:
    """One authenticated, permitted and validated call of an API method.

    :param ctx: the request context (request, state, workspace, store).
    :param token: the access token's row.
    :param user: the token's user; ``None`` for a token without one (client_credentials).
    :param method: the HTTP method.
    :param path: the route's path in Restler's words (``user/{usr_uid}``).
    :param key: the handler key, ``<class>::<method>``.
    :param args: the method's parameters by name, validated and converted as Restler does (path
        parts, query parameters, body fields); a parameter not sent is absent.
    :param body: the decoded request body (``$request_data``): a JSON object, array or scalar, or
        the form fields; ``None`` without a body.
    """

    ctx: RequestContext
    token: TokenRow
    user: UserRow | None
    method: str
    path: str
    key: str
    args: Mapping[str, object] = field(default_factory=dict)
    body: object = None

    @property
    def profile(self) -> Profile:
        return self.ctx.profile

    @property
    def store(self) -> WorkspaceStore:
        return self.ctx.store

    @property
    def now(self) -> str:
        """The mock clock as ``Y-m-d H:i:s``."""
        return self.ctx.state.clock.stamp()


Handler = Callable[[RestCall], Reply]
HANDLERS: dict[str, Handler] = {}


def handles(*keys: str) -> Callable[[Handler], Handler]:
    """Register a handler for one or more ``<class>::<method>`` keys."""

    def register(func: Handler) -> Handler:
        for key in keys:
            if key in HANDLERS:
                raise ValueError(f"two handlers for {key}")
            HANDLERS[key] = func
        return func

    return register


def handler_key(php_class: str, function: str) -> str:
    """``ProcessMaker\\Services\\Api\\Cases\\Variable`` + ``doGetVariables`` →
    ``Cases\\Variable::doGetVariables``."""
    short = php_class.lstrip("\\")
    if short.startswith(API_NAMESPACE):
        short = short[len(API_NAMESPACE) :]
    return f"{short}::{function}"


# The resource modules register their handlers on import; importing them here (after `handles`
# exists) makes every handler known wherever the seam is imported.
from mockserver.protocol.rest import cases as cases  # noqa: E402
