"""Drivers that crash, hang, print garbage or speak the protocol wrong get a clear harness error."""

from __future__ import annotations

import shlex
import sys
import time

import pytest

from conformance.clients.driver import Driver
from conformance.clients.driver import DriverError

HELLO = '{"type":"hello","name":"t","capabilities":{"actions":["login"]}}'
CREDS = {"client_id": "a", "client_secret": "b"}


def _py(code: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def _request(driver: Driver) -> None:
    driver.request("login", "http://127.0.0.1:1", "workflow", CREDS)


@pytest.mark.parametrize(
    ("code", "needle"),
    [
        ("print('hello there')", "line 1 is not JSON"),
        ("print('[1]')", "not a JSON object"),
        ('print(\'{"type": "outcome", "id": 1, "ok": true}\')', "expected a hello"),
        ("import sys; sys.exit(3)", "exited (status 3)"),
        ("import sys; sys.stderr.write('boom: no module x\\n'); sys.exit(1)", "boom: no module x"),
    ],
)
def test_bad_hello(code: str, needle: str) -> None:
    with pytest.raises(DriverError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        Driver(_py(code)).start()


def test_hang_before_hello_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("conformance.clients.driver.HELLO_TIMEOUT", 0.5)
    started = time.monotonic()
    driver = Driver(_py("import time; time.sleep(30)"))
    with pytest.raises(DriverError, match=r"sent nothing for 0\.5s"):
        driver.start()
    driver.stop()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ("print('garbage', flush=True)", "line 2 is not JSON"),
        (
            'print(\'{"type":"outcome","id":7,"ok":true}\', flush=True)',
            "outcome for id 7, expected 1",
        ),
        ('print(\'{"type":"outcome","id":1}\', flush=True)', "'ok' is a required property"),
        ("import sys; sys.exit(0)", "exited (status 0)"),
        ("import time; time.sleep(30)", "sent nothing for 1s"),
    ],
)
def test_bad_outcomes_name_the_line(body: str, needle: str) -> None:
    code = f"import sys\nprint({HELLO!r}, flush=True)\nsys.stdin.readline()\n{body}\n"
    driver = Driver(_py(code), step_timeout=1).start()
    try:
        with pytest.raises(DriverError, match=needle.replace("(", r"\(").replace(")", r"\)")):
            _request(driver)
    finally:
        driver.stop()


def test_missing_command_and_bad_quoting() -> None:
    with pytest.raises(DriverError, match="cannot start driver"):
        Driver("/nonexistent/driver --x").start()
    with pytest.raises(DriverError, match="No closing quotation"):
        Driver("python -c 'unterminated").start()
    with pytest.raises(DriverError, match="empty"):
        Driver("   ").start()


def test_blank_lines_are_ignored_and_capabilities_read() -> None:
    code = (
        "import sys, json\n"
        "print()\n"
        "print(json.dumps({'type':'hello','name':'x','capabilities':{'actions':['login','call'],"
        "'auto_refresh':True,'encodings':['form','json']}}), flush=True)\n"
        "req = json.loads(sys.stdin.readline())\n"
        "print(json.dumps({'type':'outcome','id':req['id'],'ok':False,'error':{'kind':'oauth','error':'invalid_grant'}}), flush=True)\n"
    )
    with Driver(_py(code), step_timeout=5) as driver:
        assert driver.capabilities.missing(("login", "call", "auto_refresh", "encoding:json")) == []
        assert driver.capabilities.missing(("refresh", "client_auth:basic")) == [
            "refresh",
            "client_auth:basic",
        ]
        outcome = driver.request("login", "http://x", "workflow", CREDS)
        assert not outcome.ok and outcome.error["error"] == "invalid_grant"
