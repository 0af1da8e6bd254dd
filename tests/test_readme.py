"""Every command in the README's shell blocks is run by a test.

``COMMANDS`` maps each command line as the README writes it to how it runs here: a remote URL or a
placeholder driver is replaced by a local mock or a reference driver, and the result is checked.
A README command that is not in the table fails ``test_every_readme_command_is_covered``.
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from mockserver import MockServer
from tests.conformance.clients.drivers.kits import JS
from tests.conformance.clients.drivers.kits import PHP
from tests.tools import require

README = Path(__file__).resolve().parents[1] / "README.md"
BIN = Path(sys.executable).parent
JS_KIT = Path("conformance/clients/drivers/js")


def readme_commands() -> list[str]:
    """Command lines of the ```sh blocks (continuation lines joined, comments dropped)."""
    commands: list[str] = []
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.S):
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            line = line.split("  #", 1)[0].strip()
            if line:
                commands.append(re.sub(r"\s+", " ", line))
    return commands


def _run(command: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run(
        shlex.split(command), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def _ok(command: str, cwd: Path, code: int = 0) -> str:
    result = _run(command, cwd)
    assert result.returncode == code, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def run_main_job(tmp: Path) -> None:
    # The install half is what tox does to build this environment; the job itself runs here.
    out = _ok("pm3-conformance run", tmp)
    assert "0 failed" in out and (tmp / "pm3-reports" / "report.html").exists()
    # the README shows what it prints: the same counts (a new check updates the README)
    counts = r"documented: \d+ passed, \d+ failed, \d+ errors, \d+ skipped"
    shown = re.search(counts, README.read_text(encoding="utf-8"))
    printed = re.search(counts, out + _run("pm3-conformance run -q", tmp).stderr)
    assert shown is not None and printed is not None
    assert shown.group(0) == printed.group(0), (shown.group(0), printed.group(0))


def run_tests(tmp: Path) -> None:
    # This test runs inside `python3 -m tox` (or inside a plain `pytest` in tox's environment, or
    # any other one): running tox again here would recurse. Whether tox is on PATH says nothing
    # of the command; what it runs does. tox runs tox.ini's env_list: each listed environment is
    # defined, the test environment installs an extra the package declares and runs pytest,
    # whose configuration collects this very suite.
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(README.parent / "tox.ini", encoding="utf-8")
    envs = [e.strip() for e in tox["tox"]["env_list"].split(",") if e.strip()]
    assert envs and all(tox.has_section(f"testenv:{e}") for e in envs), envs
    extra = tox["testenv"]["extras"].strip()
    project = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert extra in project["project"]["optional-dependencies"], extra
    assert shlex.split(tox["testenv"]["commands"])[0] == "pytest"
    testpaths = project["tool"]["pytest"]["ini_options"]["testpaths"]
    assert Path(__file__).resolve().parent in {README.parent / t for t in testpaths}, testpaths


def run_control_curl(tmp: Path) -> None:
    require(shutil.which("curl"), "curl", ".ci/run installs it")
    with MockServer(control=True) as pm:
        command = (
            f"curl -s -X POST {pm.url}/_pm3/faults -H 'Content-Type: application/json' "
            """-d '{"match": {"endpoint": "token"}, "fault": "truncate"}'"""
        )
        assert json.loads(_ok(command, tmp))["added"] == 1
        assert len(pm.scripting.pending()) == 1


def run_list(tmp: Path) -> None:
    assert "PM3-TOKEN-PASSWORD-001" in _ok("pm3-conformance list", tmp)


def run_all_profiles(tmp: Path) -> None:
    out = _ok("pm3-conformance run --profile all --quiet", tmp)
    assert out.count("0 failed") == 5


def run_differences(tmp: Path) -> None:
    out = _ok("pm3-conformance run --profile pm-3.4.10 --mock-profile documented --quiet", tmp, 1)
    assert "failed" in out
    # the page a user opens: the header names what was tested, failures come first and open,
    # the Runs table's target is words, not a JSON object
    page = (tmp / "pm3-reports" / "report.html").read_text(encoding="utf-8")
    header = page.split("<header>")[1].split("</header>")[0]
    assert "embedded mock (documented), workspace workflow" in header and "failed" in header
    first = page.split('<div id="checks">')[1].split("<details")[1].split(">")[0]
    assert 'data-outcome="failed"' in first and " open" in first, first
    runs = page.split('<table id="runs">')[1].split("</table>")[0]
    assert "<td>embedded mock (documented), workspace workflow</td>" in runs
    assert "{&quot;" not in runs


def _on_a_terminal(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``command`` with its stdout on a pseudo-terminal, as typed at a shell prompt."""
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        done = subprocess.run(
            shlex.split(command),
            cwd=cwd,
            env=env,
            stdout=follower,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    return subprocess.CompletedProcess(done.args, done.returncode, "", done.stderr)


def run_report_render(tmp: Path) -> None:
    _ok("pm3-conformance run --quiet --select PM3-WS-*", tmp)
    command = "pm3-conformance report render pm3-reports/report.json --format html -o report.html"
    assert _ok(command, tmp) == ""
    assert "embedded mock (documented)" in (tmp / "report.html").read_text(encoding="utf-8")
    # the same command without -o, typed at a terminal: one line naming -o, not a page of HTML
    for fmt in ("html", "junit"):
        typed = _on_a_terminal(
            f"pm3-conformance report render pm3-reports/report.json --format {fmt}", tmp
        )
        assert typed.returncode == 2 and "give -o FILE" in typed.stderr, typed.stderr
        assert typed.stderr.count("\n") == 1
    # Markdown is text: it shows on the terminal; any format goes to a pipe as before
    assert (
        _on_a_terminal(
            "pm3-conformance report render pm3-reports/report.json --format md", tmp
        ).returncode
        == 0
    )
    assert _ok("pm3-conformance report render pm3-reports/report.json", tmp).startswith("<!DOCTYPE")


def run_report_diff(tmp: Path) -> None:
    _ok("pm3-conformance run --quiet --select PM3-WS-* --report-dir baseline", tmp)
    _ok("pm3-conformance run --quiet --select PM3-WS-*", tmp)
    command = "pm3-conformance report diff baseline/report.json pm3-reports/report.json -o diff.md"
    assert _ok(command, tmp) == ""
    assert (tmp / "diff.md").read_text(encoding="utf-8").strip()
    typed = _on_a_terminal(
        "pm3-conformance report diff baseline/report.json pm3-reports/report.json --format html",
        tmp,
    )
    assert typed.returncode == 2 and "-o diff.html" in typed.stderr, typed.stderr


def _credentials_file(tmp: Path) -> None:
    path = tmp / "oauthCredentials.json"
    path.write_text(
        json.dumps(
            {
                "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
                "client_secret": "28060566356f0b9db4f0429090515303",
                "username": "johndoe",
                "password": "p4ssw0rd",
            }
        )
    )
    path.chmod(0o400)


def run_live(tmp: Path) -> None:
    _credentials_file(tmp)
    with MockServer() as pm:  # stands in for https://pm.example.com
        out = _ok(
            f"pm3-conformance run --target {pm.url} --workspace workflow "
            "--credentials oauthCredentials.json --quiet",
            tmp,
        )
    assert "0 failed" in out


def run_fingerprint(tmp: Path) -> None:
    with MockServer() as pm:
        out = _ok(f"pm3-conformance fingerprint --target {pm.url} --workspace workflow", tmp)
    assert "best match: documented" in out


def run_pytest_suite(tmp: Path) -> None:
    out = _ok(
        "pytest --pyargs conformance.suite --pm3-target mock --pm3-profile pm-3.4.11 -q "
        "-p no:cacheprovider",
        tmp,
    )
    assert "passed" in out and "failed" not in out


def run_clients(tmp: Path) -> None:
    # The README's driver is a placeholder for the user's own; a reference driver stands in.
    out = _ok(
        "pm3-conformance clients --driver "
        f"'{sys.executable} -m conformance.clients.drivers.authlib_driver' "
        "--report-dir pm3-client-reports --quiet",
        tmp,
    )
    assert "0 failed" in out


def run_npm_ci(tmp: Path) -> None:
    # The pip half is what tox does to build this environment, and tox runs this same npm ci
    # before the tests (running it again here would pull node_modules from under other workers).
    tox = (README.parent / "tox.ini").read_text()
    assert "npm ci --prefix conformance/clients/drivers/js" in tox
    lock = json.loads((README.parent / JS_KIT / "package-lock.json").read_text())
    assert set(lock["packages"][""]["dependencies"]) == {"simple-oauth2", "oauth4webapi"}
    if JS.missing is None:
        installed = README.parent / JS_KIT / "node_modules" / ".package-lock.json"
        assert json.loads(installed.read_text())["name"] == lock["name"]


def _kit_clients(command: str, tmp: Path, missing: str | None, names: tuple[str, ...]) -> None:
    if missing is not None and not os.environ.get("CI"):
        pytest.skip(f"{missing} (in CI this never skips)")
    # from the clone's root, as the README says; the reports go to the test's own folder
    command = command.replace(
        "--report-dir pm3-client-reports", f"--report-dir {tmp / 'pm3-client-reports'}"
    )
    out = _ok(command, README.parent, code=1)  # every client here fails some scenario
    for name in names:
        assert re.search(rf"^{re.escape(name)}.*: \d+ passed, \d+ failed", out, flags=re.M), out
    report = json.loads((tmp / "pm3-client-reports" / "report.json").read_text())
    assert len(report["runs"]) == 2


def run_php_clients(tmp: Path) -> None:
    command = next(
        c for c in COMMANDS if c.startswith('pm3-conformance clients --driver "php conformance/')
    )
    _kit_clients(command, tmp, PHP.missing, ("PHP ", "Guzzle "))


def run_js_clients(tmp: Path) -> None:
    command = next(
        c for c in COMMANDS if c.startswith('pm3-conformance clients --driver "node conformance/')
    )
    _kit_clients(command, tmp, JS.missing, ("simple-oauth2 ", "oauth4webapi "))


def run_schemathesis(tmp: Path) -> None:
    st = require(shutil.which("st", path=str(BIN)), "schemathesis", "it is in the test extra")
    root = README.parent
    with MockServer() as pm:
        result = subprocess.run(
            # a fixed seed: a gate must not depend on the draw (tests/conformance/test_openapi.py
            # does the same); random draws are tox -e fuzz's and the user's
            [
                st,
                "run",
                "schemas/openapi.json",
                "--url",
                pm.url,
                "--max-examples",
                "10",
                "--seed",
                "7",
            ],
            cwd=root,
            env={**os.environ, "SCHEMATHESIS_HOOKS": "conformance.schemathesis"},
            capture_output=True,
            text=True,
            timeout=600,
        )
    failures = result.stdout.partition("=== FAILURES ===")[2] or result.stdout
    assert result.returncode == 0 and "No issues found" in result.stdout, failures[:4000]


def _recorded(tmp: Path) -> None:
    _credentials_file(tmp)
    with MockServer(profile="pm-3.4.10") as pm:  # stands in for https://pm.example.com
        _ok(
            f"pm3-conformance record {pm.url} --workspace workflow "
            "--credentials oauthCredentials.json --out acme.json",
            tmp,
        )
    assert json.loads((tmp / "acme.json").read_text())["extends"] == "pm-3.4.10"


def run_record(tmp: Path) -> None:
    _recorded(tmp)


def run_serve_recording(tmp: Path) -> None:
    _recorded(tmp)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        ["pm3-mockserver", "--profile-file", "acme.json", "--port", "0"],
        cwd=tmp,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "profile serving at" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stdout is not None
        proc.stdout.close()


def run_expect_recording(tmp: Path) -> None:
    _recorded(tmp)
    assert "0 failed" in _ok("pm3-conformance run --profile-file acme.json --quiet", tmp)


def run_fingerprint_against_recording(tmp: Path) -> None:
    _recorded(tmp)
    with MockServer(profile="pm-3.4.10") as pm:
        out = _ok(f"pm3-conformance fingerprint --target {pm.url} --profile-file acme.json", tmp)
    assert "matches acme.json" in out


GIT_URL = "https://git.example.com/you/pm3-oauth-conformance.git"
"""The README's stand-in for wherever a user got this repository."""


def _checkout(where: Path) -> Path:
    """A checked-out copy of this repository as it stands (tracked and new files, committed in a
    fresh git repository, so both a path and a ``git+file`` URL can install it)."""
    root = README.parent
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = root / name
        if source.is_file():
            (where / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, where / name)
    git = ["git", "-c", "user.name=pm3", "-c", "user.email=pm3@example.invalid"]
    for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "checkout"]):
        subprocess.run([*git, *step], cwd=where, check=True, capture_output=True)
    return where


def _fresh_venv(tmp: Path) -> dict[str, str]:
    """A new virtual environment (nothing of this one installed); the environment to run in it."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    path = f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "VIRTUAL_ENV": str(venv)}


def _shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """One line as a CI runner's shell runs it (bash -e: variables expanded, quotes honoured)."""
    return subprocess.run(
        ["bash", "-e", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def _assert_installed(tmp: Path, env: dict[str, str], extras: tuple[str, ...]) -> None:
    """The fresh venv runs the suite from its own copy, with the extras importable."""
    check = _shell(
        "python3 -c 'import conformance, mockserver; print(conformance.__file__)'", tmp, env
    )
    assert check.returncode == 0 and env["VIRTUAL_ENV"] in check.stdout, check.stderr
    for module in extras:
        assert _shell(f"python3 -c 'import {module}'", tmp, env).returncode == 0, module
    run = _shell("pm3-conformance run --quiet --select 'PM3-WS-*' --report-dir r", tmp, env)
    assert run.returncode == 0 and "0 failed" in run.stdout, run.stdout + run.stderr


def run_install_from_path(tmp: Path) -> None:
    env = _fresh_venv(tmp)
    _checkout(tmp / "pm3-oauth-conformance")
    done = _shell("python3 -m pip install './pm3-oauth-conformance[httpx,requests]'", tmp, env)
    assert done.returncode == 0, done.stderr[-2000:]
    _assert_installed(tmp, env, ("httpx", "requests"))


def run_install_from_git(tmp: Path) -> None:
    env = _fresh_venv(tmp)
    url = f"file://localhost{_checkout(tmp / 'checkout')}"
    command = f"python3 -m pip install 'pm3-oauth-conformance[httpx,requests] @ git+{url}'"
    done = _shell(command, tmp, env)
    assert done.returncode == 0, done.stderr[-2000:]
    _assert_installed(tmp, env, ("httpx", "requests"))


def _mariadb(tmp: Path) -> dict[str, str]:
    """Run the README's first --store command: a private MariaDB in ``tmp/db``; its exports."""
    require(shutil.which("mariadb-install-db"), "MariaDB", ".ci/run installs mariadb-server")
    out = _ok(f"bash .ci/mariadb start {tmp / 'db'}", README.parent)
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in out.splitlines() if "=" in line
    )
    assert set(exports) == {"PM3_STORE", "PM3_STORE_RO", "PM3_STORE_PASSWORD"}
    return exports


def run_mariadb_start(tmp: Path) -> None:
    exports = _mariadb(tmp)
    try:
        # the server holds the printed user; a wrong password and none are refused by name
        command = ["pm3-mockserver", "--store", exports["PM3_STORE"], "--workspace", "bad"]
        env = {k: v for k, v in os.environ.items() if k != "PM3_STORE_PASSWORD"}
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        none = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert none.returncode == 2 and "PM3_STORE_PASSWORD" in none.stderr, none.stderr
        env["PM3_STORE_PASSWORD"] = exports["PM3_STORE_PASSWORD"] + "x"
        wrong = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
        assert wrong.returncode == 2 and "refused user 'pm3'" in wrong.stderr, wrong.stderr
    finally:
        _ok(f"bash .ci/mariadb stop {tmp / 'db'}", README.parent)


def run_two_store_hosts(tmp: Path) -> None:
    import requests

    from mockserver.serving.workers import free_port
    from tests.mockserver.helpers import password_params

    exports = _mariadb(tmp)
    env = {**os.environ, **exports, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    ports = [free_port("127.0.0.1"), free_port("127.0.0.1")]  # 8001 and 8002 in the README
    hosts = [
        subprocess.Popen(
            ["pm3-mockserver", "--store", exports["PM3_STORE"], "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    try:
        for host in hosts:
            assert host.stdout is not None and "serving at" in host.stdout.readline()
        a, b = (f"http://127.0.0.1:{port}/workflow/oauth2/token" for port in ports)
        body = requests.post(a, data=password_params(), timeout=30).json()
        again = {**password_params(), "grant_type": "refresh_token"}
        again["refresh_token"] = body["refresh_token"]
        assert "access_token" in requests.post(b, data=again, timeout=30).json()
        assert requests.post(a, data=again, timeout=30).json()["error"] == "invalid_grant"
    finally:
        for host in hosts:
            host.terminate()
            host.communicate(timeout=30)
        _ok(f"bash .ci/mariadb stop {tmp / 'db'}", README.parent)


COMMANDS: dict[str, Callable[[Path], None]] = {
    'eval "$(bash .ci/mariadb start /tmp/pm3-mariadb)"': run_mariadb_start,
    'pm3-mockserver --store "$PM3_STORE" --port 8001 & '
    'pm3-mockserver --store "$PM3_STORE" --port 8002': run_two_store_hosts,
    "python3 -m pip install './pm3-oauth-conformance[httpx,requests]'": run_install_from_path,
    f"python3 -m pip install 'pm3-oauth-conformance[httpx,requests] @ git+{GIT_URL}'": (
        run_install_from_git
    ),
    "pm3-conformance record https://pm.example.com --workspace workflow "
    "--credentials oauthCredentials.json --out acme.json": run_record,
    "pm3-mockserver --profile-file acme.json": run_serve_recording,
    "pm3-conformance run --profile-file acme.json": run_expect_recording,
    "pm3-conformance fingerprint --target https://pm.example.com --profile-file acme.json": (
        run_fingerprint_against_recording
    ),
    "SCHEMATHESIS_HOOKS=conformance.schemathesis st run schemas/openapi.json "
    "--url http://127.0.0.1:8080": run_schemathesis,
    "python3 -m pip install . && pm3-conformance run": run_main_job,
    "python3 -m pip install tox && python3 -m tox": run_tests,
    "curl -s -X POST localhost:8080/_pm3/faults -H 'Content-Type: application/json' "
    """-d '{"match": {"endpoint": "token"}, "fault": "truncate"}'""": run_control_curl,
    "pm3-conformance list": run_list,
    "pm3-conformance run": run_main_job,
    "pm3-conformance run --profile all": run_all_profiles,
    "pm3-conformance run --profile pm-3.4.10 --mock-profile documented": run_differences,
    "pm3-conformance run --target https://pm.example.com --workspace workflow "
    "--credentials oauthCredentials.json": run_live,
    "pm3-conformance report render pm3-reports/report.json --format html -o report.html": (
        run_report_render
    ),
    "pm3-conformance report diff baseline/report.json pm3-reports/report.json -o diff.md": (
        run_report_diff
    ),
    "pm3-conformance fingerprint --target https://pm.example.com --workspace workflow": (
        run_fingerprint
    ),
    "pytest --pyargs conformance.suite --pm3-target mock --pm3-profile pm-3.4.11": (
        run_pytest_suite
    ),
    'pm3-conformance clients --driver "node test/pm3-driver.js" --report-dir pm3-client-reports': (
        run_clients
    ),
    "python3 -m pip install . && npm ci --prefix conformance/clients/drivers/js": run_npm_ci,
    'pm3-conformance clients --driver "php conformance/clients/drivers/php/docs_curl.php" '
    '--driver "php conformance/clients/drivers/php/guzzle.php" --report-dir pm3-client-reports': (
        run_php_clients
    ),
    'pm3-conformance clients --driver "node conformance/clients/drivers/js/simple-oauth2.mjs" '
    '--driver "node conformance/clients/drivers/js/oauth4webapi.mjs" --report-dir pm3-client-reports': (
        run_js_clients
    ),
}


def test_every_readme_command_is_covered() -> None:
    missing = [c for c in readme_commands() if c not in COMMANDS]
    assert not missing, f"README commands without a test in tests/test_readme.py: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(set(COMMANDS)))
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    COMMANDS[command](tmp_path)


def ci_snippets() -> dict[str, list[tuple[str, bool]]]:
    """The README's CI snippets (the yaml blocks that run ``pm3-conformance clients``): each
    step's shell line, and whether it runs after a failed step (GitHub's ``if: always()``)."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for block in re.findall(r"```yaml\n(.*?)```", README.read_text(), flags=re.S):
        if "pm3-conformance clients" not in block:
            continue
        data = yaml.safe_load(block)
        if isinstance(data, list):  # GitHub Actions: a job's steps
            found["github"] = [(step["run"], step.get("if") == "always()") for step in data]
        else:  # GitLab CI: one job with a script
            (job,) = data.values()
            found["gitlab"] = [(line, False) for line in job["script"]]
    return found


USER_DRIVER = """\
# The client author's own driver; the naive reference driver (standard library only) stands in.
import runpy

runpy.run_module("conformance.clients.drivers.naive", run_name="__main__")
"""


@pytest.mark.slow
def test_the_ci_snippets_run_as_written(tmp_path: Path) -> None:
    """Each CI snippet, line by line, in a fresh venv, as its runner would: the install from the
    git URL in ``PM3_CONFORMANCE_GIT``, the client's conformance run, the report steps."""
    snippets = ci_snippets()
    assert sorted(snippets) == ["github", "gitlab"]
    url = f"git+file://localhost{_checkout(tmp_path / 'checkout')}"
    env = {**_fresh_venv(tmp_path), "CI": "true", "PM3_CONFORMANCE_GIT": url}
    for name, steps in snippets.items():
        work = tmp_path / name
        (work / "tests").mkdir(parents=True)
        (work / "tests" / "pm3_driver.py").write_text(USER_DRIVER)
        summary = work / "step-summary.md"
        env["GITHUB_STEP_SUMMARY"] = str(summary)
        failed = False
        for line, always in steps:
            if failed and not always:
                continue
            done = _shell(line, work, env)
            if "pip install" in line:
                assert done.returncode == 0, f"{name}: {line}\n{done.stderr[-2000:]}"
            elif line.startswith("pm3-conformance clients"):
                # the naive client fails scenarios (exit 1); a usage or harness error is 2
                assert done.returncode in (0, 1), f"{name}: {line}\n{done.stderr[-2000:]}"
            else:
                assert done.returncode == 0, f"{name}: {line}\n{done.stderr[-2000:]}"
            failed = failed or done.returncode != 0
        report = work / "pm3-client-reports"
        assert (report / "junit.xml").is_file() and (report / "summary.md").is_file(), name
        if name == "github":
            assert "naive" in summary.read_text()


BROKEN_DRIVER = """\
# A driver that breaks the protocol: its first line is no hello.
print("Traceback (most recent call last): this is not the protocol", flush=True)
"""


def test_the_ci_snippets_find_the_reports_when_the_driver_breaks(tmp_path: Path) -> None:
    """A harness error (the client author's driver breaks the protocol) still writes the
    reports the CI snippets' later steps read: the GitHub summary step and GitLab's JUnit
    artifact find them, the JUnit file shows an error, and the job fails (exit 2, one line)."""
    env = {**os.environ, "CI": "true", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for name, steps in ci_snippets().items():
        work = tmp_path / name
        (work / "tests").mkdir(parents=True)
        (work / "tests" / "pm3_driver.py").write_text(BROKEN_DRIVER)
        summary = work / "step-summary.md"
        env["GITHUB_STEP_SUMMARY"] = str(summary)
        failed = False
        for line, always in steps:
            if "pip install" in line:
                continue  # this environment has it installed
            if failed and not always:
                continue
            done = _shell(line, work, env)
            if line.startswith("pm3-conformance clients"):
                assert done.returncode == 2, f"{name}: {done.stdout}\n{done.stderr}"
                errors = [e for e in done.stderr.splitlines() if "error:" in e]
                assert len(errors) == 1 and "driver line 1" in errors[0], done.stderr
                failed = True
            else:
                assert done.returncode == 0, f"{name}: {line}\n{done.stderr[-2000:]}"
        reports = work / "pm3-client-reports"
        junit = (reports / "junit.xml").read_text(encoding="utf-8")
        assert 'errors="1"' in junit and 'type="harness_error"' in junit, junit
        assert "driver line 1" in junit
        report = json.loads((reports / "report.json").read_text(encoding="utf-8"))
        (outcome,) = report["runs"][0]["outcomes"]
        assert (
            outcome["outcome"] == "error" and "driver line 1" in outcome["failures"][0]["message"]
        )
        if name == "github":
            assert "driver line 1" in summary.read_text(encoding="utf-8")


LIVE_RUN = (
    "pm3-conformance run --target https://pm.example.com --workspace workflow "
    "--credentials oauthCredentials.json"
)


@pytest.mark.parametrize("why", ["wrong password", "no server"])
def test_a_live_run_that_stops_still_writes_its_reports(why: str, tmp_path: Path) -> None:
    """The README's live run, when the very first request finds no server or the credentials
    do not log in: one line and exit 2 as before, and the four reports, saying what failed."""
    import xml.etree.ElementTree as ET

    import schemas
    from mockserver.serving.workers import free_port

    assert LIVE_RUN in COMMANDS
    wrong = "n0t-the-p4ssw0rd"
    tmp = tmp_path
    path = tmp / "oauthCredentials.json"
    path.write_text(
        json.dumps(
            {
                "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
                "client_secret": "28060566356f0b9db4f0429090515303",
                "username": "johndoe",
                "password": wrong if why == "wrong password" else "p4ssw0rd",
            }
        )
    )
    path.chmod(0o400)
    with MockServer() as pm:
        url = pm.url if why == "wrong password" else f"http://127.0.0.1:{free_port('127.0.0.1')}"
        done = _run(LIVE_RUN.replace("https://pm.example.com", url), tmp)
    assert done.returncode == 2, done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith("pm3-conformance: error: ")
    said = line.removeprefix("pm3-conformance: error: ")
    assert ("cannot log in" if why == "wrong password" else "cannot reach") in said
    reports = tmp / "pm3-reports"
    assert "reports: pm3-reports/report.json" in done.stdout
    data = json.loads((reports / "report.json").read_text(encoding="utf-8"))
    assert schemas.errors("report", data) == []
    (run,) = data["runs"]
    assert run["target"] == {"kind": "url", "url": url, "workspace": "workflow"}
    (outcome,) = run["outcomes"]
    assert (outcome["id"], outcome["outcome"]) == ("PM3-HARNESS-001", "error")
    assert outcome["failures"][0]["message"] == said
    case = ET.fromstring((reports / "junit.xml").read_text(encoding="utf-8")).find(
        "testsuite/testcase"
    )
    assert case is not None and case.get("name") == "PM3-HARNESS-001"
    error = case.find("error")
    assert error is not None and error.get("message") == said
    page = (reports / "report.html").read_text(encoding="utf-8")
    assert f"{url}, workspace workflow" in page.split("</header>")[0]
    assert said.split(":")[0] in (reports / "summary.md").read_text(encoding="utf-8")
    for written in reports.iterdir():
        assert wrong not in written.read_text(encoding="utf-8"), written.name
