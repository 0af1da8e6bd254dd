"""Multi-process serving on granian: N worker processes, one address, one shared database.

granian (a Rust HTTP server with a WSGI interface) accepts and parses; each worker process runs
the app. State that must be shared (clients, users, tokens, codes, sessions) lives in the SQLite
files of ``--db``; single use stays atomic across processes (``DELETE … RETURNING``). Per-process
things (overrides, the journal, the clock) cannot be shared, so the control API is refused in
this mode, and connection faults (which need the raw socket) are too.

Each worker asks the kernel to kill it when its master dies (``PR_SET_PDEATHSIG``), so a
``kill -9`` of the master leaves no orphan holding the port.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Mapping
from pathlib import Path

SHUTDOWN_GRACE = 5
"""Seconds a worker may take to finish in-flight requests when the server stops."""


def die_with_parent(master: int) -> None:
    """Ask Linux to kill this process when ``master`` (its parent) dies.

    SIGKILL, not SIGTERM: granian's workers shut down gracefully on SIGTERM, which under load
    took longer than a master's sudden death should leave a port held. The databases are SQLite
    in WAL mode, which a killed writer leaves consistent."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != master:  # the master died before the request took effect
        os.kill(os.getpid(), signal.SIGKILL)


def free_port(host: str) -> int:
    """A port the kernel would give now (granian binds by number, so port 0 is resolved first)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_listening(host: str, port: int, timeout: float = 30.0) -> bool:
    """Whether ``host:port`` accepts connections within ``timeout`` seconds."""
    import time

    target = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((target, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.02)
    return False


def serve_granian(
    factory: str,
    *,
    workers: int,
    host: str,
    port: int,
    tls: tuple[Path, Path] | None = None,
    environment: Mapping[str, str] | None = None,
) -> None:
    """Run ``factory`` (``module:function`` returning a WSGI app) in ``workers`` processes.

    Blocks until SIGINT or SIGTERM; ``environment`` is set before the workers start, which is
    how they receive their configuration.
    """
    from granian.constants import Interfaces
    from granian.server import Server

    os.environ.update(environment or {})
    server = Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        factory=True,
        ssl_cert=tls[0] if tls else None,
        ssl_key=tls[1] if tls else None,
        log_enabled=False,
        respawn_failed_workers=True,
        # A worker still holding keep-alive connections is killed after this long, so Ctrl-C
        # or SIGTERM stops the server in bounded time (granian would otherwise wait for them).
        workers_kill_timeout=SHUTDOWN_GRACE,
    )
    server.serve()


def default_db_dir() -> Path:
    import tempfile

    return Path(tempfile.mkdtemp(prefix="pm3-mockserver-"))


__all__ = ["default_db_dir", "die_with_parent", "free_port", "serve_granian", "wait_listening"]
