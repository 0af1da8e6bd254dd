"""pytest plugin (entry point ``pytest11``): a mock ProcessMaker per session, reset for every test.

Fixtures:

- ``make_pm_mock`` (session): the started :class:`MockServer`. Under pytest-xdist every worker is
  its own process, so each worker gets its own server on its own port.
- ``pm_mock`` (function): that server, reset to the seed, profile ``pm_profile``, no overrides,
  an empty journal, a free-running clock; after the test, errors raised in the server thread and
  ordered-override misses are raised in the test (``check()``).
- ``pm_profile``: the profile name (default ``documented``); ``@pytest.mark.pm_profile("a", "b")``
  runs a test once per named profile.
- ``pm_client`` and ``pm_user``: the seeded client and user credentials.
- ``pm_httpx`` and ``pm_requests``: an ``httpx.Client`` and a ``requests.Session`` that reach
  ``pm_mock`` in process, without a socket (base URL ``pm_mock.inprocess_url``); they need the
  ``httpx`` and ``requests`` extras.
- ``pm_httpserver``: pytest-httpserver's ``httpserver`` with ProcessMaker mounted on the OAuth
  (``/{ws}/oauth2/…``), classic (``/sys{ws}/…``), REST (``/api/…``) and control (``/_pm3/``)
  paths; the user's own ``expect_request(...)`` keep working for every other path, ordered
  and one-shot ones included (extra ``httpserver``). The mock behind it is ``pm_mock``: one
  mock per test, so what a test scripts on ``pm_mock`` answers the traffic sent to either
  address, and either journal is the same. ``pm_httpserver_mock`` is another name for it.

A fixture whose extra is not installed skips, naming the extra and its install; in CI (the
``CI`` environment variable set) it is an error instead (:func:`missing_extra`).

Listen address: ``PM3_MOCKSERVER_HOST`` (default 127.0.0.1) and ``PM3_MOCKSERVER_PORT`` (default 0).
"""

from __future__ import annotations

import importlib
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import NoReturn

import pytest

from mockserver.server import MockServer
from mockserver.state.profiles import DEFAULT_PROFILE
from mockserver.state.profiles import PROFILES
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME

if TYPE_CHECKING:
    import httpx
    import requests
    from pytest_httpserver import HTTPServer
    from werkzeug.wrappers import Request as WerkzeugRequest
    from werkzeug.wrappers import Response as WerkzeugResponse

MARKER = "pm_profile"


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class UserCredentials:
    username: str
    password: str


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(*names): run the test under each named mock ProcessMaker profile"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None or "pm_profile" not in metafunc.fixturenames:
        return
    names = list(marker.args) or list(PROFILES)
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.{MARKER}: unknown profile {unknown[0]!r}; known: {', '.join(PROFILES)}"
        )
    metafunc.parametrize("pm_profile", names, indirect=True, ids=names)


@pytest.fixture(scope="session")
def make_pm_mock() -> Iterator[MockServer]:
    """One started mock per test session (per xdist worker)."""
    host = os.environ.get("PM3_MOCKSERVER_HOST", "127.0.0.1")
    port = int(os.environ.get("PM3_MOCKSERVER_PORT", "0"))
    server = MockServer(host=host, port=port).start()
    yield server
    server.close()


@pytest.fixture
def pm_profile(request: pytest.FixtureRequest) -> str:
    """The profile ``pm_mock`` runs under; parametrize it or use the ``pm_profile`` marker."""
    return str(getattr(request, "param", DEFAULT_PROFILE))


@pytest.fixture
def pm_mock(make_pm_mock: MockServer, pm_profile: str) -> Iterator[MockServer]:
    """The session's mock, reset for this test and set to ``pm_profile``."""
    server = make_pm_mock
    server.reset()
    server.set_profile(pm_profile)
    yield server
    try:
        server.check()
    finally:
        server.reset()


@pytest.fixture
def pm_client() -> ClientCredentials:
    """The documentation's example client, which the mock seeds."""
    return ClientCredentials(DOC_CLIENT_ID, DOC_CLIENT_SECRET)


EXTRA_PACKAGES = {"httpx": "httpx", "requests": "requests", "httpserver": "pytest-httpserver"}
"""What each extra a fixture needs installs (``pyproject.toml``, optional dependencies)."""


def missing_extra(fixture: str, extra: str) -> NoReturn:
    """The one rule for a fixture whose extra is not installed: a skip that names the extra,
    except in CI (``CI`` set, as GitHub Actions and GitLab CI set it), where it is an error, so
    a gate cannot go green having run nothing."""
    text = (
        f"{fixture} needs the {extra} extra, which is not installed: pip install "
        f"{EXTRA_PACKAGES[extra]} (or install pm3-oauth-conformance with [{extra}])"
    )
    if os.environ.get("CI"):
        pytest.fail(f"{text}; CI is set, so a missing extra is an error, not a skip", False)
    pytest.skip(text)


def _import_extra(module: str, fixture: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        missing_extra(fixture, extra)


@pytest.fixture
def pm_httpx(pm_mock: MockServer) -> Iterator[httpx.Client]:
    """An ``httpx.Client`` on ``pm_mock`` in process (``base_url`` set; no port involved)."""
    httpx = _import_extra("httpx", "pm_httpx", "httpx")
    with httpx.Client(transport=pm_mock.httpx_transport(), base_url=pm_mock.inprocess_url) as c:
        yield c


@pytest.fixture
def pm_requests(pm_mock: MockServer) -> Iterator[requests.Session]:
    """A ``requests.Session`` that reaches ``pm_mock`` in process at ``pm_mock.inprocess_url``."""
    requests = _import_extra("requests", "pm_requests", "requests")
    with requests.Session() as session:
        session.mount(pm_mock.inprocess_url, pm_mock.requests_adapter())
        yield session


PM_PATHS = re.compile(r"^/(?:api/|sys[^/]+/|_pm3/|[^/]+/oauth2(?:/|$))")
"""The paths ProcessMaker answers (its front controller's three modes, plus the control API)."""


@pytest.fixture
def pm_httpserver_mock(pm_mock: MockServer) -> MockServer:
    """The mock behind ``pm_httpserver``: ``pm_mock`` itself (one mock per test, so scripting
    either name scripts what both addresses answer)."""
    return pm_mock


@pytest.fixture
def pm_httpserver(request: pytest.FixtureRequest, pm_mock: MockServer) -> Iterator[HTTPServer]:
    """pytest-httpserver's ``httpserver``, with ``pm_mock`` answering ProcessMaker's paths."""
    try:
        server: HTTPServer = request.getfixturevalue("httpserver")
    except pytest.FixtureLookupError:
        missing_extra("pm_httpserver", "httpserver")
    app = pm_mock.app
    original = server.dispatch

    def dispatch(req: WerkzeugRequest) -> WerkzeugResponse:
        if PM_PATHS.match(req.path) is None:
            return original(req)
        return _call_wsgi(app, req)

    server.dispatch = dispatch  # type: ignore[method-assign,assignment]
    try:
        yield server
    finally:
        server.dispatch = original  # type: ignore[method-assign]


def _call_wsgi(app: Any, req: WerkzeugRequest) -> WerkzeugResponse:
    """Hand a request pytest-httpserver already read to a WSGI app; its answer as a Response."""
    from werkzeug.wrappers import Response

    data = req.get_data()
    environ = dict(req.environ)
    environ["wsgi.input"] = io.BytesIO(data)
    environ["CONTENT_LENGTH"] = str(len(data))
    seen: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc: Any = None) -> Any:
        seen[:] = [status, headers]
        return lambda chunk: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, headers = seen
    response = Response(body, status=status, headers=headers)
    response.automatically_set_content_length = False
    return response


@pytest.fixture
def pm_user() -> UserCredentials:
    """The documentation's example user, which the mock seeds."""
    return UserCredentials(DOC_USERNAME, DOC_PASSWORD)
