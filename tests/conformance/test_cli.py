"""``pm3-conformance``: exit codes, one-line errors, reports written and valid."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.cli import main
from mockserver import MockServer
from reports import read_json


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["list"], capsys)
    assert code == 0
    assert "PM3-TOKEN-PASSWORD-001" in out
    assert re.search(
        r"^\d+ checks; on a live install: \d+ live, .*\d+ mock-only$", out.strip(), re.M
    )
    code, out, _ = _run(["list", "--json", "--select", "refresh"], capsys)
    rows = json.loads(out)
    assert rows and all("refresh" in r["tags"] for r in rows)


def test_list_says_how_each_check_runs_on_a_live_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Live, with --slow, with --allow-lockout-risk, or mock-only; every mode but live says why."""
    code, out, _ = _run(["list", "--json"], capsys)
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert {r["live"] for r in rows.values()} <= {
        "live",
        "--slow",
        "--allow-lockout-risk",
        "mock-only",
    }
    assert all(r["live_why"] for r in rows.values() if r["live"] != "live")
    assert rows["PM3-TOKEN-PASSWORD-005"]["live"] == "--allow-lockout-risk"
    assert rows["PM3-PROP-002"]["live"] == "mock-only"
    assert "store" in rows["PM3-PROP-002"]["live_why"]
    code, text, _ = _run(["list", "--select", "PM3-PROP-002"], capsys)
    assert f"live: mock-only ({rows['PM3-PROP-002']['live_why']})" in text


def test_run_all_pass_writes_valid_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(["run", "--report-dir", str(tmp_path), "--quiet"], capsys)
    assert code == 0, out
    assert "documented:" in out and " 0 failed" in out
    report = read_json(tmp_path / "report.json")
    assert report.ok and report.runs[0].profile_values["token_error_status"] == 200
    assert (tmp_path / "junit.xml").read_text().startswith("<?xml")
    assert "<!DOCTYPE html>" in (tmp_path / "report.html").read_text()
    assert (tmp_path / "summary.md").exists()


def test_profile_mismatch_fails_naming_the_differences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = _run(
        [
            "run",
            "--profile",
            "documented",
            "--mock-profile",
            "pm-3.4.10",
            "--report-dir",
            str(tmp_path),
        ],
        capsys,
    )
    assert code == 1
    assert "FAIL" in err and "PM3-WS-001" in err
    report = read_json(tmp_path / "report.json")
    failed = {o.id for o in report.runs[0].outcomes if o.outcome == "failed"}
    assert {"PM3-WS-001", "PM3-TOKEN-ERRORS-004", "PM3-TOKEN-REFRESH-007"} <= failed


def test_deviations_file_turns_known_failures_into_expected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deviations = tmp_path / "deviations.json"
    deviations.write_text(
        json.dumps(
            {
                "deviations": [
                    {"id": "PM3-WS-001", "reason": "3.4.10 answers 400 JSON", "reference": "§1.5"}
                ]
            }
        )
    )
    code, _, _ = _run(
        [
            "run",
            "--mock-profile",
            "pm-3.4.10",
            "--select",
            "PM3-WS-001",
            "--deviations",
            str(deviations),
            "--report-dir",
            str(tmp_path / "r"),
            "--quiet",
        ],
        capsys,
    )
    assert code == 0
    assert (
        read_json(tmp_path / "r" / "report.json").runs[0].outcomes[0].outcome
        == "expected_deviation"
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "--profile", "pm-9"], "unknown profile 'pm-9'"),
        (["run", "--select", "NOPE-*"], "matches no check"),
        (["run", "--target", "ftp://x"], "--target must be"),
        (["run", "--workers", "0"], "--workers must be at least 1"),
        (["run", "--credentials", "/no/such/file.json"], "cannot read"),
        (["fingerprint", "--target", "http://127.0.0.1:9"], "cannot reach"),
        (["run", "--target", "http://127.0.0.1:9"], "cannot reach"),
        (["report", "render", "/no/such/report.json"], "cannot read"),
        (["clients", "--driver", "/no/such/driver"], "cannot start driver"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(
    argv: list[str], needle: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        [*argv, *(["--report-dir", str(tmp_path)] if argv[0] in ("run", "clients") else [])], capsys
    )
    assert code == 2
    assert needle in err
    assert "Traceback" not in err


def test_fingerprint_a_live_mock(capsys: pytest.CaptureFixture[str]) -> None:
    with MockServer("pm-3.4.11") as pm:
        code, out, _ = _run(["fingerprint", "--target", pm.url], capsys)
    assert code == 0
    assert "best match: pm-3.4.11" in out


def test_live_http_target_runs_read_only_and_paced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        code, _out, err = _run(
            [
                "run",
                "--target",
                pm.url,
                "--rate",
                "200",
                "--select",
                "PM3-TOKEN-*",
                "--report-dir",
                str(tmp_path),
            ],
            capsys,
        )
        # no wrong password was sent: lockout-risk checks are skipped on live targets
        assert all(e.request.params.get("password") in (None, "p4ssw0rd", "0") for e in pm.journal)
        # the tokens it obtained were expired afterwards (not the web session's designer tokens,
        # which the server itself issues at each classic login, linked to that session)
        live = pm.workspace().query(
            "SELECT COUNT(*) FROM OAUTH_ACCESS_TOKENS WHERE EXPIRES > ? AND ACCESS_TOKEN NOT IN "
            "(SELECT ACCESS_TOKEN FROM PMOAUTH_USER_ACCESS_TOKENS)",
            (pm.clock.stamp(),),
        )
    assert code == 0, err
    assert live == [(0,)]
    report = read_json(tmp_path / "report.json")
    skipped = {o.id: o.skip_reason for o in report.runs[0].outcomes if o.outcome == "skipped"}
    assert "PM3-TOKEN-PASSWORD-005" in skipped and "lockout" in skipped["PM3-TOKEN-PASSWORD-005"]
    assert "PM3-TOKEN-REFRESH-007" in skipped  # needs the clock
    assert "p4ssw0rd" not in (tmp_path / "report.json").read_text()


def test_report_render_and_diff(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(["run", "--report-dir", str(tmp_path / "old"), "--quiet", "--select", "PM3-WS-*"], capsys)
    _run(
        [
            "run",
            "--mock-profile",
            "pm-3.4.10",
            "--report-dir",
            str(tmp_path / "new"),
            "--quiet",
            "--select",
            "PM3-WS-*",
        ],
        capsys,
    )
    code, out, _ = _run(
        ["report", "render", str(tmp_path / "old" / "report.json"), "--format", "md"], capsys
    )
    assert code == 0 and "all passed" in out
    code, out, _ = _run(
        [
            "report",
            "diff",
            str(tmp_path / "old" / "report.json"),
            str(tmp_path / "new" / "report.json"),
        ],
        capsys,
    )
    assert code == 1 and "PM3-WS-001" in out.split("### Regressions")[1]
    code, _, _ = _run(
        [
            "report",
            "diff",
            str(tmp_path / "old" / "report.json"),
            str(tmp_path / "old" / "report.json"),
        ],
        capsys,
    )
    assert code == 0


def test_clients_command_with_a_driver(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance",
            "clients",
            "--driver",
            f"{sys.executable} -m conformance.clients.drivers.naive",
            "--select",
            "PM3-CLIENT-ERR-001",
            "PM3-CLIENT-LOGIN-001",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CI": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert "FAIL  PM3-CLIENT-ERR-001" in result.stderr
    report = read_json(tmp_path / "report.json")
    assert report.runs[0].kind == "client" and report.runs[0].name.startswith("naive")


def test_pytest_plugin_runs_the_suite(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--pyargs",
            "conformance.suite",
            "-q",
            "-p",
            "no:cacheprovider",
            "--pm3-profile",
            "pm-3.4.10",
            "--pm3-select",
            "PM3-WS-*",
            "-p",
            "no:benchmark",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "8 passed" in result.stdout


def test_fail_on_counts_only_failures_at_or_above_the_severity(tmp_path: Path) -> None:
    from conformance.cli import main as cli_main

    # documented expectations against a 3.4.10 mock: failures of every severity.
    args = ["run", "--profile", "documented", "--mock-profile", "pm-3.4.10", "--quiet"]
    assert cli_main([*args, "--report-dir", str(tmp_path / "a")]) == 1
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    failed = {
        o["severity"] for r in report["runs"] for o in r["outcomes"] if o["outcome"] == "failed"
    }
    assert "critical" in failed or "high" in failed
    top = "critical" if "critical" in failed else "high"
    assert cli_main([*args, "--report-dir", str(tmp_path / "b"), "--fail-on", top]) == 1
    lower = ["info", "low", "medium", "high", "critical"]
    above = [s for s in lower if lower.index(s) > lower.index(max(failed, key=lower.index))]
    for severity in above:
        assert cli_main([*args, "--report-dir", str(tmp_path / "c"), "--fail-on", severity]) == 0


def test_fingerprint_json(capsys: pytest.CaptureFixture[str]) -> None:
    from conformance.cli import main as cli_main

    assert cli_main(["fingerprint", "--target", "mock", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["best_match"] == "documented"
    assert data["total"] == len(data["observations"]) > 0
    assert all("documented" in o["predictions"] for o in data["observations"])


def test_loopback_is_unpaced_and_remote_paced() -> None:
    from conformance.cli import _target
    from conformance.cli import build_parser
    from conformance.cli import is_loopback_url

    assert is_loopback_url("http://127.0.0.1:8080")
    assert is_loopback_url("http://localhost/")
    assert is_loopback_url("https://[::1]:9")
    assert not is_loopback_url("http://127.0.0.1.evil.example/")
    assert not is_loopback_url("https://pm.example.com")
    parser = build_parser()
    local = _target(parser.parse_args(["run", "--target", "http://127.0.0.1:1"]), "documented")
    remote = _target(parser.parse_args(["run", "--target", "https://pm.example.com"]), "documented")
    assert local.min_interval == 0
    assert remote.min_interval == pytest.approx(0.2)


def test_the_plain_http_warning_is_for_remote_hosts_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from conformance.cli import _target
    from conformance.cli import build_parser

    parser = build_parser()
    _target(parser.parse_args(["run", "--target", "http://localhost:1"]), "documented")
    assert "plain http" not in capsys.readouterr().err
    _target(parser.parse_args(["run", "--target", "http://pm.example.com"]), "documented")
    assert "plain http" in capsys.readouterr().err


def test_run_with_a_profile_file_expects_it_and_the_mock_serves_it(tmp_path: Path) -> None:
    from conformance.cli import main as cli_main

    path = tmp_path / "p.json"
    path.write_text(
        json.dumps(
            {
                "name": "docs-2h",
                "extends": "documented",
                "fields": {
                    "access_lifetime": {
                        "value": 7200,
                        "provenance": {"kind": "decision", "ref": "test"},
                    }
                },
            }
        )
    )
    args = ["run", "--profile-file", str(path), "--quiet", "--report-dir", str(tmp_path / "r")]
    assert cli_main(args) == 0  # expected and served alike: every check passes
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert report["runs"][0]["name"] == "docs-2h" or "docs-2h" in json.dumps(report["runs"][0])
    # The same file expected of a mock that serves the plain documented profile: differences.
    mismatch = [*args[:-1], str(tmp_path / "m"), "--mock-profile", "documented"]
    assert cli_main(mismatch) == 1


def test_a_bad_profile_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from conformance.cli import main as cli_main

    path = tmp_path / "p.json"
    path.write_text('{"name": "x", "extends": "pm-0"}')
    assert cli_main(["run", "--profile-file", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "extends" in err


CALLBACK_CHECKS = ["PM3-AUTHZ-003", "PM3-AUTHZ-004", "PM3-AUTHZ-006", "PM3-TOKEN-CODE-004"]
DOC_CREDENTIALS_FILE = {
    "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
    "client_secret": "28060566356f0b9db4f0429090515303",
    "username": "johndoe",
    "password": "p4ssw0rd",
}


def _credentials_file(tmp_path: Path, **extra: str) -> Path:
    path = tmp_path / "oauthCredentials.json"
    path.write_text(json.dumps({**DOC_CREDENTIALS_FILE, **extra}))
    path.chmod(0o400)  # as the documentation says
    return path


def _outcomes(report_dir: Path) -> dict[str, tuple[str, str]]:
    report = read_json(report_dir / "report.json")
    return {o.id: (o.outcome, o.skip_reason) for o in report.runs[0].outcomes}


def test_a_live_install_with_its_own_callback_passes_the_callback_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The admin's journey: the install's application has its own callback. Named in the
    credentials file (or with --redirect-uri) the four checks that compare a redirect with it
    pass; unknown, they skip saying how to name it (they never fail for the suite's reason)."""
    callback = "https://crm.acme.example/oauth/processmaker"
    with MockServer() as pm:
        pm.workspace().set_client_redirect_uri(DOC_CREDENTIALS_FILE["client_id"], callback)
        common = ["run", "--target", pm.url, "--select", *CALLBACK_CHECKS, "--report-dir"]
        named = _credentials_file(tmp_path, redirect_uri=callback)
        code, _, err = _run([*common, str(tmp_path / "file"), "--credentials", str(named)], capsys)
        assert code == 0, err
        assert {o for o, _ in _outcomes(tmp_path / "file").values()} == {"passed"}

        code, _, err = _run([*common, str(tmp_path / "flag"), "--redirect-uri", callback], capsys)
        assert code == 0, err
        assert {o for o, _ in _outcomes(tmp_path / "flag").values()} == {"passed"}

        code, _, err = _run([*common, str(tmp_path / "none")], capsys)
    assert code == 0, err
    outcomes = _outcomes(tmp_path / "none")
    assert sorted(outcomes) == sorted(CALLBACK_CHECKS)
    for outcome, reason in outcomes.values():
        assert outcome == "skipped"
        assert '"redirect_uri"' in reason and "--redirect-uri" in reason
    assert "SKIP" in err and "redirect_uri" in err  # the CI line says why too


def test_a_callback_that_is_no_url_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _credentials_file(tmp_path, redirect_uri="crm.acme.example/cb")
    code, _, err = _run(["run", "--credentials", str(bad), "--report-dir", str(tmp_path)], capsys)
    assert code == 2
    assert err.count("\n") == 1 and "redirect_uri" in err and "absolute http(s) URL" in err
    code, _, err = _run(["run", "--redirect-uri", "", "--report-dir", str(tmp_path)], capsys)
    assert code == 2 and "--redirect-uri" in err


def test_a_workspace_typo_blames_the_workspace_not_the_credentials(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ProcessMaker answers an unknown workspace with an empty 503 (the documentation), the
    3.0 betas' page or 3.4's Restler 400: the error names the workspace, for each."""
    for profile in ("documented", "pm-3.0-rc", "pm-3.4.11"):
        with MockServer(profile) as pm:
            argv = ["run", "--target", pm.url, "--workspace", "wrokflow"]
            code, _, err = _run([*argv, "--report-dir", str(tmp_path)], capsys)
        assert code == 2
        assert "workspace 'wrokflow' is unknown" in err and "--workspace" in err, err
        assert "cannot log in" not in err and err.count("\n") == 1


@pytest.mark.parametrize("command", ["fingerprint", "record"])
def test_probes_without_credentials_say_they_used_the_documentation_example(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        argv = {
            "fingerprint": ["fingerprint", "--target", pm.url],
            "record": ["record", pm.url, "--out", str(tmp_path / "p.json")],
        }[command]
        code, out, _ = _run(argv, capsys)
        assert code == 0
        assert out.startswith("pm3-conformance: note: ")
        assert "documentation's example credentials" in out and "johndoe" in out
        code, _, err = _run([*argv, "--json"], capsys)  # stdout stays JSON
        assert code == 0 and "documentation's example credentials" in err
        code, out, err = _run([*argv, "--credentials", str(_credentials_file(tmp_path))], capsys)
    assert code == 0 and "example credentials" not in out + err


@pytest.mark.parametrize("command", ["run", "fingerprint", "record"])
def test_https_against_a_plain_http_server_says_so(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        url = pm.url.replace("http://", "https://")
        argv = {
            "run": ["run", "--target", url, "--report-dir", str(tmp_path)],
            "fingerprint": ["fingerprint", "--target", url],
            "record": ["record", url, "--out", str(tmp_path / "p.json")],
        }[command]
        code, _, err = _run(argv, capsys)
        plain = pm.url
    assert code == 2
    error = err.strip().splitlines()[-1]  # after fingerprint's note on the example credentials
    assert error.startswith("pm3-conformance: error: "), err
    assert "answers in plain HTTP, not HTTPS" in error and f"use {plain}" in error, err
    assert "WRONG_VERSION_NUMBER" not in err


def test_profile_and_profile_file_swapped_say_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile_file = tmp_path / "acme.json"
    profile_file.write_text('{"name": "acme", "extends": "pm-3.4.10", "fields": {}}')
    for argv, hint in (
        (["run", "--profile", str(profile_file)], f"did you mean --profile-file {profile_file}?"),
        (["run", "--profile-file", "pm-3.4.10"], "did you mean --profile pm-3.4.10?"),
        (["fingerprint", "--profile-file", "pm-3.4.10"], "did you mean --profile pm-3.4.10?"),
    ):
        code, _, err = _run(argv, capsys)
        assert code == 2 and hint in err and err.count("\n") == 1, err


def _user_runs(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``pm3-conformance ARGV`` as a user types it: a separate process, the user's directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PM3_")}
    return subprocess.run(
        [sys.executable, "-m", "conformance", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_live_run_fingerprints_first_and_expects_the_best_match(tmp_path: Path) -> None:
    pm = MockServer("pm-3.4.11").start()
    try:
        done = _user_runs(["run", "--target", pm.url, "--quiet"], tmp_path)
    finally:
        pm.close()
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("profile: pm-3.4.11 (--profile auto"), done.stdout
    assert "observations agree" in first and "differs" not in first
    assert "pm-3.4.11: " in done.stdout and " 0 failed, 0 errors" in done.stdout
    run = json.loads((tmp_path / "pm3-reports" / "report.json").read_text())["runs"][0]
    assert run["profile"] == "pm-3.4.11"
    choice = run["profile_choice"]
    assert choice["best_match"] == "pm-3.4.11" and choice["differ"] == []
    assert choice["score"] == choice["total"] > 0
    html = (tmp_path / "pm3-reports" / "report.html").read_text()
    assert f"pm-3.4.11 (auto: fingerprint {choice['score']}/{choice['total']})" in html


def test_a_live_run_that_no_profile_matches_names_the_fields_that_differ(
    tmp_path: Path,
) -> None:
    from mockserver.state.profile_files import load_profile_file

    path = tmp_path / "acme.json"
    path.write_text(
        json.dumps(
            {
                "name": "acme",
                "extends": "pm-3.4.11",
                "fields": {
                    "access_lifetime": {
                        "value": 7200,
                        "provenance": {"kind": "decision", "ref": "an install's own setting"},
                    }
                },
            }
        )
    )
    pm = MockServer(load_profile_file(path)).start()
    try:
        done = _user_runs(["run", "--target", pm.url, "--quiet"], tmp_path)
    finally:
        pm.close()
    first = done.stdout.splitlines()[0]
    assert first.startswith("profile: pm-3.4.11 (--profile auto"), done.stdout
    assert "differs in: access_lifetime (expires_in): server 7200, pm-3.4.11 " in first, first
    assert "--profile-file FILE" in first
    run = json.loads((tmp_path / "pm3-reports" / "report.json").read_text())["runs"][0]
    assert [d["field"] for d in run["profile_choice"]["differ"]] == ["access_lifetime"]
    assert done.returncode == 1  # the checks of the lifetime fail, as the line said they would


def test_profile_auto_is_for_live_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["run", "--profile", "auto"], capsys)
    assert code == 2 and "--profile auto fingerprints a live server" in err
    assert err.count("\n") == 1


def test_run_keeps_hypothesis_files_out_of_the_working_directory(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"
    work.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "conformance", "run", "--quiet", "--select", "PM3-PROP-*"],
        cwd=work,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("HYPOTHESIS")},
            "XDG_CACHE_HOME": str(cache),
        },
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["pm3-reports"]
    assert any((cache / "pm3-conformance" / "hypothesis").iterdir())


def test_a_loopback_target_is_not_warned_about_the_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        argv = ["run", "--target", pm.url, "--select", "PM3-WS-001", "--report-dir", str(tmp_path)]
        code, out, err = _run(argv, capsys)
    assert code == 0, err
    assert "cross the network readable" not in out + err
    assert "transport: plain http on this machine (loopback)" in out + err


def test_the_pytest_plugin_takes_the_live_run_s_slow_and_callback(tmp_path: Path) -> None:
    """--pm3-redirect-uri names the callback the redirect checks compare with (a wrong one fails
    them, as on a live install with another callback); a bad one is a usage error."""
    base = [sys.executable, "-m", "pytest", "--pyargs", "conformance.suite", "-q"]
    base += ["-p", "no:cacheprovider", "-p", "no:benchmark", "--pm3-select", "PM3-AUTHZ-003"]

    def pytest_(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*base, *extra], capture_output=True, text=True, timeout=120, cwd=tmp_path
        )

    assert pytest_().returncode == 0
    wrong = pytest_("--pm3-redirect-uri", "https://elsewhere.example.com/cb", "--pm3-slow")
    assert wrong.returncode == 1 and "1 failed" in wrong.stdout, wrong.stdout[-1500:]
    bad = pytest_("--pm3-redirect-uri", "not-a-url")
    assert bad.returncode != 0 and "--pm3-redirect-uri" in bad.stdout + bad.stderr
