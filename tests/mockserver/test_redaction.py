"""One redaction module for the journal and the suite: by name and by value."""

from __future__ import annotations

import base64

import conformance.http
import mockserver.scripting.journal
from mockserver import MockServer
from mockserver.redaction import SecretSet
from mockserver.redaction import redact_header
from mockserver.redaction import redact_text
from mockserver.redaction import redact_value


def test_the_journal_and_the_transport_use_this_module() -> None:
    assert mockserver.scripting.journal.redact_header is redact_header
    assert conformance.http.mock_redact_header is redact_header
    assert conformance.http.SecretSet is SecretSet


def test_by_name() -> None:
    assert redact_value("password", "p4ssw0rd") == "<redacted>"
    token = "0123456789abcdef" * 2 + "01234567"
    assert redact_value("access_token", token) == "012345…<redacted>"
    basic = "Basic " + base64.b64encode(b"client:secret").decode()
    assert redact_header("Authorization", basic) == "Basic <redacted: client client>"
    assert redact_header("Accept", "*/*") == "*/*"
    assert redact_text(f"token={token}&s=hunter22", ("hunter22",)) == (
        "token=012345…<redacted>&s=<redacted>"
    )


def test_by_value_hides_a_secret_in_its_encodings() -> None:
    vault = SecretSet(credentials=["s3cr3t/value"])
    assert "s3cr3t" not in vault.redact('{"x": "s3cr3t\\/value"} s3cr3t%2Fvalue')


def test_the_journal_redacts_what_it_shows() -> None:
    with MockServer() as pm:
        import requests

        requests.post(
            pm.token_url(),
            data={"grant_type": "password", "password": "p4ssw0rd", "username": "johndoe"},
            timeout=10,
        )
        shown = str([e.to_dict() for e in pm.journal.entries()])
    assert "p4ssw0rd" not in shown and "<redacted>" in shown
