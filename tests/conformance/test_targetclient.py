"""The one target client: what it remembers, what it learns, and how it names a server's failure."""

from __future__ import annotations

import json

import pytest

from conformance.cleanup import form_post
from conformance.failures import HarnessError
from conformance.http import AnswerTooLarge
from conformance.http import HttpRequest
from conformance.http import HttpResponse
from conformance.targetclient import TargetClient
from mockserver.redaction import SecretSet

TOKEN = "5f1c0e9a7b3d2c4e6f8a0b1c2d3e4f5a6b7c8d9e"


class _Server:
    """A transport that answers each request with the next answer, or raises it."""

    base_url = "http://pm.example"

    def __init__(self, *answers: HttpResponse | Exception) -> None:
        self.answers = list(answers)
        self.sent: list[HttpRequest] = []

    def send(self, request: HttpRequest) -> HttpResponse:
        self.sent.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _token(value: str = TOKEN) -> HttpResponse:
    return HttpResponse(
        200,
        (),
        json.dumps(
            {"access_token": value, "refresh_token": "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"}
        ).encode(),
    )


def test_it_remembers_tokens_handed_out_and_learns_them_as_secrets() -> None:
    server = _Server(_token())
    client = TargetClient(server, "workflow", SecretSet())
    client.form(client.token_path, {"grant_type": "password"})
    assert client.issued == [TOKEN]
    assert server.sent[0].body == b"grant_type=password"
    assert client.secrets.redact(f"token {TOKEN} and {'r' * 40}").count(TOKEN) == 0
    assert len(client.exchanges) == 1 and client.exchanges[0].response is not None


def test_a_token_removed_by_its_own_request_is_not_expired_again() -> None:
    removed = HttpResponse(200, (), b"")
    server = _Server(_token(), removed, HttpResponse(200, (), b""))
    client = TargetClient(server, "workflow", SecretSet())
    client.form(client.token_path, {"grant_type": "password"})
    client.send(HttpRequest("POST", f"/workflow/oauth2/{TOKEN}/expire"))
    assert client.removed == {TOKEN}
    assert client.expire_left() == []
    assert len(server.sent) == 2  # nothing more was sent to expire it


def test_an_unreachable_server_is_a_harness_error_naming_it() -> None:
    client = TargetClient(_Server(ConnectionRefusedError("refused")), "workflow", SecretSet())
    with pytest.raises(HarnessError, match=r"POST /x: cannot reach http://pm\.example"):
        client.form("/x", {})
    assert client.exchanges[0].response is None


def test_an_oversized_answer_is_raised_for_a_check_and_stops_a_probe() -> None:
    big = AnswerTooLarge("POST /x: the answer went past 8 bytes", HttpResponse(200, (), b"x" * 8))
    check = TargetClient(_Server(big), "workflow", SecretSet())
    with pytest.raises(AnswerTooLarge):  # a check turns it into the server's failure
        check.send(form_post("/x", {}))
    assert check.exchanges[0].response is not None  # what was read is kept as evidence
    probe = TargetClient(_Server(big), "workflow", SecretSet())
    with pytest.raises(HarnessError, match="went past 8 bytes"):
        probe.form("/x", {})
