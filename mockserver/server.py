"""Serving the mock: a threaded werkzeug server in a background thread, started in milliseconds.

The accept loop waits on the listening socket *and* a wake-up pipe, so :meth:`MockServer.stop`
returns at once instead of waiting out a poll interval.
"""

from __future__ import annotations

import os
import selectors
import ssl
import threading
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlencode

from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import ThreadedWSGIServer
from werkzeug.serving import WSGIRequestHandler
from werkzeug.serving import make_server

from .app import MockApp
from .clock import Clock
from .formats import TokenFactory
from .profiles import DEFAULT_PROFILE
from .profiles import Profile
from .profiles import get_profile
from .seed import Seed
from .seed import default_seed
from .state import DEFAULT_WORKSPACE
from .state import MockState
from .store import WorkspaceStore


class _QuietHandler(WSGIRequestHandler):
    """No per-request access log on stderr (the journal records exchanges)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None


class MockServer:
    """A mock ProcessMaker 3 server.

    .. code-block:: python

        with MockServer(profile="pm-3.4.10") as pm:
            requests.post(pm.token_url(), data={...})

    :param profile: a profile name or :class:`Profile`.
    :param workspaces: workspace names it serves (``workflow`` by default).
    :param host: the address to bind; loopback unless told otherwise.
    :param port: ``0`` for an ephemeral port.
    :param db_dir: where workspace databases persist; ``None`` keeps them in memory.
    """

    def __init__(
        self,
        profile: str | Profile = DEFAULT_PROFILE,
        *,
        workspaces: tuple[str, ...] = (DEFAULT_WORKSPACE,),
        host: str = "127.0.0.1",
        port: int = 0,
        db_dir: Path | None = None,
        seed: Seed | None = None,
        clock: Clock | None = None,
        token_factory: TokenFactory | None = None,
        ssl_context: ssl.SSLContext | None = None,
        max_body: int | None = None,
    ) -> None:
        prof = get_profile(profile) if isinstance(profile, str) else profile
        kwargs = {"max_body": max_body} if max_body is not None else {}
        self.state = MockState(
            profile=prof,
            seed=seed if seed is not None else default_seed(),
            workspaces=workspaces,
            db_dir=db_dir,
            clock=clock,
            token_factory=token_factory,
            **kwargs,
        )
        self.app = MockApp(self.state)
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._wake_r: int | None = None
        self._wake_w: int | None = None
        self._stopping = threading.Event()

    # --- facade ------------------------------------------------------------------------------
    @property
    def profile(self) -> Profile:
        return self.state.profile

    @property
    def clock(self) -> Clock:
        return self.state.clock

    def workspace(self, name: str = DEFAULT_WORKSPACE) -> WorkspaceStore:
        """The store of a workspace, creating the workspace if it does not exist."""
        return self.state.add_workspace(name)

    def set_profile(self, profile: str | Profile) -> None:
        self.state.set_profile(get_profile(profile) if isinstance(profile, str) else profile)

    def reset(self) -> None:
        """Back to the seed: every workspace emptied and seeded again, clock running free."""
        self.state.reset()

    def check(self) -> None:
        """Re-raise an exception raised while serving."""
        self.app.check()

    # --- URLs --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not running; use start() or a with block")
        scheme = "https" if self.ssl_context is not None else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self._server.server_port}"

    def url_for(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/{workspace}"

    def token_url(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/{workspace}/oauth2/token"

    def authorize_url(self, workspace: str = DEFAULT_WORKSPACE, **params: str) -> str:
        query = f"?{urlencode(params)}" if params else ""
        return f"{self.url}/{workspace}/oauth2/authorize{query}"

    def login_url(
        self, workspace: str = DEFAULT_WORKSPACE, lang: str = "en", skin: str = "neoclassic"
    ) -> str:
        return f"{self.url}/sys{workspace}/{lang}/{skin}/login/login"

    def applications_url(self, workspace: str = DEFAULT_WORKSPACE) -> str:
        return f"{self.url}/sys{workspace}/en/neoclassic/oauth2/applications"

    def api_url(self, workspace: str = DEFAULT_WORKSPACE, resource: str = "users") -> str:
        return f"{self.url}/api/1.0/{workspace}/{resource}"

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> Self:
        if self._server is not None:
            return self
        server = make_server(
            self.host,
            self.port,
            self.app,
            threaded=True,
            request_handler=_QuietHandler,
            ssl_context=self.ssl_context,
        )
        assert isinstance(server, ThreadedWSGIServer)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self.port = server.server_port
        self._wake_r, self._wake_w = os.pipe()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name="pm3-mockserver", daemon=True)
        self._thread.start()
        return self

    def _serve(self) -> None:
        server = self._server
        assert server is not None and self._wake_r is not None
        with selectors.DefaultSelector() as selector:
            selector.register(server.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fd == self._wake_r:
                        return
                    server.handle_request()  # the socket is readable: no wait

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        assert self._wake_w is not None
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server.server_close()
        for fd in (self._wake_r, self._wake_w):
            if fd is not None:
                os.close(fd)
        self._server = self._thread = None
        self._wake_r = self._wake_w = None

    def close(self) -> None:
        """Stop serving and close the workspace databases."""
        self.stop()
        self.state.close()

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
