"""Multi-process serving: one listening socket, N forked worker processes, one shared database.

State that must be shared (clients, users, tokens, codes, sessions) lives in the SQLite files of
``--db``; single use stays atomic across processes (``DELETE … RETURNING``). Per-process things
(overrides, faults, the journal, the clock) cannot be shared, so the control API is refused in
this mode.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol


class Worker(Protocol):
    """What a worker process serves: anything that can start on a listening fd and close."""

    def start(self, *, fd: int | None = None) -> object: ...

    def close(self) -> None: ...


PARENT_CHECK = 0.5
"""Seconds between a worker's checks that its master is alive (where the kernel cannot tell it)."""


def die_with_parent(master: int) -> None:
    """Ask Linux to send SIGTERM when the master dies (``prctl(PR_SET_PDEATHSIG)``).

    Elsewhere, the worker's own loop notices a new parent within :data:`PARENT_CHECK` seconds."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != master:  # the master died before the request took effect
        os.kill(os.getpid(), signal.SIGTERM)


def serve_workers(
    make_server: Callable[[], Worker],
    sock: socket.socket,
    workers: int,
    *,
    stop: threading.Event,
) -> int:
    """Fork ``workers`` children serving ``sock`` until ``stop`` is set; returns their worst status."""
    children: list[int] = []
    master = os.getpid()
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # child
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            done = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_, done=done: done.set())
            die_with_parent(master)
            server = make_server()
            server.start(fd=sock.fileno())
            while not done.wait(PARENT_CHECK):
                if os.getppid() != master:  # the master died without telling us (kill -9)
                    break
            server.close()
            os._exit(0)
        children.append(pid)
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    worst = 0
    for pid in children:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for pid in children:
        _, status = os.waitpid(pid, 0)
        worst = max(worst, os.waitstatus_to_exitcode(status))
    return worst


def default_db_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="pm3-mockserver-"))


__all__ = ["Worker", "default_db_dir", "serve_workers"]
