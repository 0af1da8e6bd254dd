"""The OpenAPI description per profile, and schemathesis with ProcessMaker's semantics."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.openapi import build
from conformance.openapi import render
from mockserver import PROFILES
from mockserver import MockServer
from tests.tools import require

OPENAPI = Path(__file__).resolve().parents[2] / "schemas" / "openapi.json"


def test_the_committed_description_is_the_documented_profile() -> None:
    assert OPENAPI.read_text(encoding="utf-8") == render("documented"), (
        "regenerate with: pm3-conformance openapi -o schemas/openapi.json"
    )


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_operation_lists_the_unknown_workspace_answer_of_its_profile(name: str) -> None:
    doc = build(name)
    status = {"empty-503": "503", "html-503": "503", "restler-400": "400", "plain-404": "404"}[
        PROFILES[name].unknown_workspace
    ]
    for ops in doc["paths"].values():
        for method, op in ops.items():
            if method != "parameters":
                assert status in op["responses"], (name, method)


def test_token_errors_carry_the_profiles_status() -> None:
    documented = build("documented")["paths"]["/{workspace}/oauth2/token"]["post"]["responses"]
    assert "oneOf" in documented["200"]["content"]["application/json"]["schema"]
    strict = build("rfc6749")["paths"]["/{workspace}/oauth2/token"]["post"]["responses"]
    assert "$ref" in strict["200"]["content"]["application/json"]["schema"]
    assert "401" in strict and "400" in strict


def _st(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    st = require(
        shutil.which("st", path=str(Path(sys.executable).parent)) or shutil.which("st"),
        "schemathesis",
        "it is in the test extra",
    )
    return subprocess.run(
        [st, "run", str(OPENAPI), "--url", url, "--max-examples", "15", "--seed", "1", *extra],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "conformance.schemathesis", "NO_COLOR": "1"},
        cwd=str(OPENAPI.parents[1]),
    )


@pytest.mark.slow
def test_schemathesis_is_clean_against_the_mock_in_every_phase() -> None:
    with MockServer() as pm:
        result = _st(pm.url)
    out = result.stdout
    assert result.returncode == 0, out[-3000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in out, out[-3000:]
    assert "No issues found" in out


@pytest.mark.slow
def test_schemathesis_catches_an_error_code_processmaker_never_sends() -> None:
    with MockServer() as pm:
        pm.override("token", times=None).respond_with(200, json={"error": "made_up_error"})
        result = _st(pm.url, "--phases", "examples,fuzzing")
    assert result.returncode != 0
    assert "is not one ProcessMaker sends" in result.stdout


@pytest.mark.parametrize(("profile", "caught"), [("pm-3.0-rc", True), ("pm-3.4.10", False)])
def test_the_single_use_check_catches_a_refresh_token_that_works_twice(
    profile: str, caught: bool
) -> None:
    """The check itself, on a real refresh: a 3.0 RC server (no rotation) is caught."""
    from types import SimpleNamespace

    import requests

    pytest.importorskip("schemathesis")
    from conformance.schemathesis import pm3_refresh_single_use

    with MockServer(profile=profile) as pm:
        grant = {
            "grant_type": "password",
            "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
            "client_secret": "28060566356f0b9db4f0429090515303",
            "username": "johndoe",
            "password": "p4ssw0rd",
        }
        refresh_token = requests.post(pm.token_url(), data=grant, timeout=10).json()[
            "refresh_token"
        ]
        body = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": grant["client_id"],
            "client_secret": grant["client_secret"],
        }
        answer = requests.post(pm.token_url(), data=body, timeout=10)
        assert "access_token" in answer.json()
        response = SimpleNamespace(content=answer.content, request=answer.request)
        case = SimpleNamespace(body=body)
        if caught:
            with pytest.raises(AssertionError, match="accepted a second time"):
                pm3_refresh_single_use(None, response, case)
        else:
            assert pm3_refresh_single_use(None, response, case) is None


def test_the_write_routes_of_the_documented_resources_are_declared() -> None:
    paths = build("documented")["paths"]
    api = "/api/1.0/{workspace}/"
    assert set(paths[api + "users"]) >= {"get", "post"}
    assert set(paths[api + "user/{usr_uid}"]) >= {"get", "put", "delete"}
    assert "post" in paths[api + "cases"]
    assert "put" in paths[api + "cases/{app_uid}/variable"]
    assert "delete" in paths[api + "{token}"]
    # under the RFC 6750 profile every protected operation carries its 401 challenge
    strict = build("rfc6749")["paths"]
    assert (
        "WWW-Authenticate" in strict[api + "user/{usr_uid}"]["put"]["responses"]["401"]["headers"]
    )


def test_the_hooks_know_processmakers_routes_and_its_business_refusals() -> None:
    from types import SimpleNamespace

    pytest.importorskip("schemathesis")
    from conformance.schemathesis import _business_refusal
    from conformance.schemathesis import _routed_elsewhere

    assert _routed_elsewhere("POST", "/api/1.0/workflow/projects")  # a real route, undeclared
    assert _routed_elsewhere("DELETE", "/api/1.0/workflow/users")  # the token DELETE
    assert not _routed_elsewhere("PUT", "/api/1.0/workflow/users")  # Restler's 405
    assert not _routed_elsewhere("PATCH", "/api/1.0/workflow/user/" + "f" * 32)

    def answer(message: str, status: int = 400) -> SimpleNamespace:
        body = f'{{"error":{{"code":{status},"message":"{message}"}}}}'.encode()
        return SimpleNamespace(status_code=status, content=body)

    unknown = answer("Bad Request: The User with usr_uid: 0 does not exist.")
    assert _business_refusal("/api/1.0/workflow/user/0", unknown)
    validator = answer("Bad Request: `pro_uid` is required.")
    assert not _business_refusal("/api/1.0/workflow/cases", validator)
    assert not _business_refusal("/workflow/oauth2/token", unknown)
    assert not _business_refusal("/api/1.0/workflow/users", answer("Unauthorized", 401))


def _refreshes(pm: MockServer) -> tuple[list[str], list[str], list[str]]:
    """From the mock's journal: the refresh tokens a refresh succeeded with, those the very next
    token request sent again and was refused (pm3_refresh_single_use's replay), and the issued
    (40-hex) ones refused as invalid_client (a link sent with generated client credentials)."""
    token_requests = [
        e
        for e in pm.journal
        if e.request.endpoint == "token" and e.request.get("grant_type") == "refresh_token"
    ]
    spent: list[str] = []
    replayed: list[str] = []
    wrong_client: list[str] = []
    for i, exchange in enumerate(token_requests):
        token = exchange.request.get("refresh_token") or ""
        body = exchange.json()
        if isinstance(body, dict) and "access_token" in body:
            spent.append(token)
            after = token_requests[i + 1] if i + 1 < len(token_requests) else None
            if after is not None and after.request.get("refresh_token") == token:
                again = after.json()
                if isinstance(again, dict) and again.get("error") == "invalid_grant":
                    replayed.append(token)
        elif (
            isinstance(body, dict)
            and body.get("error") == "invalid_client"
            and re.fullmatch(r"[0-9a-f]{40}", token)
        ):
            wrong_client.append(token)
    return spent, replayed, wrong_client


@pytest.mark.slow
def test_the_stateful_phase_really_refreshes_and_the_single_use_check_replays_it() -> None:
    """The link from a token answer to a refresh carries the run's own client credentials, so
    the refresh succeeds through HTTP and pm3_refresh_single_use sees it refused the second time
    (before, the generated client credentials were kept: no refresh ever succeeded)."""
    with MockServer(journal_capacity=100_000) as pm:
        result = _st(pm.url, "--phases", "stateful")
        spent, replayed, wrong_client = _refreshes(pm)
    assert result.returncode == 0, result.stdout[-3000:]
    assert wrong_client == [], "linked refreshes sent with generated client credentials"
    assert spent, "no refresh_token grant succeeded in the stateful phase"
    assert replayed == spent, "every successful refresh is replayed once, and refused"


@pytest.mark.slow
def test_schemathesis_catches_a_refresh_token_that_works_twice_through_http() -> None:
    """End to end: the stateful phase refreshes with a linked token and the run's credentials,
    and pm3_refresh_single_use replays it (before, no refresh through HTTP ever succeeded)."""
    with MockServer() as pm:
        pm.set_profile(pm.profile.derive("broken", refresh_token_single_use=False))
        result = _st(pm.url, "--phases", "stateful")
    assert result.returncode != 0
    assert "a spent refresh token was accepted a second time" in result.stdout


@pytest.mark.slow
def test_schemathesis_exercises_the_unknown_workspace_and_holds_it_to_the_profile() -> None:
    """Fuzzing sends the unknown workspace on purpose (it used to drop those cases), and
    pm3_unknown_workspace holds every unknown workspace's answer to the profile's."""
    with MockServer(journal_capacity=100_000) as pm:  # documented: 503, no body; this says 404
        pm.set_profile(pm.profile.derive("broken", unknown_workspace="plain-404"))
        result = _st(pm.url, "--phases", "coverage,fuzzing")
        on_purpose = [e for e in pm.journal if e.request.workspace == "pm3nosuchworkspace"]
    assert result.returncode != 0
    assert "Custom check failed: `pm3_unknown_workspace`" in result.stdout
    assert re.search(r"the unknown workspace '\w+' got HTTP 404", result.stdout)
    assert len(on_purpose) >= 10, "the fuzzing phase's unknown-workspace cases"


@pytest.mark.slow
def test_schemathesis_catches_value_drift_in_a_token_answer() -> None:
    with MockServer() as pm:  # the right shape, another lifetime: only a pinned value shows it
        pm.override("token", times=None).alter(set={"expires_in": 3600})
        result = _st(pm.url, "--phases", "examples")
    assert result.returncode != 0
    assert "expires_in 3600, not 86400" in result.stdout


@pytest.mark.parametrize(
    ("answer", "caught"),
    [({"scope": None}, False), ({}, True), ({"scope": ""}, True)],
    ids=["null", "left-out", "echoed-empty"],
)
def test_an_empty_scope_is_no_scope_to_the_token_values_check(
    monkeypatch: pytest.MonkeyPatch, answer: dict[str, object], caught: bool
) -> None:
    """PHP reads an empty scope as none asked: the documented profile answers ``scope: null``
    (schemathesis once failed the mock for not echoing ``''``); a server that echoes it is caught."""
    import json
    from types import SimpleNamespace

    pytest.importorskip("schemathesis")
    from conformance import schemathesis as hooks

    monkeypatch.setattr(hooks, "PROFILE", PROFILES["documented"])
    body = {"access_token": "a" * 40, "expires_in": 86400, "token_type": "bearer", **answer}
    headers = {name: [value] for name, value in hooks._token_headers().items()}
    response = SimpleNamespace(content=json.dumps(body).encode(), headers=headers)
    case = SimpleNamespace(
        operation=SimpleNamespace(path="/{workspace}/oauth2/token"),
        body={"grant_type": "client_credentials", "scope": ""},
    )
    if caught:
        with pytest.raises(AssertionError, match="for an empty scope"):
            hooks.pm3_token_values(None, response, case)
    else:
        assert hooks.pm3_token_values(None, response, case) is None


@pytest.mark.parametrize(
    ("path", "forgiven"),
    [
        ("/api/1.0/workflow/cases/a%3Fb/variables", True),
        ("/api/1.0/workflow/cases/ab/variables", False),
    ],
)
def test_a_path_restler_ends_at_a_question_mark_is_another_route_s(
    path: str, forgiven: bool
) -> None:
    """Restler decodes the path, then cuts it at a "?": a generated uid holding %3F reaches
    another route (or Restler's 404), which the description's operation cannot be held to."""
    from types import SimpleNamespace

    pytest.importorskip("schemathesis")
    from conformance import schemathesis as hooks

    response = SimpleNamespace(
        status_code=200,
        content=b"[]",
        headers={},
        request=SimpleNamespace(url=f"http://127.0.0.1:1{path}", method="GET"),
    )
    for title in ("Schema-violating request accepted", "Undocumented status code"):
        failure = SimpleNamespace(title=title)
        assert hooks.filter_failure(None, failure, None, response) is (not forgiven)
