"""Attack: driving the control API from a web page (issue 10, class 3): CSRF and DNS rebinding."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from werkzeug.test import Client

from mockserver import MockServer
from mockserver.scripting.control import is_loopback

USER = {"username": "mallory", "password": "pw-mallory-1"}


def _users(pm: MockServer) -> int:
    return pm.workspace().count("RBAC_USERS")


def test_a_page_posting_text_plain_from_a_foreign_origin_is_refused(
    controlled: MockServer,
) -> None:
    before = _users(controlled)
    answer = requests.post(
        f"{controlled.url}/_pm3/users",
        data='{"username": "mallory", "password": "pw-mallory-1"}',
        headers={
            "Host": "attacker.example",
            "Origin": "http://attacker.example",
            "Content-Type": "text/plain",
        },
        timeout=10,
    )
    assert answer.status_code == 403
    assert _users(controlled) == before


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8080", "10.0.0.1"])
def test_a_foreign_host_cannot_read_the_journal(controlled: MockServer, host: str) -> None:
    answer = requests.get(f"{controlled.url}/_pm3/journal", headers={"Host": host}, timeout=10)
    assert answer.status_code == 403 and "Host" in answer.json()["error"]


def test_a_foreign_origin_with_a_loopback_host_is_refused(controlled: MockServer) -> None:
    answer = requests.post(
        f"{controlled.url}/_pm3/users",
        json=USER,
        headers={"Origin": "https://attacker.example"},
        timeout=10,
    )
    assert answer.status_code == 403 and "Origin" in answer.json()["error"]


def test_writes_must_be_json(controlled: MockServer) -> None:
    before = _users(controlled)
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]:
        answer = requests.post(
            f"{controlled.url}/_pm3/users",
            data='{"username": "mallory", "password": "pw-mallory-1"}',
            headers={"Content-Type": content_type},
            timeout=10,
        )
        assert answer.status_code == 415
    assert _users(controlled) == before


def _curl_post(pm: MockServer, path: str, *headers: str) -> tuple[int, bytes]:
    """``curl -X POST URL`` on the wire: no body, no Content-Type, no Content-Length."""
    with socket.create_connection(("127.0.0.1", pm.port), timeout=10) as sock:
        lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{pm.port}", "User-Agent: curl/8.5.0"]
        lines += [*headers, "Accept: */*", "Connection: close", "", ""]
        sock.sendall("\r\n".join(lines).encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_a_body_less_post_is_accepted_once_host_and_origin_pass(controlled: MockServer) -> None:
    requests.post(f"{controlled.url}/_pm3/users", json=USER, timeout=10).raise_for_status()
    status, body = _curl_post(controlled, "/_pm3/reset")
    assert (status, json.loads(body)) == (200, {"status": "reset"})
    assert "mallory" not in str(controlled.workspace().query("SELECT USR_USERNAME FROM RBAC_USERS"))
    # the Host and Origin checks still stand before it
    origin = _curl_post(controlled, "/_pm3/reset", "Origin: http://attacker.example")
    assert origin[0] == 403 and b"Origin" in origin[1]


def test_local_clients_keep_working(controlled: MockServer) -> None:
    for host in [f"127.0.0.1:{controlled.port}", f"localhost:{controlled.port}", "[::1]:1"]:
        answer = requests.post(
            f"{controlled.url}/_pm3/users",
            json=USER,
            headers={"Host": host, "Origin": f"http://{host}"},
            timeout=10,
        )
        assert answer.status_code == 200, (host, answer.text)


def test_the_token_holder_may_come_from_anywhere() -> None:
    pm = MockServer(control=True, control_token="s3cret-token")
    client = Client(pm.app)
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    headers = {"Host": "mock.internal", "Content-Type": "application/json"}
    assert client.post("/_pm3/reset", environ_base=remote, headers=headers).status_code == 403
    ok = client.post(
        "/_pm3/reset",
        environ_base=remote,
        headers={**headers, "X-PM3-Control-Token": "s3cret-token"},
    )
    assert ok.status_code == 200
    pm.close()


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("10.0.0.1", False),
        ("", False),
        ("not-an-ip", False),
    ],
)
def test_loopback_peers_include_mapped_and_ipv6(address: str, expected: bool) -> None:
    assert is_loopback(address) is expected


def test_a_dual_stack_server_lets_127_0_0_1_use_the_control_api() -> None:
    try:
        pm = MockServer(host="::", control=True).start()
    except OSError:
        pytest.skip("this machine has no IPv6 socket support")
    try:
        answer = requests.get(f"http://127.0.0.1:{pm.port}/_pm3/health", timeout=10)
        assert answer.status_code == 200
    finally:
        pm.close()
