"""Fuzz targets for every surface a client or a test suite can reach.

Each ``fuzz_*`` function runs hypothesis for ``n`` examples against a fresh in-process mock and
returns how many inputs it tried; the property is always: no 5xx (except scripted faults), no
exception escaping, an answer every time. ``tests/test_fuzz.py`` runs them small;
``benchmarks/fuzz.py`` runs them large and prints the counts.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.scenario import ScenarioError
from mockserver.scripting.scenario import validate_scenario

TEXT = st.text(max_size=40) | st.sampled_from(
    ["*", "code", "token", "", "0", "<script>", "%00", "../.."]
)
PARAMS = st.dictionaries(
    st.sampled_from(
        [
            "response_type",
            "client_id",
            "scope",
            "redirect_uri",
            "state",
            "cancel",
            "u",
            "name",
            "webSite",
            "redirectUri",
            "description",
            "form[USR_USERNAME]",
            "form[USR_PASSWORD]",
            "form[URL]",
            "option",
            "oauthClientId",
        ]
    ),
    TEXT
    | st.sampled_from(
        ["HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF", "http://localhost/callback", "johndoe", "admin"]
    ),
    max_size=8,
)


def _settings(n: int) -> settings:
    return settings(
        max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )


def _check(response: Any, pm: MockServer) -> None:
    pm.check()
    assert response.status_code < 500, f"HTTP {response.status_code}"


def _logged_in(pm: MockServer, user: str = "admin", password: str = "admin") -> Client:
    client = Client(pm.app)
    client.post(
        "/sysworkflow/en/neoclassic/login/authentication.php",
        data={"form[USR_USERNAME]": user, "form[USR_PASSWORD]": password, "form[URL]": "/"},
    )
    return client


def fuzz_authorize(n: int) -> int:
    pm, count = MockServer(), [0]
    client = _logged_in(pm, "johndoe", "p4ssw0rd")

    @_settings(n)
    @given(st.sampled_from(["GET", "POST"]), PARAMS, PARAMS)
    def prop(method: str, query: dict[str, str], form: dict[str, str]) -> None:
        count[0] += 1
        _check(
            client.open("/workflow/oauth2/authorize", method=method, query_string=query, data=form),
            pm,
        )

    prop()
    pm.close()
    return count[0]


def fuzz_login(n: int) -> int:
    pm, count = MockServer(), [0]
    client = Client(pm.app)

    @_settings(n)
    @given(PARAMS, st.sampled_from(["login/login", "login/authentication.php", "login/logout"]))
    def prop(form: dict[str, str], page: str) -> None:
        count[0] += 1
        method = "POST" if page.endswith(".php") else "GET"
        _check(
            client.open(
                f"/sysworkflow/en/neoclassic/{page}", method=method, data=form, query_string=form
            ),
            pm,
        )

    prop()
    pm.close()
    return count[0]


def fuzz_registration(n: int) -> int:
    pm, count = MockServer(), [0]
    client = _logged_in(pm)

    @_settings(n)
    @given(
        PARAMS,
        st.sampled_from(["applications", "clientSetupAjax"]),
        st.sampled_from(["GET", "POST"]),
    )
    def prop(form: dict[str, str], page: str, method: str) -> None:
        count[0] += 1
        _check(
            client.open(f"/sysworkflow/en/neoclassic/oauth2/{page}", method=method, data=form), pm
        )

    prop()
    pm.close()
    return count[0]


EXTREME = st.sampled_from(
    [
        1e308,
        -1e308,
        float("nan"),
        float("inf"),
        2**63,
        -(2**63),
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "\ud800",
        "²",
        "x/../../../victim",
        "re:^(a+)+$",
    ]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | EXTREME,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)
CONTROL_KEYS = [
    "advance",
    "set",
    "freeze",
    "match",
    "endpoint",
    "error",
    "status",
    "fault",
    "times",
    "username",
    "password",
    "client_id",
    "client_secret",
    "name",
    "token",
    "user",
    "profile",
    "workspace",
    "limit",
]


WEDGE_HORIZON = 4_102_444_800.0  # 2100-01-01
LOCAL_CLIENT = {
    "client_id": "x-pm-local-client",
    "client_secret": "179ad45c6ce2cb97cf1029e212046e81",
}


def fuzz_control_api(n: int) -> int:
    pm, count = MockServer(control=True), [0]
    client = Client(pm.app)

    @_settings(n)
    @given(
        st.sampled_from(
            [
                "health",
                "reset",
                "clock",
                "overrides",
                "faults",
                "journal",
                "clients",
                "users",
                "profile",
                "expire",
                "scenario",
                "check",
                "nope",
            ]
        ),
        st.sampled_from(["GET", "POST", "DELETE"]),
        st.dictionaries(st.sampled_from(CONTROL_KEYS), JSONISH, max_size=4) | JSONISH,
        st.booleans(),
    )
    def prop(path: str, method: str, body: Any, raw: bool) -> None:
        count[0] += 1
        data = json.dumps(body) if not raw else str(body)
        query = {"limit": str(body)} if path == "journal" else {}
        response = client.open(
            f"/_pm3/{path}",
            method=method,
            data=data,
            query_string=query,
            content_type="text/plain" if raw else "application/json",
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        pm.scripting.clear()  # overrides the fuzzer added must not break the next inputs
        _check(response, pm)
        assert response.is_json
        # Whatever was accepted, the mock still works: no value may wedge its state.
        if pm.clock.now() > WEDGE_HORIZON or pm.clock.now() < 0:
            pm.clock.reset()  # a legal but far clock makes the seeded users expired; not a wedge
        alive = client.post(
            "/workflow/oauth2/token",
            data={"grant_type": "client_credentials", **LOCAL_CLIENT},
        )
        _check(alive, pm)
        assert alive.status_code in (200, 400, 401), alive.status_code

    prop()
    pm.close()
    return count[0]


def fuzz_scenario_parser(n: int, tmp: Path | None = None) -> int:
    count = [0]

    @_settings(n)
    @given(
        st.dictionaries(
            st.sampled_from(
                ["profile", "seed", "clock", "lifetimes", "overrides", "faults", "workspaces", "x"]
            ),
            JSONISH,
            max_size=4,
        )
        | JSONISH
    )
    def prop(data: Any) -> None:
        count[0] += 1
        with contextlib.suppress(ScenarioError):  # a clear, named error is the right answer
            validate_scenario(data, "fuzz")

    prop()
    return count[0]


FRAMING_HEADERS = st.lists(
    st.sampled_from(
        [
            b"Content-Length: 19",
            b"Content-Length: 4",
            b"Content-Length: 19, 19",
            b"Content-Length: -1",
            b"Content-Length: 99999999999999999999",
            b"Content-Length:  19 ",
            b"Content-Length: +19",
            b"Transfer-Encoding: chunked",
            b"Transfer-Encoding: gzip, chunked",
            b"Transfer-Encoding: identity",
            b"Content-Type: application/x-www-form-urlencoded",
            b"Content-Type: application/json",
            b"Expect: 100-continue",
        ]
    ),
    max_size=4,
)


def fuzz_framing(n: int) -> int:
    """Raw HTTP/1.1 over loopback with every mix of framing headers: an answer or a close."""
    import socket

    count = [0]
    with MockServer() as pm:

        @_settings(n)
        @given(
            FRAMING_HEADERS,
            st.sampled_from([b"grant_type=password", b"13\r\ngrant_type=password\r\n0\r\n\r\n"]),
        )
        def prop(headers: list[bytes], body: bytes) -> None:
            count[0] += 1
            request = b"\r\n".join(
                [b"POST /workflow/oauth2/token HTTP/1.1", b"Host: 127.0.0.1", *headers]
            )
            with socket.create_connection(("127.0.0.1", pm.port), timeout=10) as sock:
                sock.sendall(request + b"\r\n\r\n" + body)
                sock.shutdown(socket.SHUT_WR)
                answer = b""
                with contextlib.suppress(ConnectionResetError):
                    while chunk := sock.recv(65536):
                        answer += chunk
            pm.check()
            if answer:
                status = int(answer.split(b" ", 2)[1])
                assert status < 500, answer[:200]
                if sum(h.lower().startswith(b"content-length") for h in headers) > 1:
                    assert status == 400, answer[:200]

        prop()
    return count[0]


SURFACES: dict[str, Callable[[int], int]] = {
    "authorize": fuzz_authorize,
    "login": fuzz_login,
    "registration": fuzz_registration,
    "control API": fuzz_control_api,
    "scenario parser": fuzz_scenario_parser,
    "framing": fuzz_framing,
}
