"""Secrets in the encodings the suite itself produces, or a server writes them in.

A server that echoes ``Authorization: Basic …`` shows base64(client_id:client_secret), padded, or
unpadded, or URL-encoded; one that echoes the password through PHP's ``json_encode`` with its
JSON_HEX flags shows ``&`` as ``\\u0026``, ``<`` as ``\\u003C`` and non-ASCII letters as
``\\u00f6``. None of them may reach stdout, stderr or a report.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from urllib.parse import quote
from urllib.parse import quote_plus

import pytest

from conformance.cli import main
from mockserver import MockServer
from mockserver import Seed
from mockserver import SeedClient
from mockserver import SeedUser
from mockserver.redaction import SecretSet

CLIENT_ID = "ECHOCLIENTQQQQQQQQQQQQQQQQQQQQQQ"
CLIENT_SECRET = "echo-secret-value>>?+/"  # its base64 holds + / and = (URL-encoding differs)
USERNAME = "echoer"
PASSWORD = "p&ss<wörd>/x'y"
BASIC = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()


def _php_json(value: str) -> str:
    """``json_encode($value, JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT)``."""
    out = json.dumps(value)[1:-1].replace("/", "\\/")
    for char, escape in (("&", "\\u0026"), ("<", "\\u003C"), (">", "\\u003E"), ("'", "\\u0027")):
        out = out.replace(char, escape)
    return out


def _leaks() -> set[str]:
    return {
        BASIC,
        BASIC.rstrip("="),
        quote(BASIC, safe=""),
        quote_plus(BASIC),
        _php_json(PASSWORD),
        _php_json(PASSWORD).lower(),
        PASSWORD,
        CLIENT_SECRET,
    }


def test_the_suite_s_own_encodings_are_redacted() -> None:
    vault = SecretSet(credentials=[CLIENT_SECRET, PASSWORD])
    vault.learn_request("/token", [("Authorization", f"Basic {BASIC}")], b"")
    for form in _leaks():
        text = f"the server said: {form} (echoed)"
        out = vault.redact(text)
        assert form not in out and "<redacted>" in out, out
        assert out.startswith("the server said: ") and out.endswith(" (echoed)")


def test_credentials_alone_cover_their_basic_header() -> None:
    """Before any request: the credentials given already hide the header built from them."""
    from conformance.target import Credentials

    vault = SecretSet(credentials=Credentials(CLIENT_ID, CLIENT_SECRET, USERNAME, "pw").secrets())
    for form in (BASIC, BASIC.rstrip("="), quote(BASIC, safe="")):
        assert form not in vault.redact(f"Basic {form}")


@pytest.mark.parametrize(
    "text",
    [
        "an ordinary sentence with \\u0041 escapes and a \\\\u0026 that is no escape",
        '{"name": "J\\u00f6rg", "note": "\\ud83d\\ude00"}',
    ],
)
def test_decoding_escapes_leaves_text_without_secrets_alone(text: str) -> None:
    assert SecretSet(credentials=[CLIENT_SECRET, PASSWORD]).redact(text) == text


def test_an_escaped_backslash_is_not_an_escape() -> None:
    """``\\\\u0026`` in JSON is a backslash then ``u0026``: a secret ``p&ss`` is not there."""
    vault = SecretSet(credentials=["p&ss-word"])
    text = "p\\\\u0026ss-word"
    assert vault.redact(text) == text
    assert vault.redact("p\\u0026ss-word") == "<redacted>"


def test_a_server_echoing_the_basic_header_and_php_escaped_password_leaks_neither(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "1")
    seed = Seed(
        users=(SeedUser(USERNAME, PASSWORD),), clients=(SeedClient(CLIENT_ID, CLIENT_SECRET),)
    )
    credentials = tmp_path / "oauthCredentials.json"
    credentials.write_text(
        json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "username": USERNAME,
                "password": PASSWORD,
            }
        )
    )
    os.chmod(credentials, 0o400)
    echo = (
        f"you sent Authorization: Basic {BASIC} (unpadded {BASIC.rstrip('=')}, as a query"
        f" {quote(BASIC, safe='')}) and password {_php_json(PASSWORD)}"
    )
    # a PHP warning before the JSON: the body is no JSON, so the evidence keeps it as written
    error = '{"error":"invalid_grant","error_description":"' + echo + '"}'
    body = f"<br />\n<b>Warning</b>: echo<br />\n{error}".encode()
    with MockServer("documented", seed=seed) as pm:
        pm.override("token", times=None, grant_type="refresh_token").respond_with(400, body=body)
        pm.override("api", times=None).respond_with(401, body=body)
        code = main(
            [
                "run",
                "--target",
                pm.url,
                "--credentials",
                str(credentials),
                "--rate",
                "1000",
                "--max-requests",
                "100000",
                "--report-dir",
                str(tmp_path / "reports"),
            ]
        )
    out, err = capsys.readouterr()
    assert code == 1, err[-2000:]
    outputs = {"stdout": out, "stderr": err}
    outputs |= {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "reports").iterdir()}
    assert "Warning" in outputs["report.json"]  # the echo reached the evidence
    for name, text in outputs.items():
        for form in _leaks():
            assert form not in text, f"{form!r} leaked into {name}"
