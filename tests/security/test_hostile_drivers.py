"""Attack surface of client drivers (issue 22, classes 8 and 9): third-party code the harness runs.

A driver that writes one endless line must not take the harness's memory; a driver whose
children (a wrapper's, or its own in the background) keep the pipes open must not hang
``stop()``, and none of them may outlive it.
"""

from __future__ import annotations

import os
import shlex
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import pytest

from conformance.clients.driver import Driver
from conformance.clients.driver import DriverError

HELLO = '{"type":"hello","name":"t","capabilities":{"actions":["login"]}}'
CREDS = {"client_id": "a", "client_secret": "b"}
BIG = 24 * 1024 * 1024
"""What a hostile driver writes in one line: far more than the caps, far less than a test hurts."""


def _py(code: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(code)}"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _gone_soon(pid: int) -> bool:
    """Whether ``pid`` is dead (or a zombie) within ten seconds: a bound, not a measurement."""
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _alive(pid)


def _stop_returns(driver: Driver) -> bool:
    """Whether ``driver.stop()`` returns within thirty seconds (it blocked forever before)."""
    thread = threading.Thread(target=driver.stop, daemon=True)
    thread.start()
    thread.join(timeout=30)
    return not thread.is_alive()


# --- class 8: an endless line ----------------------------------------------------------------
ENDLESS_STDOUT = f"""
import sys
print({HELLO!r}, flush=True)
sys.stdin.readline()
chunk = "x" * 65536
for _ in range({BIG} // 65536):
    sys.stdout.write(chunk)
sys.stdout.flush()
"""


def test_an_endless_outcome_line_stops_the_driver_without_holding_it() -> None:
    driver = Driver(_py(ENDLESS_STDOUT), max_line=64 * 1024, stop_grace=0.5).start()
    tracemalloc.start()
    try:
        with pytest.raises(DriverError, match=r"driver line 2 is longer than 65536 bytes"):
            driver.request("login", "http://127.0.0.1:1", "workflow", CREDS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        assert _stop_returns(driver)
    assert peak < 4 * 1024 * 1024, f"the harness held {peak} bytes of one line"


ENDLESS_STDERR = f"""
import sys
chunk = "e" * 65536
for _ in range({BIG} // 65536):
    sys.stderr.write(chunk)
sys.stderr.write("\\nthe end\\n")
sys.stderr.flush()
print({HELLO!r}, flush=True)
sys.stdin.readline()
"""


def test_an_endless_stderr_line_is_read_in_bounded_pieces() -> None:
    tracemalloc.start()
    try:
        driver = Driver(_py(ENDLESS_STDERR), stop_grace=0.5).start()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert driver.name == "t"  # the driver was not blocked on a full stderr pipe
    assert _stop_returns(driver)
    assert len(driver.stderr_tail()) <= 800
    assert peak < 4 * 1024 * 1024, f"the harness held {peak} bytes of one stderr line"


# --- class 9: children that hold the pipes ---------------------------------------------------
LEAVES_A_CHILD = f"""
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(sys.argv[1], "w").write(str(child.pid))
print({HELLO!r}, flush=True)
sys.stdin.readline()  # then exits, leaving the child with stdout and stderr open
"""

IGNORES_EOF = f"""
import os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
print({HELLO!r}, flush=True)
time.sleep(600)  # never reads its input: only a kill ends it
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    ("code", "wrapped"),
    [(LEAVES_A_CHILD, False), (IGNORES_EOF, True)],
    ids=["background-grandchild", "sh-wrapper-around-a-hung-driver"],
)
def test_stop_ends_the_whole_group_and_returns(code: str, wrapped: bool, tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    command = f"{_py(code)} {shlex.quote(str(pid_file))}"
    if wrapped:  # sh forks the driver (it is not the last command), like npx or a script
        command = f"sh -c {shlex.quote(command + '; echo done >&2')}"
    driver = Driver(command, stop_grace=0.5).start()
    straggler = int(pid_file.read_text())
    try:
        assert _alive(straggler)
        assert _stop_returns(driver), "stop() blocked on pipes a straggler holds"
        assert _gone_soon(straggler), f"process {straggler} outlived the driver"
    finally:
        if _alive(straggler):
            os.kill(straggler, 9)
