"""Shared fixtures: an in-process mock per test, a werkzeug test client, and a live HTTP server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck
from hypothesis import settings
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=300, deadline=None)
settings.load_profile("ci")

DOC_CREDENTIALS = {
    "client_id": DOC_CLIENT_ID,
    "client_secret": DOC_CLIENT_SECRET,
    "username": DOC_USERNAME,
    "password": DOC_PASSWORD,
}


@pytest.fixture(params=["documented"])
def profile_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def mock(profile_name: str) -> Iterator[MockServer]:
    """A mock that is not listening: use ``client`` for in-process requests."""
    server = MockServer(profile_name)
    yield server
    server.check()
    server.close()


@pytest.fixture
def client(mock: MockServer) -> Client:
    return Client(mock.app)


@pytest.fixture
def live(profile_name: str) -> Iterator[MockServer]:
    """A mock serving over loopback HTTP on an ephemeral port."""
    with MockServer(profile_name) as server:
        yield server
        server.check()


from tests.mariadb import mariadb  # noqa: E402,F401  (the session's MariaDB server fixture)
from tests.mariadb import mariadb_target  # noqa: E402,F401  (databases the store tests share)
