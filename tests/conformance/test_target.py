"""Credentials sources, target construction, and redaction of evidence."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conformance.failures import HarnessError
from conformance.http import Exchange
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from conformance.target import DOC_CREDENTIALS
from conformance.target import CredentialsWarning
from conformance.target import Target
from conformance.target import load_credentials

CREDS = {
    "client_id": "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF",
    "client_secret": "123456789abcdef0123456790123456",
    "username": "svc",
    "password": "pa55word",
}


def test_defaults_are_the_documentations_example() -> None:
    creds = load_credentials(env={})
    assert creds.client_id == "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF" and creds.username == "johndoe"


def test_environment_variables() -> None:
    env = {
        "PM3_CLIENT_ID": "A",
        "PM3_CLIENT_SECRET": "B",
        "PM3_USERNAME": "C",
        "PM3_PASSWORD": "D",
    }
    assert load_credentials(env=env).password == "D"
    with pytest.raises(HarnessError, match="PM3_PASSWORD"):
        load_credentials(env={k: v for k, v in env.items() if k != "PM3_PASSWORD"})


def test_credentials_file_and_permission_warning(tmp_path: Path) -> None:
    path = tmp_path / "oauthCredentials.json"
    path.write_text(json.dumps(CREDS))
    os.chmod(path, 0o400)
    assert load_credentials(path, env={}).username == "svc"
    os.chmod(path, 0o644)
    with pytest.warns(CredentialsWarning, match="chmod 400"):
        load_credentials(path, env={})


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("{nope", "not valid JSON"),
        ("[]", "JSON object"),
        (json.dumps({"client_id": "x"}), "missing"),
    ],
)
def test_bad_credentials_files(tmp_path: Path, content: str, needle: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(content)
    os.chmod(path, 0o400)
    with pytest.raises(HarnessError, match=needle):
        load_credentials(path, env={})
    with pytest.raises(HarnessError, match="cannot read"):
        load_credentials(tmp_path / "absent.json", env={})


def test_an_optional_operator_user_from_the_file_or_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "oauthCredentials.json"
    path.write_text(
        json.dumps({**CREDS, "operator_username": "op", "operator_password": "op-secret-pw"})
    )
    os.chmod(path, 0o400)
    creds = load_credentials(path, env={})
    assert creds.operator == ("op", "op-secret-pw")
    assert "op-secret-pw" in creds.secrets()
    assert load_credentials(env={}).operator is None
    assert "" not in load_credentials(env={}).secrets()
    env = {"PM3_OPERATOR_USERNAME": "op2", "PM3_OPERATOR_PASSWORD": "pw2"}
    assert load_credentials(env=env).operator == ("op2", "pw2")
    with pytest.raises(HarnessError, match="PM3_OPERATOR_PASSWORD"):
        load_credentials(env={"PM3_OPERATOR_USERNAME": "op2"})


@pytest.mark.parametrize(
    "extra",
    [{"operator_username": "op"}, {"operator_username": "op", "operator_password": ""}],
)
def test_an_operator_without_its_password_is_refused(tmp_path: Path, extra: dict[str, str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({**CREDS, **extra}))
    os.chmod(path, 0o400)
    with pytest.raises(HarnessError, match="operator_password"):
        load_credentials(path, env={})


def test_bad_url_is_a_harness_error() -> None:
    with pytest.raises(HarnessError):
        Target.url("ftp://example.com", "workflow")


def test_target_description_has_no_credentials() -> None:
    target = Target.url("https://pm.example.com", "workflow")
    assert target.describe() == {
        "kind": "url",
        "workspace": "workflow",
        "url": "https://pm.example.com",
    }


def test_evidence_and_curl_are_redacted() -> None:
    token = "fefeeff09de2f40957a8747e53bc0186a99df2ef"
    request = HttpRequest(
        "POST",
        "/workflow/oauth2/token?access_token=" + token,
        (("Authorization", "Basic SFdBWTpzZWNyZXQ="), ("Content-Type", "application/json")),
        json.dumps(
            {"client_secret": "s3cret-value", "password": "pa55word", "username": "svc"}
        ).encode(),
    )
    response = HttpResponse(
        200, (("Content-Type", "application/json"),), json.dumps({"access_token": token}).encode()
    )
    exchange = Exchange(request, response, "http://localhost")
    text = json.dumps(exchange.to_evidence(("s3cret-value", "pa55word"))) + exchange.curl(
        ("pa55word",)
    )
    for secret in (token, "s3cret-value", "pa55word", "SFdBWTpzZWNyZXQ="):
        assert secret not in text
    assert "fefeef" in text and "svc" in text


def test_https_redirect_probe() -> None:
    from conformance.target import https_redirect_status
    from mockserver import MockServer

    assert "readable" in https_redirect_status("http://127.0.0.1:1", "workflow")
    with MockServer() as pm:
        port = pm.port
        # an https URL whose plain-http twin is the mock, which does not redirect
        verdict = https_redirect_status(f"https://127.0.0.1:{port}", "workflow")
    assert "without redirecting" in verdict or "nothing listens" in verdict


def test_pm3_redirect_uri_names_the_callback_whatever_gives_the_credentials(tmp_path: Path) -> None:
    callback = "https://app.example.com/cb"
    # alone, with the documentation's example credentials (it was ignored without all four PM3_*)
    assert load_credentials(env={"PM3_REDIRECT_URI": callback}).redirect_uri == callback
    file = tmp_path / "oauthCredentials.json"
    file.write_text(json.dumps(DOC_CREDENTIALS))
    file.chmod(0o400)
    assert load_credentials(file, env={"PM3_REDIRECT_URI": callback}).redirect_uri == callback
    own = tmp_path / "own.json"
    own.write_text(json.dumps({**DOC_CREDENTIALS, "redirect_uri": "https://own.example.com/cb"}))
    own.chmod(0o400)
    chosen = load_credentials(own, env={"PM3_REDIRECT_URI": callback}).redirect_uri
    assert chosen == "https://own.example.com/cb"  # the file's own callback wins
    with pytest.raises(HarnessError, match="PM3_REDIRECT_URI"):
        load_credentials(env={"PM3_REDIRECT_URI": "not a url"})
