"""Secret hygiene of a full run, HTML escaping, TLS serving and targets, loopback warnings."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
from pathlib import Path

import requests

from conformance import Target
from conformance import load_credentials
from conformance import run_check
from conformance.registry import CHECKS
from mockserver import MockServer
from mockserver import get_profile
from mockserver.state.seed import ADMIN_PASSWORD
from mockserver.state.seed import DOC_CLIENT_SECRET
from mockserver.state.seed import DOC_PASSWORD
from mockserver.state.seed import LOCAL_CLIENT_SECRET

SECRETS = (DOC_CLIENT_SECRET, DOC_PASSWORD, LOCAL_CLIENT_SECRET)
PAYLOAD = '<script>alert("x")</script>'


def test_a_full_run_never_prints_or_writes_a_seeded_secret(tmp_path: Path) -> None:
    """Every output of a failing full run (stdout, stderr, all four reports) is free of secrets."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "conformance",
            "run",
            "--profile",
            "all",
            "--mock-profile",
            "pm-3.4.10",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CI": "1"},
    )
    assert result.returncode == 1  # mismatched profiles: plenty of failures with evidence
    outputs = [result.stdout, result.stderr] + [p.read_text() for p in tmp_path.iterdir()]
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text


def test_the_journal_rendering_hides_secrets_and_tokens() -> None:
    with MockServer(control=True) as pm:
        body = requests.post(
            pm.token_url(),
            data={
                "grant_type": "password",
                "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
                "client_secret": DOC_CLIENT_SECRET,
                "username": "johndoe",
                "password": DOC_PASSWORD,
            },
            timeout=10,
        ).json()
        text = requests.get(f"{pm.url}/_pm3/journal", timeout=10).text
    for secret in (*SECRETS, body["access_token"], body["refresh_token"]):
        assert secret not in text


def test_html_pages_escape_script_payloads() -> None:
    with MockServer("pm-3.4.10") as pm:
        s = requests.Session()
        page = s.get(pm.login_url(), params={"u": '"><script>alert(1)</script>'}, timeout=10)
        assert "<script>alert(1)</script>" not in page.text
        s.post(
            f"{pm.url}/sysworkflow/en/neoclassic/login/authentication.php",
            data={
                "form[USR_USERNAME]": "admin",
                "form[USR_PASSWORD]": ADMIN_PASSWORD,
                "form[URL]": "/",
            },
            allow_redirects=False,
            timeout=10,
        )
        created = s.post(
            pm.applications_url(),
            data={
                "name": PAYLOAD,
                "description": PAYLOAD,
                "webSite": "http://example.com",
                "redirectUri": f"http://x/{PAYLOAD}",
            },
            timeout=10,
        )
        assert created.status_code == 201
        assert PAYLOAD not in created.text and "&lt;script&gt;" in created.text
        client_id = created.text.split('id="client-id">')[1].split("<")[0]
        consent = s.get(
            pm.authorize_url(response_type="code", client_id=client_id),
            allow_redirects=False,
            timeout=10,
        )
        assert consent.status_code == 200
        assert PAYLOAD not in consent.text and "&lt;script&gt;" in consent.text


def test_login_form_does_not_redirect_to_another_site() -> None:
    with MockServer() as pm:
        answer = requests.post(
            f"{pm.url}/sysworkflow/en/neoclassic/login/authentication.php",
            data={
                "form[USR_USERNAME]": "johndoe",
                "form[USR_PASSWORD]": DOC_PASSWORD,
                "form[URL]": "https://evil.example/",
            },
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 302
        assert "evil.example" not in answer.headers["Location"]


def test_tls_serving_and_an_https_target(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    with MockServer(ssl_context=context) as pm:
        assert pm.url.startswith("https://127.0.0.1:")
        ok = requests.post(
            pm.token_url(),
            data={
                "grant_type": "client_credentials",
                "client_id": "x-pm-local-client",
                "client_secret": LOCAL_CLIENT_SECRET,
            },
            verify=str(cert),
            timeout=10,
        )
        assert "access_token" in ok.json()
        target = Target.url(pm.url, "workflow", verify_tls=False, rate=0)
        result = run_check(
            CHECKS.get("PM3-TOKEN-PASSWORD-001"),
            target,
            get_profile("documented"),
            load_credentials(env={}),
        )
        assert result.outcome == "passed"
        strict = Target.url(
            pm.url, "workflow", rate=0
        )  # self-signed: verification must fail loudly
        refused = run_check(
            CHECKS.get("PM3-TOKEN-PASSWORD-001"),
            strict,
            get_profile("documented"),
            load_credentials(env={}),
        )
        assert refused.outcome == "error" and "CERTIFICATE" in refused.failures[0].message.upper()


def test_cli_tls_flags(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "--port",
            "0",
            "--tls-cert",
            str(cert),
            "--tls-key",
            str(key),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert "serving at https://127.0.0.1:" in proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    bad = subprocess.run(
        [sys.executable, "-m", "mockserver", "--tls-cert", str(key), "--tls-key", str(key)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "cannot load TLS" in bad.stderr and "Traceback" not in bad.stderr


def test_binding_beyond_loopback_warns_loudly() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--host", "0.0.0.0", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.stderr is not None and proc.stdout is not None
    err = proc.stderr.read()
    proc.stderr.close()
    proc.stdout.close()
    assert "WARNING: listening on 0.0.0.0" in err
