"""Faults survived: a killed server restarted on its --db keeps every token; a client that
disconnects mid-request leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.mockserver.helpers import password_params


def _start(db: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    return proc, proc.stdout.readline().rsplit(" ", 1)[1].strip()


def test_kill_and_restart_keeps_tokens(tmp_path: Path) -> None:
    proc, url = _start(tmp_path)
    tokens = [
        requests.post(f"{url}/workflow/oauth2/token", data=password_params(), timeout=10).json()
        for _ in range(20)
    ]
    proc.send_signal(signal.SIGKILL)  # no clean shutdown
    proc.wait(timeout=10)
    assert proc.stdout is not None
    proc.stdout.close()
    check = sqlite3.connect(tmp_path / "wf_workflow.sqlite")
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()
    proc, url = _start(tmp_path)
    try:
        for body in tokens:
            ok = requests.get(
                f"{url}/api/1.0/workflow/users",
                params={"access_token": body["access_token"]},
                timeout=10,
            )
            assert ok.status_code == 200
        refreshed = requests.post(
            f"{url}/workflow/oauth2/token",
            data={
                **password_params(),
                "grant_type": "refresh_token",
                "refresh_token": tokens[0]["refresh_token"],
            },
            timeout=10,
        ).json()
        assert "access_token" in refreshed
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()


def test_client_disconnecting_mid_request_leaves_no_state(tmp_path: Path) -> None:
    proc, url = _start(tmp_path)
    try:
        host, port = url.rsplit("//", 1)[1].split(":")
        body = "&".join(
            f"{k}={v}" for k, v in password_params(scope="view_processes").items()
        ).encode()
        for _ in range(10):
            sock = socket.create_connection((host, int(port)), timeout=5)
            sock.sendall(
                b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body[: len(body) // 2]
            )
            sock.close()  # gone before the body is complete
        time.sleep(0.5)
        db = sqlite3.connect(tmp_path / "wf_workflow.sqlite")
        assert db.execute("SELECT COUNT(*) FROM OAUTH_ACCESS_TOKENS").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM OAUTH_REFRESH_TOKENS").fetchone() == (0,)
        db.close()
        # and the server still answers
        assert (
            "access_token"
            in requests.post(
                f"{url}/workflow/oauth2/token", data=password_params(), timeout=10
            ).json()
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stdout is not None
        proc.stdout.close()
