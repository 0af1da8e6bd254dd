"""Attack surface of multi-process serving (issue 10, class 9): orphans, leftovers."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest


def _start(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r":(\d+)\s*$", line)
    assert match, line
    return proc, int(match.group(1))


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _listening_inodes() -> dict[str, int]:
    """Inode -> port of every listening TCP socket (IPv4 and IPv6)."""
    found = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                found[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    return found


def _socket_inodes_on(port: int) -> set[str]:
    return {inode for inode, p in _listening_inodes().items() if p == port}


def _socket_inodes_of(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    return inodes


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_master_and_free_the_port() -> None:
    proc, port = _start(["--workers", "2"], dict(os.environ))
    try:
        deadline = time.monotonic() + 10
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2
        listening = _socket_inodes_on(port)
        assert listening  # the workers listen (each its own socket, or a shared one)
        assert listening <= set().union(*(_socket_inodes_of(w) for w in workers))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "workers outlived their master"
        # The listening socket itself is gone (not just the processes): no inode left in the
        # kernel's table (a port number could be reused by a parallel test; an inode cannot).
        deadline = time.monotonic() + 10  # the kernel releases them as the processes end
        while listening & set(_listening_inodes()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not listening & set(_listening_inodes())
    finally:
        proc.kill()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_without_db_leave_no_temporary_databases(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    tempfile.tempdir = None
    proc, _ = _start(["--workers", "2"], env)
    time.sleep(0.5)
    assert any(p.name.startswith("pm3-mockserver-") for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    assert proc.stdout is not None
    proc.stdout.close()
    assert proc.returncode == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("pm3-mockserver-")]
