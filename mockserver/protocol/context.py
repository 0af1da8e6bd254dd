"""What an endpoint function receives: the request, the workspace's store and the running state."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from werkzeug.wrappers import Request
from werkzeug.wrappers import Response

from mockserver.state import rbac
from mockserver.state.mock_state import MockState
from mockserver.state.profiles import Profile
from mockserver.state.store import UserRow
from mockserver.state.store import WorkspaceStore

SESSION_COOKIE = "PHPSESSID"
_SESSION_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(slots=True)
class RequestContext:
    request: Request
    state: MockState
    workspace: str
    store: WorkspaceStore

    @property
    def profile(self) -> Profile:
        return self.state.profile

    def user_can(self, user: UserRow, permission: str) -> bool:
        """``RBAC::userCanAccess``: the user's role grants ``permission`` in the profile's release
        (:mod:`mockserver.state.rbac`), or the user was given it explicitly (a seed's
        ``permissions``)."""
        if permission in rbac.permissions_of(self.profile.rest_release, user.role):
            return True
        return self.store.user_has_permission(user.uid, permission)

    def session_user(self) -> UserRow | None:
        """The user logged in through the PHP session cookie, if the session is alive."""
        sid = self.request.cookies.get(SESSION_COOKIE)
        if not sid:
            return None
        clock = self.state.clock
        uid = self.store.session_user(
            sid, clock.stamp(), clock.stamp(self.profile.login_session_lifetime)
        )
        return self.store.get_user(uid) if uid else None

    def new_session_id(self, response: Response) -> str:
        """``session_start()`` with no session, or ``session_regenerate_id()``: a fresh PHP
        session id, sent as the ``PHPSESSID`` cookie; nobody is logged in under it."""
        sid = "".join(secrets.choice(_SESSION_ALPHABET) for _ in range(26))
        response.set_cookie(SESSION_COOKIE, sid, path="/", httponly=True, samesite="Lax")
        return sid

    def start_session(self, response: Response, user: UserRow) -> str:
        sid = "".join(secrets.choice(_SESSION_ALPHABET) for _ in range(26))
        clock = self.state.clock
        self.store.create_session(sid, user.uid, clock.stamp(self.profile.login_session_lifetime))
        response.set_cookie(SESSION_COOKIE, sid, path="/", httponly=True, samesite="Lax")
        return sid
