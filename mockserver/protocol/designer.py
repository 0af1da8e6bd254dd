"""What ProcessMaker does for its own web client ``x-pm-local-client``.

Two things, from the 3.x source (RC = RunningCases/processmaker):

- **The designer's token.** The pages a user lands on after login embed API credentials for the
  web client (``controllers/designer.php`` ``Designer::getCredentials``, also called by
  ``processes/mainInit.php``): PM authorizes ``x-pm-local-client`` for the session user
  (``Server::postAuthorize`` with the user id, scope ``view_processes edit_processes *``),
  exchanges the code with the client's own credentials, and ``Server::postToken`` links the
  tokens to the PHP session in ``PMOAUTH_USER_ACCESS_TOKENS`` (ACCESS_TOKEN, REFRESH_TOKEN,
  USER_ID, SESSION_ID, SESSION_NAME). The documentation says the same from the outside
  ('Existing Access Token Inside ProcessMaker': "The current user in ProcessMaker automatically
  creates a new access token when logging in"). The mock has no landing page, so its login does
  it: after a classic login, the documentation's trigger query finds the user's token.
- **The grant page** ``/sys{ws}/{lang}/{skin}/oauth2/grant`` (``methods/oauth2/grant.php``), the
  callback PM registers for its built-in clients: a logged-in page that prints its query string
  (``G::pr($_GET)``), stops there if it carries ``error``, else exchanges ``code`` at the token
  endpoint with Basic ``x-pm-local-client`` credentials and prints the decoded answer. PM prints
  the values raw (``print_r`` in ``<pre>``); the mock escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.protocol import pages
from mockserver.protocol import render
from mockserver.protocol.context import SESSION_COOKIE
from mockserver.protocol.context import RequestContext
from mockserver.protocol.errors import OAuthError
from mockserver.protocol.grants import GrantContext
from mockserver.protocol.grants import TokenRequest
from mockserver.protocol.params import BodyParams
from mockserver.protocol.render import Reply
from mockserver.protocol.token import IssuedTokens
from mockserver.protocol.token import grant_access_token
from mockserver.state.seed import LOCAL_CLIENT_ID
from mockserver.state.store import ClientRow
from mockserver.state.store import TokenRow
from mockserver.state.store import UserRow

DESIGNER_SCOPE = "view_processes edit_processes *"
"""``implode(' ', $oauthServer->getScope())``: every key of ``Server``'s scope list."""


def _exchange(ctx: RequestContext, client: ClientRow, code: str) -> IssuedTokens:
    """The authorization-code exchange PM makes with the client's own Basic credentials.

    :raises OAuthError: as the token endpoint would answer it."""
    request = TokenRequest(
        BodyParams({"grant_type": "authorization_code", "code": code}, "multipart"),
        {},
        basic=(client.client_id, client.client_secret),
    )
    state = ctx.state
    return grant_access_token(
        request, GrantContext(ctx.store, ctx.profile, state.clock, state.new_token)
    )


def designer_credentials(
    ctx: RequestContext, user: UserRow, session_id: str
) -> IssuedTokens | None:
    """Issue the web client's tokens for ``user`` and link them to the session, as PM does.

    ``None`` when the workspace has no ``x-pm-local-client`` (a seed that replaced it) or the
    exchange fails under the active profile."""
    client = ctx.store.get_client(LOCAL_CLIENT_ID)
    if client is None:
        return None
    code = ctx.state.new_token()
    ctx.store.insert_code(
        TokenRow(
            code,
            client.client_id,
            user.uid,
            ctx.state.clock.stamp(ctx.profile.auth_code_lifetime),
            DESIGNER_SCOPE,
            redirect_uri=None,  # none supplied: the registered callback is used, not stored
        )
    )
    try:
        issued = _exchange(ctx, client, code)
    except OAuthError:
        return None
    if issued.refresh_token is not None:
        ctx.store.link_user_access_token(
            issued.access_token, issued.refresh_token, issued.user_id, session_id, SESSION_COOKIE
        )
    return issued


def print_r(values: Iterable[tuple[str, object]]) -> str:
    """PHP's ``print_r`` of a flat array: ``Array``, then ``[key] => value`` lines in brackets."""
    lines = ["Array", "("]
    for key, value in values:
        shown = "" if value is None else str(value)
        lines.append(f"    [{key}] => {shown}")
    lines += [")", ""]
    return "\n".join(lines) + "\n"


def grant_page(ctx: RequestContext) -> Reply:
    """``GET /sys{ws}/{lang}/{skin}/oauth2/grant`` with a session (the front controller sends a
    browser without one to the login page first): show the query; exchange its code."""
    query = list(ctx.request.args.items(multi=False))
    blocks = [print_r(query)]
    if ctx.request.args.get("error"):
        blocks.append(print_r(query))  # grant.php prints $_GET again, then dies
        return render.html(pages.grant_page(blocks))
    code = ctx.request.args.get("code") or "NN"  # grant.php sends 'NN' when there is none
    client = ctx.store.get_client(LOCAL_CLIENT_ID)
    answer: list[tuple[str, object]] = []
    if client is not None:
        try:
            issued = _exchange(ctx, client, code)
            answer = list(issued.body(scope_when_none=ctx.profile.scope_when_none).items())
        except OAuthError as err:
            answer = list(err.body().items())
    blocks.append(print_r(answer))
    return render.html(pages.grant_page(blocks))
