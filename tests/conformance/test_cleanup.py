"""Tokens a run obtained on a live server are expired afterwards, and any that cannot be are
reported to the user, never left valid in silence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conformance.cleanup import expire_tokens
from conformance.cleanup import warning
from conformance.cli import main as cli_main
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from conformance.http import HttpTransport
from mockserver import MockServer


class _Answers:
    """A transport that answers each request with the next status, or raises."""

    base_url = "http://pm.example"

    def __init__(self, *outcomes: int | Exception) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return HttpResponse(outcome, (), b"")


def test_expire_tokens_says_why_each_token_stays_valid() -> None:
    transport = _Answers(200, 404, ConnectionRefusedError())
    left = expire_tokens(transport, "workflow", ["a" * 40, "b" * 40, "a" * 40, "c" * 40])  # type: ignore[arg-type]
    assert left == ["HTTP 404", "ConnectionRefusedError"]
    assert [r.path for r in transport.sent] == [
        f"/workflow/oauth2/{t * 40}/expire" for t in "abc"
    ]  # each token once, in order


def test_warning_counts_reasons_and_is_silent_when_all_expired() -> None:
    assert warning([], "https://pm.example") is None
    one = warning(["HTTP 404"], "https://pm.example")
    assert one is not None and "1 access token" in one and "(HTTP 404)" in one
    many = warning(["HTTP 404", "HTTP 404", "TimeoutError"], "https://pm.example")
    assert many is not None
    assert "3 access tokens obtained on https://pm.example" in many
    assert "HTTP 404 for 2, TimeoutError" in many and "stay valid" in many


def test_fingerprint_reports_tokens_it_could_not_expire() -> None:
    from conformance.fingerprint import probe
    from conformance.target import load_credentials

    with MockServer() as pm:
        pm.override("expire", times=None).respond_with(404, body="")
        result = probe(HttpTransport(pm.url), "workflow", load_credentials(env={}))
    assert result.tokens_left_valid and set(result.tokens_left_valid) == {"HTTP 404"}


@pytest.mark.parametrize("command", ["fingerprint", "record", "run"])
def test_every_live_command_warns_when_tokens_stay_valid(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        pm.override("expire", times=None).respond_with(404, body="")
        argv = {
            "fingerprint": ["fingerprint", "--target", pm.url],
            "record": ["record", pm.url, "--out", str(tmp_path / "p.json")],
            "run": [
                "run",
                "--target",
                pm.url,
                "--select",
                "PM3-TOKEN-PASSWORD-001",
                "--report-dir",
                str(tmp_path / "r"),
                "--quiet",
            ],
        }[command]
        cli_main(argv)
        url = pm.url
    err = capsys.readouterr().err
    assert "could not be expired (HTTP 404" in err and url in err, err
    assert "stay valid" in err or "stays valid" in err


def test_no_warning_when_the_server_expires_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with MockServer() as pm:
        assert cli_main(["fingerprint", "--target", pm.url]) == 0
    assert "could not be expired" not in capsys.readouterr().err


LIVE_TOKENS = (
    "SELECT COUNT(*) FROM OAUTH_ACCESS_TOKENS WHERE EXPIRES > ? AND ACCESS_TOKEN NOT IN "
    "(SELECT ACCESS_TOKEN FROM PMOAUTH_USER_ACCESS_TOKENS)"
)  # not the web session's designer tokens, which the server issues at each classic login


def test_a_whole_live_run_ends_without_a_false_warning_and_leaves_no_token_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The admin's journey: the README's live run, every check. A check that deletes its token
    (PM3-REST-008) leaves nothing to warn about; tokens handed out by an implicit redirect or
    by the token route under /api/1.0 are expired too (they stayed valid, unannounced)."""
    credentials = tmp_path / "oauthCredentials.json"
    credentials.write_text(
        '{"client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF", "client_secret": '
        '"28060566356f0b9db4f0429090515303", "username": "johndoe", "password": "p4ssw0rd"}'
    )
    credentials.chmod(0o400)
    with MockServer() as pm:
        argv = ["run", "--target", pm.url, "--workspace", "workflow"]
        argv += ["--credentials", str(credentials), "--report-dir", str(tmp_path / "r")]
        assert cli_main(argv) == 0
        live = pm.workspace().query(LIVE_TOKENS, (pm.clock.stamp(),))
        deleted = [e for e in pm.journal if e.request.method == "DELETE"]
    err = capsys.readouterr().err
    assert deleted, "the run deletes a token (PM3-REST-008)"
    assert "could not be expired" not in err and "stay" not in err, err
    assert live == [(0,)]


def test_processmakers_missing_row_answer_means_removed() -> None:
    """Expiring a token the server holds no row for is ProcessMaker's Restler 400 "The row …
    doesn't exist!": the token is gone. Any other 400 may leave it valid."""
    token = "d" * 40
    missing = json.dumps(
        {
            "error": {
                "code": 400,
                "message": f'Bad Request: The row "{token}" in table '
                "OAUTH_ACCESS_TOKENS doesn't exist!",
            }
        }
    ).encode()
    other = json.dumps({"error": {"code": 400, "message": "Bad Request"}}).encode()

    class _Bodies(_Answers):
        def __init__(self, *bodies: bytes) -> None:
            super().__init__(*[400] * len(bodies))
            self.bodies = list(bodies)

        def send(self, request: HttpRequest) -> HttpResponse:
            super().send(request)
            return HttpResponse(400, (("Content-Type", "application/json"),), self.bodies.pop(0))

    assert expire_tokens(_Bodies(missing), "workflow", [token]) == []  # type: ignore[arg-type]
    assert expire_tokens(_Bodies(other), "workflow", [token]) == ["HTTP 400"]  # type: ignore[arg-type]
    # a token a check removed itself is not sent again
    transport = _Answers()
    assert expire_tokens(transport, "workflow", [token], removed={token}) == []  # type: ignore[arg-type]
    assert transport.sent == []
