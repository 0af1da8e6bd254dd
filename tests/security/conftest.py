"""Fixtures of the attack suite: a TLS key pair, a running mock with its control API, raw sockets."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver import MockServer


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (openssl)."""
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


@pytest.fixture
def controlled() -> Iterator[MockServer]:
    """A mock over loopback HTTP with the control API on."""
    with MockServer(control=True) as server:
        yield server


def raw_exchange(port: int, request: bytes, *, timeout: float = 10.0) -> bytes:
    """Send bytes as they are (plus ``Connection: close``), return all the answer until the close."""
    if b"\r\nconnection:" not in request.split(b"\r\n\r\n", 1)[0].lower():
        line, rest = request.split(b"\r\n", 1)
        request = line + b"\r\nConnection: close\r\n" + rest
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)
