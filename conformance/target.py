"""Targets: the embedded mock in process, the mock over loopback HTTP, or a live install.

Mock targets give every check a fresh server (isolation, so checks can run in parallel and
advance the clock freely) and offer *control* (clock, token expiry). A live target is shared,
read-only by default, paced, and given no control.
"""

from __future__ import annotations

import base64
import os
import stat
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mockserver import MockServer
from mockserver import Profile
from mockserver import get_profile
from schemas.documents import DocumentError
from schemas.documents import read_document

from .failures import HarnessError
from .http import ANSWER_DEADLINE
from .http import MAX_ANSWER_BYTES
from .http import HttpTransport
from .http import Transport
from .http import WsgiTransport

DOC_CREDENTIALS = {
    "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
    "client_secret": "28060566356f0b9db4f0429090515303",
    "username": "johndoe",
    "password": "p4ssw0rd",
}
BUILTIN_CLIENTS = (
    ("x-pm-local-client", "179ad45c6ce2cb97cf1029e212046e81"),
    ("x-pm-mobile-client", "4426746995afa07e7485df1055471800"),
)
"""The OAuth clients ProcessMaker ships with fixed credentials (source facts §6): the designer's
in every 3.x, the mobile app's from 3.3. A live run's second client, where a check needs one."""
ENV_NAMES = {
    "client_id": "PM3_CLIENT_ID",
    "client_secret": "PM3_CLIENT_SECRET",
    "username": "PM3_USERNAME",
    "password": "PM3_PASSWORD",
}
OPERATOR_FIELDS = {
    "operator_username": "PM3_OPERATOR_USERNAME",
    "operator_password": "PM3_OPERATOR_PASSWORD",
}
"""An optional second user, one *without* the permission ``GET users`` needs (a
``PROCESSMAKER_OPERATOR``): ``PM3-RESTDOOR-002`` logs in as it on a live install, and is skipped
without it. Both or neither."""
REDIRECT_URI_ENV = "PM3_REDIRECT_URI"
"""Optional: the client's registered callback (like the credentials file's ``redirect_uri``)."""


class CredentialsWarning(UserWarning):
    """A credentials file other users can read."""


@dataclass(frozen=True, slots=True)
class Credentials:
    client_id: str
    client_secret: str
    username: str
    password: str
    origin: str = "documentation example"
    operator_username: str = ""
    operator_password: str = ""
    """The optional second user (:data:`OPERATOR_FIELDS`); empty when none was given."""
    redirect_uri: str | None = None
    """The client's registered callback (its application's "Callback URL"), when known: the
    credentials file's optional ``redirect_uri``, ``PM3_REDIRECT_URI`` or ``--redirect-uri``.
    Checks that compare a redirect with it skip on a live target when it is not known."""

    @property
    def documented(self) -> bool:
        """These are the documentation's example credentials (none were given)."""
        return self.origin == "documentation example"

    def secrets(self) -> tuple[str, ...]:
        """What must never show: the client secret, the passwords, and the Basic header the
        suite builds from them (base64 of ``client_id:client_secret``, padded and not)."""
        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        found = (self.client_secret, self.password, basic, basic.rstrip("="))
        return (*found, self.operator_password) if self.operator_password else found

    @property
    def operator(self) -> tuple[str, str] | None:
        """The second user's username and password, if given."""
        if self.operator_username and self.operator_password:
            return self.operator_username, self.operator_password
        return None

    def password_form(self, scope: str = "*") -> dict[str, str]:
        """The documentation's password grant with these credentials (pmRestLogin's fields)."""
        return {
            "grant_type": "password",
            "scope": scope,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "username": self.username,
            "password": self.password,
        }


def load_credentials(path: Path | None = None, env: dict[str, str] | None = None) -> Credentials:
    """Credentials from ``--credentials FILE`` (the doc's ``oauthCredentials.json``), else the
    ``PM3_*`` environment variables, else the documentation's example (which the mock seeds).

    :raises HarnessError: unreadable or malformed file, or partial environment.
    """
    environ = os.environ if env is None else env
    # The callback from PM3_REDIRECT_URI, whichever gives the credentials (a file's own
    # redirect_uri wins over it; --redirect-uri, applied by the CLI, over both).
    env_redirect = environ.get(REDIRECT_URI_ENV) or None
    if env_redirect is not None:
        env_redirect = check_redirect_uri(env_redirect, REDIRECT_URI_ENV)
    if path is not None:
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise HarnessError(
                f"--credentials {path}: cannot read ({exc.strerror or exc})"
            ) from None
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            warnings.warn(
                f"{path} can be read by other users; the documentation gives it 400 permissions "
                f"(chmod 400 {path})",
                CredentialsWarning,
                stacklevel=2,
            )
        try:
            data = read_document(path, yaml_allowed=False)  # the one bounded reader
        except DocumentError as exc:
            raise HarnessError(f"--credentials {exc}") from None
        if not isinstance(data, dict):
            raise HarnessError(f"--credentials {path}: expected a JSON object")
        missing = [k for k in DOC_CREDENTIALS if not isinstance(data.get(k), str) or not data[k]]
        if missing:
            raise HarnessError(f"--credentials {path}: missing or empty {', '.join(missing)}")
        given = [k for k in OPERATOR_FIELDS if k in data]
        bad = [k for k in given if not isinstance(data[k], str) or not data[k]]
        if bad or len(given) == 1:
            names = bad or [k for k in OPERATOR_FIELDS if k not in data]
            raise HarnessError(
                f"--credentials {path}: operator_username and operator_password go together "
                f"(non-empty strings); missing or empty {', '.join(names)}"
            )
        redirect_uri = data.get("redirect_uri")
        if redirect_uri is not None:
            redirect_uri = check_redirect_uri(redirect_uri, f"--credentials {path}: redirect_uri")
        else:
            redirect_uri = env_redirect
        return Credentials(
            client_id=data["client_id"],
            client_secret=data["client_secret"],
            username=data["username"],
            password=data["password"],
            origin=str(path),
            **{k: data[k] for k in given},
            redirect_uri=redirect_uri,
        )
    operator = {k: environ[v] for k, v in OPERATOR_FIELDS.items() if environ.get(v)}
    if len(operator) == 1:
        missing = [v for k, v in OPERATOR_FIELDS.items() if k not in operator]
        raise HarnessError(f"set both PM3_OPERATOR_* variables; missing {', '.join(missing)}")
    present = {k: environ[v] for k, v in ENV_NAMES.items() if environ.get(v)}
    if present:
        missing = [ENV_NAMES[k] for k in DOC_CREDENTIALS if k not in present]
        if missing:
            raise HarnessError(
                f"set all four PM3_* credentials variables; missing {', '.join(missing)}"
            )
        return Credentials(**present, **operator, origin="environment", redirect_uri=env_redirect)
    return Credentials(**DOC_CREDENTIALS, **operator, redirect_uri=env_redirect)


def check_redirect_uri(value: object, where: str) -> str:
    """A callback URL as given (absolute http or https, as ProcessMaker's application form
    requires one).

    :raises HarnessError: anything else, naming ``where``.
    """
    if not isinstance(value, str) or not value:
        raise HarnessError(f"{where}: expected the client's callback URL, a non-empty string")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HarnessError(f"{where}: expected an absolute http(s) URL, got {value!r}")
    return value


@dataclass(slots=True)
class Session:
    """What one check gets: a transport, the workspace, and the mock when there is one."""

    transport: Transport
    workspace: str
    mock: MockServer | None = None


Prepare = Callable[[MockServer], None]


@dataclass(slots=True)
class Target:
    """Where checks run. Build with :meth:`mock`, :meth:`mock_http` or :meth:`url`."""

    kind: str
    workspace: str = "workflow"
    base_url: str = ""
    server_profile: Profile | None = None
    """The profile the mock runs (may differ from the expected one, to see checks fail)."""
    prepare: Prepare | None = None
    verify_tls: bool = True
    min_interval: float = 0.0
    max_requests: int | None = None
    allow_lockout_risk: bool = False
    read_only: bool = True
    slow: bool = False
    """A live target may be waited on in real time (``--slow``): checks that wait out a
    lifetime of seconds run (:data:`conformance.registry.SLOW_LIMIT`)."""
    _shared: HttpTransport | None = field(default=None, repr=False)

    @classmethod
    def mock(cls, profile: str | Profile = "documented", prepare: Prepare | None = None) -> Target:
        prof = get_profile(profile) if isinstance(profile, str) else profile
        return cls(
            "mock", server_profile=prof, prepare=prepare, allow_lockout_risk=True, read_only=False
        )

    @classmethod
    def mock_http(
        cls, profile: str | Profile = "documented", prepare: Prepare | None = None
    ) -> Target:
        prof = get_profile(profile) if isinstance(profile, str) else profile
        return cls(
            "mock-http",
            server_profile=prof,
            prepare=prepare,
            allow_lockout_risk=True,
            read_only=False,
        )

    @classmethod
    def url(
        cls,
        base_url: str,
        workspace: str,
        *,
        verify_tls: bool = True,
        rate: float = 5.0,
        max_requests: int = 500,
        allow_lockout_risk: bool = False,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        answer_deadline: float = ANSWER_DEADLINE,
        slow: bool = False,
    ) -> Target:
        try:
            transport = HttpTransport(
                base_url,
                verify_tls=verify_tls,
                min_interval=1.0 / rate if rate > 0 else 0.0,
                max_requests=max_requests,
                max_answer_bytes=max_answer_bytes,
                answer_deadline=answer_deadline,
            )
        except ValueError as exc:
            raise HarnessError(str(exc)) from None
        return cls(
            "url",
            workspace=workspace,
            base_url=transport.base_url,
            verify_tls=verify_tls,
            min_interval=transport.min_interval,
            max_requests=max_requests,
            allow_lockout_risk=allow_lockout_risk,
            slow=slow,
            _shared=transport,
        )

    @property
    def controllable(self) -> bool:
        return self.kind in ("mock", "mock-http")

    def describe(self) -> dict[str, Any]:
        """For reports: never any credential."""
        out: dict[str, Any] = {"kind": self.kind, "workspace": self.workspace}
        if self.base_url:
            out["url"] = self.base_url
        if self.server_profile is not None:
            out["server_profile"] = self.server_profile.name
        return out

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for one check: a fresh mock for mock targets, the shared transport otherwise."""
        if self.kind == "url":
            assert self._shared is not None
            yield Session(self._shared, self.workspace)
            return
        assert self.server_profile is not None
        server = MockServer(self.server_profile, workspaces=(self.workspace,))
        if self.prepare is not None:
            self.prepare(server)
        try:
            if self.kind == "mock":
                yield Session(WsgiTransport(server.app), self.workspace, server)
            else:
                server.start()
                yield Session(HttpTransport(server.url), self.workspace, server)
        finally:
            server.close()


def https_redirect_status(base_url: str, workspace: str) -> str:
    """For an https target: does the plain-http URL redirect to https, as the doc's REST Security
    section recommends? Returns a one-line verdict (never raises)."""
    from urllib.parse import urlsplit

    from .http import HttpRequest

    parts = urlsplit(base_url)
    if parts.scheme != "https":
        return "plain http target: credentials and tokens cross the network readable"
    plain = f"http://{parts.hostname}{parts.path}"
    try:
        response = HttpTransport(plain, timeout=10).send(
            HttpRequest("GET", f"/{workspace}/oauth2/token")
        )
    except OSError:
        return f"{plain}: nothing listens on plain http (good)"
    location = response.header("Location") or ""
    if response.status in (301, 302, 307, 308) and location.startswith("https://"):
        return f"{plain}: redirects to https ({response.status}) as REST Security recommends"
    return f"{plain}: answers HTTP {response.status} without redirecting to https (REST Security)"
