"""The WSGI application: ProcessMaker's front controller, then one endpoint function per route.

Dispatch mirrors ``WebApplication::route`` (source fact §1): a path whose characters 1-3 are
``api`` with at least four parts is API mode (``/api/{version}/{workspace}/...``; so a workspace
named ``apitest`` gets "Invalid API version." on its token URL, as in PM); a second segment
``oauth2`` is OAuth mode; anything else is the classic UI (``/sys{workspace}/{lang}/{skin}/...``).
Nothing a client sends ends in silence: an exception in the real handler or in building a scripted
answer is recorded for :meth:`MockApp.check` and answered with a Restler 500; one in describing
the request or choosing an override is recorded and answered by the real handler; one in the
journal is recorded and the answer goes out. What fails later (the answer's own WSGI call, a
fault's delivery) reaches the engine, which sends a 500 while no byte is out and reports it here
(:meth:`MockApp.record_error`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from mockserver.protocol import api
from mockserver.protocol import applications
from mockserver.protocol import authorize
from mockserver.protocol import designer
from mockserver.protocol import pages
from mockserver.protocol import render
from mockserver.protocol.context import RequestContext
from mockserver.protocol.environ import CLOSE_CONNECTION
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.errors import RestlerError
from mockserver.protocol.grants import GrantContext
from mockserver.protocol.grants import TokenRequest
from mockserver.protocol.params import ClientGone
from mockserver.protocol.params import read_body
from mockserver.protocol.params import read_form_body
from mockserver.protocol.render import Reply
from mockserver.protocol.routing import Route
from mockserver.protocol.routing import route_of
from mockserver.protocol.token import basic_credentials
from mockserver.protocol.token import grant_access_token
from mockserver.scripting.faults import answer
from mockserver.scripting.faults import deliver_fault
from mockserver.scripting.journal import Exchange
from mockserver.scripting.journal import Journal
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import describe_request
from mockserver.scripting.matching import query_dict
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import Scripting
from mockserver.state.backend import StoreUnavailable
from mockserver.state.backend import StoreUnsupported
from mockserver.state.mock_state import MockState

CONTROL_PREFIX = "/_pm3/"
CONTROL_OFF = (
    "the mock's control API (/_pm3/) is off; start it with pm3-mockserver --control "
    "(or MockServer(control=True))"
)
if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

    from mockserver.scripting.control import Control

Handler = Callable[[Request], Reply]


class MockApp:
    """The mock ProcessMaker 3 server as a WSGI callable.

    :param state: the state it serves (profile, clock, workspaces).
    """

    def __init__(
        self,
        state: MockState,
        *,
        journal: Journal | None = None,
        scripting: Scripting | None = None,
        control: Control | None = None,
    ) -> None:
        self.state = state
        self.journal = journal if journal is not None else Journal()
        self.scripting = scripting if scripting is not None else Scripting()
        self.control = control
        self._errors: list[BaseException] = []
        self._errors_lock = threading.Lock()

    # --- WSGI ----------------------------------------------------------------------------------
    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        request = Request(environ)
        request.max_content_length = self.state.max_body
        request.max_form_memory_size = self.state.max_body  # one limit, the one the 413 names
        if request.path.startswith(CONTROL_PREFIX) and self.control is not None:
            return self.control.handle(request)(environ, start_response)
        unavailable: StoreUnavailable | None = None
        try:
            info = describe_request(request)
            override = self.scripting.select(info)
        except StoreUnavailable as exc:  # shared scripting unreadable: the store's 503
            override, unavailable = None, exc
        except Exception as exc:  # a defect of the mock: answer, record, never crash
            self.record_error(exc)
            return self.handle(request)(environ, start_response)
        if unavailable is not None:
            response: render.Reply | None = render.restler_error(
                RestlerError(503, str(unavailable)), self.state.profile
            )
            fault = ""
        else:
            try:
                response, fault = answer(self.handle, self.state.profile, request, info, override)
            except Exception as exc:  # a scripted answer that cannot be built: a 500, for check()
                self.record_error(exc)
                response, fault = render.restler_error(RestlerError(500), self.state.profile), ""
        try:
            self._journal(info, response, fault, override, started)
        except Exception as exc:  # a defect of the journal must not cost the client its answer
            self.record_error(exc)
        if isinstance(response, Response):
            response.status = render.status_line(response.status_code)  # Apache's, not werkzeug's
        if fault:
            return deliver_fault(environ, start_response, response, fault)
        assert response is not None
        return response(environ, start_response)

    def _journal(
        self,
        info: RequestInfo,
        response: render.Reply | None,
        fault: str,
        override: Override | None,
        started: float,
    ) -> None:
        self.journal.record(
            Exchange(
                seq=self.journal.next_seq(),
                at=self.state.clock.now(),
                request=info,
                status=response.status_code if response is not None else 0,
                response_headers=render.header_items(response) if response is not None else (),
                response_body=response.get_data() if response is not None else b"",
                duration_ms=(time.perf_counter() - started) * 1000,
                scripted=override.describe() if override is not None else "",
                extra={"fault": fault} if fault else {},
            )
        )

    def record_error(self, exc: BaseException) -> None:
        """Keep an exception for :meth:`check` (the engine reports its own failures here too)."""
        with self._errors_lock:
            self._errors.append(exc)

    def handle(self, request: Request) -> Reply:
        """Answer one request; never raises."""
        try:
            return self.dispatch(request)
        except ClientGone:
            # Nothing was processed; the answer goes nowhere, but it must not be a 500.
            return render.restler_error(
                RestlerError(400, "The request body is incomplete."), self.state.profile
            )
        except RequestEntityTooLarge:
            request.environ[CLOSE_CONNECTION] = True
            return render.restler_error(
                RestlerError(
                    413,
                    f"The request body is over the mock's limit of {self.state.max_body} bytes.",
                ),
                self.state.profile,
            )
        except StoreUnavailable as exc:
            # The shared database server is down or restarting: a temporary refusal, and the
            # next request reconnects. Not the mock's defect, not recorded as one.
            return render.restler_error(RestlerError(503, str(exc)), self.state.profile)
        except StoreUnsupported as exc:
            return render.restler_error(RestlerError(501, str(exc)), self.state.profile)
        except Exception as exc:  # a defect of the mock, never a client mistake
            self.record_error(exc)
            return render.restler_error(RestlerError(500), self.state.profile)

    def check(self) -> None:
        """Re-raise the first exception raised while serving, then any ordered-override miss."""
        with self._errors_lock:
            errors, self._errors = self._errors, []
        if errors:
            raise errors[0]
        failures = self.scripting.take_failures()
        if failures:
            raise AssertionError("\n".join(failures))

    # --- routing -------------------------------------------------------------------------------
    def dispatch(self, request: Request) -> Reply:
        profile = self.state.profile
        if request.content_length is not None and request.content_length > self.state.max_body:
            raise RequestEntityTooLarge()
        where = route_of(request)
        if where.mode == "api":
            return self._api_mode(request, where)
        if where.mode == "oauth":
            ctx = self._context(request, where.workspace)
            if isinstance(ctx, Response):
                return ctx
            if request.method == "OPTIONS":
                return render.empty(200, list(render.OPTIONS_HEADERS))
            return self._oauth_mode(ctx, where)
        if where.mode == "classic":
            return self._classic(request, where)
        if where.mode == "control":  # the control API is off (it answers before dispatch)
            return render.restler_error(RestlerError(404, CONTROL_OFF), profile, cors=False)
        return render.restler_error(RestlerError(404), profile, cors=False)

    def _context(self, request: Request, workspace: str) -> RequestContext | Response:
        store = self.state.store(workspace)
        if store is None:
            return render.unknown_workspace(self.state.profile)
        return RequestContext(request, self.state, workspace, store)

    def _api_mode(self, request: Request, where: Route) -> Reply:
        profile = self.state.profile
        if where.args["version"] != "1.0":
            return render.restler_error(RestlerError(400, RestlerError.BAD_API_VERSION), profile)
        ctx = self._context(request, where.workspace)
        if isinstance(ctx, Response):
            return ctx
        if request.method == "OPTIONS":
            return render.empty(200, list(render.OPTIONS_HEADERS))
        if where.endpoint == "api_token":
            # Restler's auth class is also an API class: the token endpoint answers here too (§1.4).
            return self.token(ctx)
        return api.dispatch(ctx, where.resource, self._oauth_methods)

    @property
    def _oauth_methods(self) -> dict[str, api.PublicHandler]:
        """The OAuth server's methods, by PHP name, as Restler also mounts them under
        ``/api/1.0/{ws}/oauth2/`` (``WebApplication::initRest``; source fact §13)."""
        return {
            "postToken": lambda ctx, _args: self.token(ctx),
            "authorize": lambda ctx, _args: authorize.authorize_get(ctx),
            "postAuthorize": lambda ctx, _args: authorize.authorize_post(ctx),
            "doPostExpireToken": lambda ctx, args: self.expire_token(ctx, args.get("token", "")),
            "doDeleteToken": lambda ctx, args: self.delete_token(ctx, args.get("token", "")),
            "index": lambda ctx, _args: self.oauth2_index(ctx),
        }

    def oauth2_index(self, ctx: RequestContext) -> Reply:
        """``Server::index``: it prints its HTML page, then returns null, which Restler sends as
        an empty body (``Defaults::$emptyBodyForNullResponse``) with its JSON headers: the page
        goes out as ``application/json``."""
        request = ctx.request
        port = request.host.rpartition(":")[2] if ":" in request.host else ""
        host = f"{request.scheme}://{request.host}" if port != "80" else request.host_url
        text = pages.oauth2_index_page(host=host.rstrip("/"), workspace=ctx.workspace)
        return render.Answer(
            text, 200, [*render.restler_headers(ctx.profile), render.CORS_ALLOW_ORIGIN]
        )

    def _oauth_mode(self, ctx: RequestContext, where: Route) -> Reply:
        """``/{ws}/oauth2/...``: ``WebApplication::run`` (SERVICE_OAUTH2) hands the path after the
        workspace to the same Restler dispatch as the API, so the route table decides (the token
        endpoint's POST, the hot path, goes straight to the same method)."""
        if where.endpoint == "token" and ctx.request.method == "POST":
            return self.token(ctx)
        return api.dispatch(ctx, "", self._oauth_methods, skip=1)

    def _classic(self, request: Request, where: Route) -> Reply:
        if where.endpoint == "not_found":
            return render.html("<h1>404</h1>", status=404)
        if not where.allowed(request.method):
            return render.html("<h1>405</h1>", status=405)
        lang, skin = where.args["lang"], where.args["skin"]
        if self.state.store(where.workspace) is None:
            # sysGeneric.php (l.600-603 at 3.4.11, the same in 3.0): no sites/<ws>/db.php → the
            # temporary message ID_NOT_WORKSPACE and a 302 to the global login, every version.
            return Response(
                "", status=302, headers=[("Location", f"/sys/{lang}/{skin}/main/sysLogin?errno=2")]
            )
        ctx = self._context(request, where.workspace)
        if isinstance(ctx, Response):
            return ctx
        endpoint = where.endpoint
        if endpoint == "login":
            return authorize.login_form(ctx, lang, skin)
        if endpoint == "authentication":
            return authorize.login_submit(ctx, lang, skin)
        if endpoint == "logout":
            return authorize.logout(ctx, lang, skin)
        if endpoint == "applications":
            return applications.applications(ctx, lang, skin)
        if endpoint == "grant":
            # sysGeneric.php: a page outside its no-login list needs the session first.
            if ctx.session_user() is None:
                return applications.classic_login_redirect(ctx, lang, skin)
            return designer.grant_page(ctx)
        return applications.client_setup_ajax(ctx)

    # --- OAuth endpoints -----------------------------------------------------------------------
    def token(self, ctx: RequestContext) -> Reply:
        """``POST /{ws}/oauth2/token``."""
        profile = self.state.profile
        try:
            # a server that reads no JSON bodies answers one, malformed or not, as an empty form
            reader = read_body if profile.accept_json_token_request else read_form_body
            body = reader(ctx.request)
        except RestlerError as err:
            return render.restler_error(err, profile)
        basic = basic_credentials(ctx.request.headers.get("Authorization"), profile.basic_split)
        request = TokenRequest(body, query_dict(ctx.request), basic)
        grant_ctx = GrantContext(ctx.store, profile, self.state.clock, self.state.new_token)
        try:
            issued = grant_access_token(request, grant_ctx)
        except OAuthError as err:
            return render.token_error(err, profile, basic_used=basic is not None)
        return render.token_success(issued.body(scope_when_none=profile.scope_when_none), profile)

    def expire_token(self, ctx: RequestContext, token: str) -> Reply:
        """``POST /{ws}/oauth2/{token}/expire``: EXPIRES = now - 1 min; unauthenticated (§9)."""
        if not ctx.store.set_access_token_expiry(token, self.state.clock.stamp(-60)):
            return render.restler_error(
                RestlerError(400, RestlerError.missing_token_row(token)), ctx.profile
            )
        return render.empty(
            200, [*render.restler_headers(ctx.profile)[1:], render.CORS_ALLOW_ORIGIN]
        )

    def delete_token(self, ctx: RequestContext, token: str) -> Reply:
        """``DELETE /{ws}/oauth2/{token}``: deletes the access-token row; unauthenticated (§9)."""
        if not ctx.store.delete_access_token(token):
            return render.restler_error(
                RestlerError(400, RestlerError.missing_token_row(token)), ctx.profile
            )
        return render.empty(
            200, [*render.restler_headers(ctx.profile)[1:], render.CORS_ALLOW_ORIGIN]
        )
