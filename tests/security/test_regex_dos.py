"""A user-supplied regex cannot freeze the mock (issue: catastrophic backtracking under the lock).

Patterns are compiled with RE2 (linear time), and overrides are matched outside the scripting
lock. The liveness tests run the mock in a child process: with a backtracking engine the stuck
match holds the GIL, so an in-process server would freeze the test process too; a child can be
killed, and the socket timeouts make the test fail instead of hanging.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
from collections.abc import Callable
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.matching import RequestInfo
from mockserver.scripting.matching import RequestMatcher
from mockserver.scripting.overrides import Override
from mockserver.scripting.overrides import RespondRaw
from mockserver.scripting.overrides import Scripting
from mockserver.scripting.scenario import ScenarioError
from tests.mockserver.helpers import password_params

EVIL_PATTERN = "re:^(a+)+$"
EVIL_CLIENT_ID = "a" * 30 + "b"
OVERRIDE = {
    "match": {"endpoint": "token", "params": {"client_id": EVIL_PATTERN}},
    "times": "always",
    "error": "invalid_grant",
}
SOCKET_TIMEOUT = 10.0  # a liveness bound, not a performance assertion

PYTHON_FORM = textwrap.dedent(
    """
    import sys
    from mockserver import MockServer
    with MockServer() as pm:
        pm.override("token", times=None, params={"client_id": "re:^(a+)+$"}).respond_with_error(
            "invalid_grant"
        )
        print("listening on", pm.url, flush=True)
        sys.stdin.read()
    """
)


def _spawn(args: list[str]) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.rsplit(" ", 1)[1].strip()


@pytest.fixture(params=["python", "control-api"])
def armed(request: pytest.FixtureRequest) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A mock in a child process with the catastrophic override installed."""
    if request.param == "python":
        proc, url = _spawn(["-c", PYTHON_FORM])
    else:
        proc, url = _spawn(["-m", "mockserver", "--port", "0", "--control"])
        status, body = _call(url, "POST", "/_pm3/overrides", json.dumps(OVERRIDE).encode())
        assert status == 200, body
    try:
        yield proc, url
    finally:
        proc.kill()  # SIGKILL: a frozen server ignores SIGTERM
        proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()


def _call(url: str, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=SOCKET_TIMEOUT)
    try:
        content_type = (
            "application/json"
            if path.startswith("/_pm3/")
            else ("application/x-www-form-urlencoded")
        )
        conn.request(method, path, body, {"Content-Type": content_type})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _token(url: str, **params: object) -> tuple[int, bytes]:
    form = urllib.parse.urlencode(password_params(**params)).encode()
    return _call(url, "POST", "/workflow/oauth2/token", form)


def test_a_catastrophic_pattern_does_not_freeze_the_server(
    armed: tuple[subprocess.Popen[str], str],
) -> None:
    proc, url = armed
    results: dict[str, tuple[int, bytes]] = {}

    def evil() -> None:
        with contextlib.suppress(OSError):  # a timeout: reported by the assertion below
            results["evil"] = _token(url, client_id=EVIL_CLIENT_ID)

    thread = threading.Thread(target=evil, daemon=True)
    thread.start()
    thread.join(SOCKET_TIMEOUT + 5)
    assert "evil" in results, "the request with the evil client_id never completed"
    assert results["evil"][0] == 200
    assert b"invalid_grant" not in results["evil"][1]  # no match: 'b' at the end
    status, body = _token(url)  # a normal request right after
    assert status == 200 and b"access_token" in body
    status, body = _token(url, client_id="a" * 30)  # and one the override does match
    assert b"invalid_grant" in body
    proc.terminate()  # SIGTERM is honoured again (the CLI stops, the child script is killed)
    proc.wait(timeout=SOCKET_TIMEOUT)


def test_a_concurrent_request_is_not_held_up_by_a_slow_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While one request's matching is slow, another request is answered."""
    entered, release = threading.Event(), threading.Event()
    original = RequestMatcher.matches

    def slow(self: RequestMatcher, info: RequestInfo) -> bool:
        if info.get("client_id") == "slow":
            entered.set()
            release.wait(SOCKET_TIMEOUT)
        return original(self, info)

    monkeypatch.setattr(RequestMatcher, "matches", slow)
    with MockServer() as pm:
        pm.override("token", times=None, params={"client_id": "re:^x"}).respond_with(418)
        blocked = threading.Thread(target=_token, args=(pm.url,), kwargs={"client_id": "slow"})
        blocked.start()
        try:
            assert entered.wait(SOCKET_TIMEOUT)
            started = time.monotonic()
            status, body = _token(pm.url)
            assert status == 200 and b"access_token" in body
            assert time.monotonic() - started < SOCKET_TIMEOUT
        finally:
            release.set()
            blocked.join(SOCKET_TIMEOUT)


# --- the lock is not held while matching ---------------------------------------------------------


def _info(client_id: str) -> RequestInfo:
    return RequestInfo(
        method="POST",
        path="/workflow/oauth2/token",
        endpoint="token",
        workspace="workflow",
        query={},
        params={"client_id": client_id},
        encoding="form",
        headers={},
    )


def _in_thread(fn: Callable[[], object], timeout: float = 5.0) -> tuple[bool, object]:
    """Run ``fn`` in a thread; ``(finished, result)`` after at most ``timeout`` seconds."""
    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True)
    thread.start()
    thread.join(timeout)
    return (not thread.is_alive(), box[0] if box else None)


@pytest.fixture
def blocking(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Matching ``client_id=block`` blocks (once) until released."""
    entered, release = threading.Event(), threading.Event()
    original = RequestMatcher.matches
    calls = {"n": 0}

    def matches(self: RequestMatcher, info: RequestInfo) -> bool:
        if info.get("client_id") == "block" and calls["n"] == 0:
            calls["n"] += 1
            entered.set()
            release.wait(10)
        return original(self, info)

    monkeypatch.setattr(RequestMatcher, "matches", matches)
    yield entered, release
    release.set()


def test_matching_does_not_hold_the_scripting_lock(
    blocking: tuple[threading.Event, threading.Event],
) -> None:
    entered, release = blocking
    scripting = Scripting()
    first = scripting.add(Override(RequestMatcher.build("token"), RespondRaw(201, b"")))
    selecting = threading.Thread(target=scripting.select, args=(_info("block"),), daemon=True)
    selecting.start()
    assert entered.wait(5)
    done, pending = _in_thread(scripting.pending)
    assert done, "pending() waited for a match in progress"
    assert pending == [first]
    later = Override(RequestMatcher.build("token"), RespondRaw(202, b""))
    done, _ = _in_thread(lambda: scripting.add(later))
    assert done, "add() waited for a match in progress"
    release.set()
    selecting.join(5)
    assert not selecting.is_alive()


def test_a_claim_rechecks_what_changed_while_matching(
    blocking: tuple[threading.Event, threading.Event],
) -> None:
    """A times=1 override used up by another request during a slow match is not used twice."""
    entered, release = blocking
    scripting = Scripting()
    once = scripting.add(Override(RequestMatcher.build("token"), RespondRaw(201, b""), times=1))
    slow_result: list[Override | None] = []
    slow = threading.Thread(
        target=lambda: slow_result.append(scripting.select(_info("block"))), daemon=True
    )
    slow.start()
    assert entered.wait(5)
    done, fast_result = _in_thread(lambda: scripting.select(_info("fast")))
    assert done and fast_result is once
    release.set()
    slow.join(5)
    assert slow_result == [None]
    assert once.hits == 1 and scripting.pending() == []


def test_an_override_added_during_a_slow_match_is_considered(
    blocking: tuple[threading.Event, threading.Event],
) -> None:
    entered, release = blocking
    scripting = Scripting()
    slow_result: list[Override | None] = []
    slow = threading.Thread(
        target=lambda: slow_result.append(scripting.select(_info("block"))), daemon=True
    )
    scripting.add(
        Override(RequestMatcher.build("token", params={"client_id": "nope"}), RespondRaw(201, b""))
    )
    slow.start()
    assert entered.wait(5)
    added = Override(RequestMatcher.build("token"), RespondRaw(202, b""))
    done, _ = _in_thread(lambda: scripting.add(added))
    assert done
    release.set()
    slow.join(5)
    assert slow_result == [added]


# --- patterns RE2 cannot compile: a clear error, never a 500 -------------------------------------

REJECTED = ["re:(a)\\1", "re:foo(?=bar)", "re:(?<!x)y", "re:["]


@pytest.mark.parametrize("pattern", REJECTED)
def test_a_rejected_pattern_is_a_400_from_the_control_api(pattern: str) -> None:
    with MockServer(control=True) as pm:
        client = Client(pm.app)
        response = client.post(
            "/_pm3/overrides",
            json={"match": {"endpoint": "token", "params": {"client_id": pattern}}, "error": "x"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert response.status_code == 400, response.get_data(as_text=True)
        message = response.get_json()["error"]
        assert "\n" not in message
        assert "overrides[0]" in message and "params.client_id" in message
        assert repr(pattern[3:]) in message and "RE2" in message
        assert pm.scripting.pending() == []


@pytest.mark.parametrize("pattern", REJECTED)
def test_a_rejected_pattern_is_a_scenario_error(pattern: str) -> None:
    with MockServer() as pm, pytest.raises(ScenarioError, match="RE2") as info:
        pm.apply_scenario({"overrides": [{"match": {"grant_type": pattern}, "status": 500}]})
    assert "overrides[0]: grant_type:" in str(info.value)


def test_a_rejected_pattern_is_a_value_error_from_python() -> None:
    with MockServer() as pm:
        with pytest.raises(ValueError, match=r"params\.client_id: regex '\(a\)\\\\1'.*RE2"):
            pm.override("token", params={"client_id": "re:(a)\\1"})
        with pytest.raises(ValueError, match="RE2"):
            pm.override("token", headers={"x-probe": re.compile("(?=a)")})


def test_a_compiled_python_pattern_is_recompiled_with_re2() -> None:
    with MockServer() as pm:
        client = Client(pm.app)
        pm.override(
            "token", times=None, params={"username": re.compile("^john", re.I)}
        ).respond_with(418)
        assert client.post("/workflow/oauth2/token", data=password_params()).status_code == 418
        pm.override("token", times=None, params={"client_id": re.compile(r"^(a+)+$")}).respond_with(
            419
        )
        stored = pm.scripting.pending()[1]
        assert not isinstance(stored.matcher.params["client_id"], re.Pattern)
        assert "client_id=re:^(a+)+$" in stored.describe()
        response = client.post(
            "/workflow/oauth2/token",
            data=password_params(username="nobody", client_id=EVIL_CLIENT_ID),
        )
        assert response.status_code not in (418, 419)  # neither matches: the real answer
        with pytest.raises(ValueError, match="verbose"):
            pm.override("token", params={"username": re.compile("a b", re.X)})
