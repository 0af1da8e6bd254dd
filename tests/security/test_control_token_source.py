"""Attack surface of the control token (issue 22, class 16): an argument is in the process list,
readable by every local user. The token can come from the environment or from a file instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.security.conftest import raw_exchange

TOKEN = "tok-5f1c0e9a7b3d4c21"
ENV = "PM3_MOCKSERVER_CONTROL_TOKEN"


@contextmanager
def mock(args: list[str], env: dict[str, str]) -> Iterator[tuple[int, int]]:
    """A ``pm3-mockserver --control`` process; yields its pid and port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--control", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r":(\d+)\s*$", line)
        assert match, line + (proc.stderr.read() if proc.stderr else "")
        yield proc.pid, int(match.group(1))
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def health(port: int, token: str | None) -> int:
    """Status of ``GET /_pm3/health`` with a foreign ``Host`` (refused unless the token is right)."""
    extra = f"X-PM3-Control-Token: {token}\r\n" if token else ""
    answer = raw_exchange(
        port, f"GET /_pm3/health HTTP/1.1\r\nHost: rebound.example\r\n{extra}\r\n".encode()
    )
    return int(answer.split(b" ", 2)[1])


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_token_from_the_environment_works_and_stays_out_of_the_process_list() -> None:
    with mock([], {ENV: TOKEN}) as (pid, port):
        assert TOKEN not in _cmdline(pid)
        assert health(port, TOKEN) == 200
        assert health(port, "wrong") == 403
        assert health(port, None) == 403


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_token_from_a_file_works_and_stays_out_of_the_process_list(tmp_path: Path) -> None:
    path = tmp_path / "token"
    path.write_text(TOKEN + "\n")
    path.chmod(0o600)
    with mock(["--control-token-file", str(path)], {ENV: "another"}) as (pid, port):
        assert TOKEN not in _cmdline(pid)
        assert health(port, TOKEN) == 200  # the file wins over the environment
        assert health(port, "another") == 403


def _refused(args: list[str], env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


def test_bad_token_sources_are_one_line_and_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n")
    assert "first line is empty" in _refused(["--control", "--control-token-file", str(empty)])
    missing = str(tmp_path / "missing")
    assert "cannot read" in _refused(["--control", "--control-token-file", missing])
    assert "need --control" in _refused(["--control-token-file", str(empty)])
    assert "not allowed with" in _refused(
        ["--control", "--control-token", "a", "--control-token-file", str(empty)]
    )
    assert "control characters" in _refused(["--control"], {ENV: "a\r\nX-Injected: 1"})
