"""Credentials that cannot log in: one attempt, then exit 2 with one line saying why.

A wrong password is not a conformance failure of the server, and every further request with it
brings a live account closer to a lockout: ``run`` logs in once and stops there.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from conformance.cli import main
from mockserver import MockServer
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import DOC_USERNAME

WRONG_PASSWORD = "not-the-Pa$$word"


def _credentials(tmp_path: Path, **changes: str) -> Path:
    path = tmp_path / "oauthCredentials.json"
    values = {
        "client_id": DOC_CLIENT_ID,
        "client_secret": DOC_CLIENT_SECRET,
        "username": DOC_USERNAME,
        "password": DOC_PASSWORD,
        **changes,
    }
    path.write_text(json.dumps(values), encoding="utf-8")
    path.chmod(0o400)
    return path


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - started
    out, err = capsys.readouterr()
    return code, out, err, elapsed


def _token_requests(pm: MockServer) -> list[dict[str, str]]:
    return [dict(e.request.params) for e in pm.journal if e.request.endpoint == "token"]


@pytest.mark.parametrize("profile", ["documented", "pm-3.4.10"])
def test_a_wrong_password_against_a_live_server_is_tried_once_then_exit_2(
    profile: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = _credentials(tmp_path, password=WRONG_PASSWORD)
    with MockServer(profile) as pm:
        url = pm.url
        code, out, err, elapsed = _run(
            [
                "run",
                "--target",
                pm.url,
                "--credentials",
                str(credentials),
                "--allow-lockout-risk",  # even then: no check runs with credentials that fail
                "--report-dir",
                str(tmp_path / "reports"),
            ],
            capsys,
        )
        sent = _token_requests(pm)
    assert code == 2
    assert [p.get("password") for p in sent] == [WRONG_PASSWORD]  # one login, nothing more
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(
        f"pm3-conformance: error: the credentials in {credentials} cannot log in to {url}/"
    )
    assert 'invalid_grant "Invalid username and password combination"' in lines[0]
    assert lines[0].endswith("; no checks were run")
    assert "Traceback" not in err and out.startswith("reports: ")
    # the reports say what failed (a CI job uploads them), and never the password
    reports = tmp_path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [
        "junit.xml",
        "report.html",
        "report.json",
        "summary.md",
    ]
    message = lines[0].removeprefix("pm3-conformance: error: ")
    (outcome,) = json.loads((reports / "report.json").read_text())["runs"][0]["outcomes"]
    assert outcome["outcome"] == "error" and outcome["failures"][0]["message"] == message
    assert all(WRONG_PASSWORD not in p.read_text() for p in reports.iterdir())
    assert elapsed < 5


def test_a_wrong_client_secret_on_mock_http_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = _credentials(tmp_path, client_secret="0123456789abcdef0123456789abcdef")
    code, out, err, _ = _run(
        [
            "run",
            "--target",
            "mock-http",
            "--credentials",
            str(credentials),
            "--report-dir",
            str(tmp_path / "reports"),
        ],
        capsys,
    )
    assert code == 2
    assert err.count("\n") == 1 and "cannot log in to http://127.0.0.1:" in err
    assert 'invalid_client "The client credentials are invalid"' in err
    assert "no checks were run" in err and out.startswith("reports: ")
    assert "0123456789abcdef0123456789abcdef" not in err
    for written in (tmp_path / "reports").iterdir():
        assert "0123456789abcdef0123456789abcdef" not in written.read_text(), written.name


def test_the_refusal_line_is_redacted_when_the_server_echoes_the_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = _credentials(tmp_path, password=WRONG_PASSWORD)
    with MockServer("pm-3.4.10") as pm:
        pm.override("token").respond_with_error(
            "invalid_grant",
            f"user {DOC_USERNAME} with password {WRONG_PASSWORD} (secret {DOC_CLIENT_SECRET})\n"
            "is unknown",
        )
        code, _, err, _ = _run(
            [
                "run",
                "--target",
                pm.url,
                "--credentials",
                str(credentials),
                "--report-dir",
                str(tmp_path),
            ],
            capsys,
        )
    assert code == 2
    assert err.count("\n") == 1, err  # the description's newline is not a second line
    assert WRONG_PASSWORD not in err and DOC_CLIENT_SECRET not in err
    assert "password <redacted> (secret <redacted>) is unknown" in err
    for name in ("report.json", "junit.xml", "report.html", "summary.md"):
        written = (tmp_path / name).read_text()
        assert WRONG_PASSWORD not in written and DOC_CLIENT_SECRET not in written, name
        assert "password &lt;redacted&gt;" in written or "password <redacted>" in written, name


def test_a_non_token_answer_is_exit_2_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown workspace (503, no body, in the documented profile): no token, no run, and
    the workspace is named as the mistake (not the credentials)."""
    with MockServer() as pm:
        code, _, err, _ = _run(
            [
                "run",
                "--target",
                pm.url,
                "--workspace",
                "nosuchworkspace",
                "--report-dir",
                str(tmp_path),
            ],
            capsys,
        )
        sent = _token_requests(pm)
    assert code == 2 and len(sent) <= 1
    assert err.count("\n") == 1 and "HTTP 503" in err
    assert "workspace 'nosuchworkspace' is unknown" in err and "cannot log in" not in err


def test_the_embedded_mock_with_wrong_credentials_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    credentials = _credentials(tmp_path, password=WRONG_PASSWORD)
    code, _, err, _ = _run(
        ["run", "--credentials", str(credentials), "--report-dir", str(tmp_path / "r")], capsys
    )
    assert code == 2
    assert err == (
        f"pm3-conformance: error: the credentials in {credentials} cannot log in to the "
        'embedded mock: invalid_grant "Invalid username and password combination" (HTTP 200); '
        "no checks were run\n"
    )
