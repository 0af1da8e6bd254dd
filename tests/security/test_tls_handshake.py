"""Attack: idle TCP connections to an HTTPS mock must not stall other clients (issue 10, class 1)."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import requests

from mockserver import MockServer
from tests.conftest import DOC_CREDENTIALS


def test_idle_tcp_connections_do_not_freeze_https_clients(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    with MockServer(ssl_context=context) as pm:
        idle = [socket.create_connection(("127.0.0.1", pm.port)) for _ in range(10)]
        try:
            time.sleep(0.2)  # the server has accepted them; none sends a byte
            # A liveness bound, not a timing assertion: the old server never answered at all.
            answer = requests.post(
                pm.token_url(),
                data={"grant_type": "password", **DOC_CREDENTIALS},
                verify=str(cert),
                timeout=5,
            )
        finally:
            for sock in idle:
                sock.close()
    assert answer.status_code == 200 and "access_token" in answer.json()


def test_a_plain_http_request_to_the_tls_port_is_dropped_not_served(
    tls_files: tuple[Path, Path],
) -> None:
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    with MockServer(ssl_context=context) as pm:
        with socket.create_connection(("127.0.0.1", pm.port), timeout=10) as sock:
            sock.sendall(b"GET /workflow/oauth2/token HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = sock.recv(1024)
            except ConnectionResetError:
                data = b""
        assert b"access_token" not in data
        assert pm.url.startswith("https://")
        ok = requests.get(pm.api_url(), verify=str(cert), timeout=5)
        assert ok.status_code == 401  # the server still serves TLS clients


def test_idle_connections_do_not_freeze_multi_process_https(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    command = [sys.executable, "-m", "mockserver", "--port", "0", "--workers", "2"]
    command += ["--tls-cert", str(cert), "--tls-key", str(key)]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().rsplit(" ", 1)[-1].strip()
        port = int(url.rsplit(":", 1)[1])
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(10)]
        try:
            answer = requests.post(
                f"{url}/workflow/oauth2/token",
                data={"grant_type": "password", **DOC_CREDENTIALS},
                verify=str(cert),
                timeout=5,
            )
        finally:
            for sock in idle:
                sock.close()
        assert answer.status_code == 200 and "access_token" in answer.json()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        assert proc.stdout is not None
        proc.stdout.close()
