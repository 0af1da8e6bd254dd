"""``pm3-conformance clients`` with several drivers: they run side by side, each progress line
names its driver, and the report keeps the drivers in the order given."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NAIVE = f"{sys.executable} -m conformance.clients.drivers.naive"
FLAWED = f"{sys.executable} -m tests.conformance.clients.flawed_driver"


def _clients(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "conformance", "clients", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_two_drivers_side_by_side(tmp_path: Path) -> None:
    result = _clients(
        "--driver", NAIVE, "--driver", FLAWED, "--jobs", "2",
        "--select", "PM3-CLIENT-ERR-001", "--report-dir", str(tmp_path),
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert f"[1] {NAIVE}" in lines and f"[2] {FLAWED}" in lines
    assert any(line.startswith("[1] FAIL  PM3-CLIENT-ERR-001") for line in lines)
    assert any(line.startswith("[2] PASS  PM3-CLIENT-ERR-001") for line in lines)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [run["target"]["url"] for run in report["runs"]] == [NAIVE, FLAWED]


def test_jobs_must_be_positive(tmp_path: Path) -> None:
    result = _clients("--driver", NAIVE, "--jobs", "0", "--report-dir", str(tmp_path))
    assert result.returncode == 2
    assert "--jobs: expected a whole number of 1 or more, not '0'" in result.stderr


def test_run_and_clients_keep_their_own_default_report_dirs(tmp_path: Path) -> None:
    """A CI job that checks a server and a client, each with its default report directory:
    the second command leaves the first one's reports alone."""
    run = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--quiet", "--select", "PM3-WS-001"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    clients = subprocess.run(
        [sys.executable, "-m", "conformance", "clients", "--driver", NAIVE, "--quiet",
         "--select", "PM3-CLIENT-LOGIN-001"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )  # fmt: skip
    assert clients.returncode == 0, clients.stderr
    assert "reports: pm3-client-reports/report.json" in clients.stdout
    server = json.loads((tmp_path / "pm3-reports" / "report.json").read_text(encoding="utf-8"))
    client = json.loads(
        (tmp_path / "pm3-client-reports" / "report.json").read_text(encoding="utf-8")
    )
    assert [r["kind"] for r in server["runs"]] == ["server"]
    assert [r["kind"] for r in client["runs"]] == ["client"]
    page = (tmp_path / "pm3-client-reports" / "report.html").read_text(encoding="utf-8")
    assert f"driver: {NAIVE}" in page.split("</header>")[0]
