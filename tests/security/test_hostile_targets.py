"""Attack surface of live targets (issue 22, classes 5, 6 and 14): what a hostile server sends back.

Each server here is a socket thread on 127.0.0.1 that reads one request and answers it badly: an
endless chunked body, headers and then one byte at a time, or another protocol's greeting. Caps
and deadlines are the transport's parameters (and CLI flags), set small so the tests are fast.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance import CHECKS
from conformance import Target
from conformance.cli import main
from conformance.http import AnswerTooLarge
from conformance.http import AnswerTooSlow
from conformance.http import HttpRequest
from conformance.http import HttpTransport
from conformance.http import NotHttpAnswer
from conformance.runner import run_check
from conformance.target import load_credentials
from mockserver import get_profile

Answer = Callable[[socket.socket, threading.Event], None]
LIFETIME = 20.0
"""No hostile connection lasts longer than this, so a regression fails instead of hanging."""


@contextlib.contextmanager
def hostile(answer: Answer) -> Iterator[str]:
    """A server on 127.0.0.1 that reads a request head and lets ``answer`` write; yields its URL."""
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = conn.recv(65536)
                    if not data:
                        return
                    head += data
                answer(conn, stop)
            except OSError:
                pass  # the client gave up reading: what the tests want

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def endless_chunked(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (16384, b"a" * 16384)
    ends = time.monotonic() + LIFETIME
    while not stop.is_set() and time.monotonic() < ends:
        conn.sendall(chunk)


def one_byte_at_a_time(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n")
    ends = time.monotonic() + LIFETIME
    while not stop.is_set() and time.monotonic() < ends:
        conn.sendall(b"a")
        stop.wait(0.02)


def slow_headers(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    ends = time.monotonic() + LIFETIME
    while not stop.is_set() and time.monotonic() < ends:
        conn.sendall(b"X")  # one endless header line, a byte at a time
        stop.wait(0.02)


def ssh_greeting(conn: socket.socket, stop: threading.Event) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")


TOKEN = HttpRequest("POST", "/workflow/oauth2/token", (), b"grant_type=password")


# --- class 5: an answer without end --------------------------------------------------------------
def test_an_endless_answer_is_cut_at_the_cap_and_kept_as_evidence() -> None:
    with hostile(endless_chunked) as url:
        transport = HttpTransport(url, max_answer_bytes=256 * 1024)
        with pytest.raises(AnswerTooLarge) as caught:
            transport.send(TOKEN)
    assert "larger than 262144 bytes" in str(caught.value)
    assert "POST" in str(caught.value) and url in str(caught.value)
    partial = caught.value.response
    assert partial is not None and partial.status == 200
    assert partial.header("Transfer-Encoding") == "chunked"
    assert 0 < len(partial.body) <= 4000 and set(partial.body) == {ord("a")}


def test_an_oversized_answer_fails_the_check_as_the_servers_failure() -> None:
    with hostile(endless_chunked) as url:
        target = Target.url(url, "workflow", rate=0, max_answer_bytes=128 * 1024)
        spec = CHECKS.get("PM3-TOKEN-PASSWORD-003")
        result = run_check(spec, target, get_profile("documented"), load_credentials(env={}))
    assert result.outcome == "failed", result
    (failure,) = result.failures
    assert failure.kind == "oversized_answer"
    assert "answer size cap" in failure.message
    assert failure.evidence and failure.evidence[-1]["response"]["status"] == 200


def test_fingerprint_of_an_endless_answer_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with hostile(endless_chunked) as url:
        code = main(["fingerprint", "--target", url, "--max-answer-bytes", "200000"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "larger than 200000 bytes (the answer size cap)" in err


def test_answer_limits_are_checked_as_usage() -> None:
    assert main(["fingerprint", "--target", "http://127.0.0.1:9", "--max-answer-bytes", "0"]) == 2
    assert main(["fingerprint", "--target", "http://127.0.0.1:9", "--answer-deadline", "0"]) == 2


# --- class 6: an answer that trickles --------------------------------------------------------
@pytest.mark.parametrize("answer", [one_byte_at_a_time, slow_headers], ids=["body", "headers"])
def test_a_trickling_answer_ends_at_the_total_deadline(answer: Answer) -> None:
    with hostile(answer) as url:
        # every read arrives well within the per-read timeout: only the total deadline ends it
        transport = HttpTransport(url, timeout=10, answer_deadline=0.4)
        with pytest.raises(AnswerTooSlow) as caught:
            transport.send(TOKEN)
    assert "took longer than 0.4 s (the answer deadline)" in str(caught.value)
    assert isinstance(caught.value, TimeoutError)


def test_run_against_a_trickling_server_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with hostile(one_byte_at_a_time) as url:
        code = main(
            ["run", "--target", url, "--answer-deadline", "0.4", "--report-dir", str(tmp_path)]
        )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "the answer deadline" in err


# --- class 14: another protocol on the port ------------------------------------------------------
def test_another_protocol_is_named_not_a_traceback() -> None:
    with hostile(ssh_greeting) as url, pytest.raises(NotHttpAnswer) as caught:
        HttpTransport(url).send(TOKEN)
    assert isinstance(caught.value, ConnectionError)
    assert "'SSH-2.0-OpenSSH_9.6'" in str(caught.value)


@pytest.mark.parametrize("command", ["run", "fingerprint", "record"])
def test_cli_against_another_protocol_is_one_line_and_exit_2(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with hostile(ssh_greeting) as url:
        argv = {
            "run": ["run", "--target", url, "--report-dir", str(tmp_path / "r")],
            "fingerprint": ["fingerprint", "--target", url],
            "record": ["record", url, "--out", str(tmp_path / "p.json")],
        }[command]
        code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "not a well-formed HTTP/1.x answer" in err and "SSH-2.0" in err
