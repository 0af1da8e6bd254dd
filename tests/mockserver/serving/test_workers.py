"""Multi-process serving: N workers on one socket and one database behave as one server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import requests

from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mockserver.helpers import password_params


def test_workers_share_state_and_refresh_races_have_one_winner(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "--workers",
            "3",
            "--port",
            "0",
            "--db",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        url = first.rsplit(" ", 1)[1].strip()
        assert "3 worker processes" in proc.stdout.readline()
        tokens = [
            requests.post(f"{url}/workflow/oauth2/token", data=password_params(), timeout=10).json()
            for _ in range(6)
        ]
        # every token validates whichever worker answers
        for body in tokens:
            for _ in range(3):
                ok = requests.get(
                    f"{url}/api/1.0/workflow/users",
                    params={"access_token": body["access_token"]},
                    timeout=10,
                )
                assert ok.status_code == 200
        # a refresh race across processes: exactly one winner per token
        for body in tokens[:3]:
            results: list[dict[str, str]] = []
            barrier = threading.Barrier(6)

            def go(
                token: str = body["refresh_token"],
                barrier: threading.Barrier = barrier,
                results: list[dict[str, str]] = results,
            ) -> None:
                barrier.wait()
                results.append(
                    requests.post(
                        f"{url}/workflow/oauth2/token",
                        data={
                            "grant_type": "refresh_token",
                            "client_id": DOC_CLIENT_ID,
                            "client_secret": DOC_CLIENT_SECRET,
                            "refresh_token": token,
                        },
                        timeout=10,
                    ).json()
                )

            threads = [threading.Thread(target=go) for _ in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert sum("access_token" in r for r in results) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
        assert proc.stdout is not None and proc.stderr is not None
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == 0, err
    assert (tmp_path / "wf_workflow.sqlite").exists()


def test_workers_refuse_the_control_api() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mockserver", "--workers", "2", "--control"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "--control needs a single process" in result.stderr
