"""Serving over real HTTP: lifecycle, every grant end to end, persistence, the facade's URLs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import requests

from mockserver import MockServer
from mockserver.state.seed import DOC_CLIENT_ID
from mockserver.state.seed import DOC_CLIENT_SECRET
from tests.mockserver.helpers import password_params


def test_start_stop_and_context_manager() -> None:
    server = MockServer().start()
    url = server.url
    assert url.startswith("http://127.0.0.1:")
    assert requests.get(f"{url}/", timeout=5).status_code == 404
    server.close()
    assert not server.running
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{url}/", timeout=2)


def test_url_requires_a_running_server() -> None:
    server = MockServer()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_password_refresh_and_api_over_http(live: MockServer) -> None:
    session = requests.Session()
    body = session.post(live.token_url(), data=password_params(), timeout=5).json()
    assert set(body) >= {"access_token", "refresh_token"}
    users = session.get(
        live.api_url(), headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=5
    )
    assert users.status_code == 200
    assert any(u["usr_username"] == "johndoe" for u in users.json())
    again = session.post(
        live.token_url(),
        json={
            "grant_type": "refresh_token",
            "client_id": DOC_CLIENT_ID,
            "client_secret": DOC_CLIENT_SECRET,
            "refresh_token": body["refresh_token"],
        },
        timeout=5,
    ).json()
    assert "access_token" in again
    by_query = session.get(
        live.api_url(), params={"access_token": again["access_token"]}, timeout=5
    )
    assert by_query.status_code == 200


def test_concurrent_refreshes_over_http_have_one_winner(live: MockServer) -> None:
    first = requests.post(live.token_url(), data=password_params(), timeout=5).json()
    results: list[dict[str, str]] = []
    barrier = threading.Barrier(6)

    def go() -> None:
        barrier.wait()
        results.append(
            requests.post(
                live.token_url(),
                data={
                    "grant_type": "refresh_token",
                    "client_id": DOC_CLIENT_ID,
                    "client_secret": DOC_CLIENT_SECRET,
                    "refresh_token": first["refresh_token"],
                },
                timeout=10,
            ).json()
        )

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum("access_token" in r for r in results) == 1
    assert sum(r.get("error") == "invalid_grant" for r in results) == 5


def test_db_dir_persists_tokens_across_restarts(tmp_path: Path) -> None:
    with MockServer(db_dir=tmp_path) as first:
        body = requests.post(first.token_url(), data=password_params(), timeout=5).json()
    assert (tmp_path / "wf_workflow.sqlite").exists()
    with MockServer(db_dir=tmp_path) as second:
        response = requests.get(
            second.api_url(), headers={"Authorization": f"Bearer {body['access_token']}"}, timeout=5
        )
        assert response.status_code == 200


def test_more_workspaces(tmp_path: Path) -> None:
    with MockServer(workspaces=("workflow", "other")) as server:
        for ws in ("workflow", "other"):
            body = requests.post(server.token_url(ws), data=password_params(), timeout=5).json()
            assert "access_token" in body
        assert requests.post(server.token_url("third"), data={}, timeout=5).status_code == 503


def test_reset_drops_tokens_and_keeps_the_seed(live: MockServer) -> None:
    body = requests.post(live.token_url(), data=password_params(), timeout=5).json()
    live.reset()
    assert live.workspace().get_access_token(body["access_token"]) is None
    assert (
        "access_token" in requests.post(live.token_url(), data=password_params(), timeout=5).json()
    )
