"""Benchmarks of the mock and the suite. Prints one table of figures; asserts nothing.

1. Password-grant requests per second over loopback, against a trivial WSGI app answering a fixed
   token JSON on werkzeug's threaded server, each server in its own process, rounds interleaved
   in one run; the same for ``--workers 2`` (granian, one shared --db). The load comes from
   ``hey`` (or ``wrk``), compiled, 8 keep-alive connections, when one is installed (Debian
   packages), else from Python threads; the 5xx count is printed.
2. The same grant in process (the WSGI app called directly, no sockets), and a client test's
   token round trip through the in-process httpx transport against the same over loopback HTTP.
3. ``MockServer`` start + stop.
4. The full conformance run against the embedded mock, with 1 and 2 workers (speedup).
5. Hypothesis examples per second (the token-endpoint property check).
6. Resident memory of an in-process mock over 100,000 API requests (start and end).
7. The embedded engine under attack, each against ``python -m mockserver`` in a child process:
   a normal request's latency with one stalled client (a head begun, never ended) and without;
   with 1,100 slow clients under a 1,024-descriptor limit; the child's RSS before and after 1,600
   one-megabyte bodies to the token endpoint (64 clients); and what parsing one token request
   costs with httptools and with h11 (the measurement the engine's parser was chosen by).

Usage: ``python benchmarks/bench_mock.py [--seconds S] [--rounds R] [--connections N]
[--memory-requests M] [--engine-only]``
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.test import EnvironBuilder

from mockserver import MockServer

BODY = urlencode(
    {
        "grant_type": "password",
        "scope": "*",
        "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
        "client_secret": "28060566356f0b9db4f0429090515303",
        "username": "johndoe",
        "password": "p4ssw0rd",
    }
).encode()
FIXED = json.dumps(
    {
        "access_token": "fefeeff09de2f40957a8747e53bc0186a99df2ef",
        "expires_in": 86400,
        "token_type": "bearer",
        "scope": "*",
        "refresh_token": "9ed17b93a0731e218a3a85b52974afaf23838337",
    }
).encode()

TRIVIAL_SERVER = """
import sys
from werkzeug.serving import make_server, WSGIRequestHandler
FIXED = %r
class Quiet(WSGIRequestHandler):
    def log_request(self, *a, **k): pass
def app(environ, start_response):
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(FIXED)))])
    return [FIXED]
srv = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
print(f"serving at http://127.0.0.1:{srv.server_port}", flush=True)
srv.serve_forever()
"""


def trivial_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The baseline app (also used in process by the tests of this script)."""
    environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(FIXED)))]
    )
    return [FIXED]


def _spawn(argv: list[str]) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().rsplit(" ", 1)[1].strip()
    return proc, int(url.rsplit(":", 1)[1])


def _client_loop(
    port: int, path: str, deadline: float, counts: list[int], errors: list[int]
) -> None:
    done = failed = 0
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    while time.perf_counter() < deadline:
        try:
            conn.request("POST", path, BODY, headers)
            response = conn.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):  # a server that closes: reconnect
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        if response.status >= 500:
            failed += 1
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        done += 1
    conn.close()
    counts.append(done)
    errors.append(failed)


def _python_load(port: int, path: str, seconds: float, connections: int) -> tuple[float, int]:
    counts: list[int] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds
    workers = [
        threading.Thread(target=_client_loop, args=(port, path, deadline, counts, errors))
        for _ in range(connections)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - start), sum(errors)


def _hey_load(port: int, path: str, seconds: float, connections: int) -> tuple[float, int]:
    out = subprocess.run(
        [
            *("hey", "-c", str(connections), "-z", f"{seconds}s", "-m", "POST"),
            *("-T", "application/x-www-form-urlencoded", "-d", BODY.decode()),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(out.split("Requests/sec:", 1)[1].split()[0])
    codes = out.split("Status code distribution:", 1)[-1]
    errors = sum(
        int(line.split("]", 1)[1].split()[0])
        for line in codes.splitlines()
        if line.strip().startswith("[5")
    )
    return rate, errors


def http_rate(port: int, path: str, seconds: float, connections: int) -> tuple[float, int]:
    """Requests per second and the number of 5xx answers."""
    if shutil.which("hey"):
        return _hey_load(port, path, seconds, connections)
    return _python_load(port, path, seconds, connections)


def round_trip_ratio(repeats: int = 300) -> tuple[float, float]:
    """A client test's token round trip (httpx): loopback HTTP and in-process, in microseconds."""
    import httpx

    data = dict(p.split("=", 1) for p in BODY.decode().split("&"))
    with MockServer() as pm:
        with httpx.Client(base_url=pm.url) as over_http:
            for _ in range(20):
                over_http.post("/workflow/oauth2/token", data=data)
            t0 = time.perf_counter()
            for _ in range(repeats):
                over_http.post("/workflow/oauth2/token", data=data)
            http_us = (time.perf_counter() - t0) / repeats * 1e6
        with httpx.Client(transport=pm.httpx_transport(), base_url=pm.inprocess_url) as local:
            for _ in range(20):
                local.post("/workflow/oauth2/token", data=data)
            t0 = time.perf_counter()
            for _ in range(repeats):
                local.post("/workflow/oauth2/token", data=data)
            local_us = (time.perf_counter() - t0) / repeats * 1e6
    return http_us, local_us


def in_process_rate(seconds: float) -> float:
    server = MockServer()
    base = EnvironBuilder(
        path="/workflow/oauth2/token",
        method="POST",
        data=BODY,
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    app = server.app
    done = 0

    def start_response(status: str, headers: list[tuple[str, str]], exc: object = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(status)

    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        environ = dict(base)
        environ["wsgi.input"] = io.BytesIO(BODY)
        b"".join(app(environ, start_response))
        done += 1
    elapsed = time.perf_counter() - start
    server.close()
    return done / elapsed


def in_process_rest_rate(seconds: float, path: str = "/api/1.0/workflow/users") -> float:
    """GET of a REST resource with a bearer token, in process: the front door (route table,
    negotiation, token, permission, validation) and the handler, per second."""
    server = MockServer()
    app = server.app
    token = ""

    def grab(status: str, headers: list[tuple[str, str]], exc: object = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(status)

    environ = EnvironBuilder(
        path="/workflow/oauth2/token",
        method="POST",
        data=BODY,
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    token = json.loads(b"".join(app(environ, grab)))["access_token"]
    base = EnvironBuilder(path=path, headers={"Authorization": f"Bearer {token}"}).get_environ()
    b"".join(app(dict(base), grab))  # the first call loads the route table (first_rest_call_ms)
    done = 0
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        b"".join(app(dict(base), grab))
        done += 1
    elapsed = time.perf_counter() - start
    server.close()
    return done / elapsed


def first_rest_call_ms() -> float:
    """The first REST call of a process: it reads the profile's route table (lazily, so the
    token path never pays for it)."""
    code = (
        "import time; from werkzeug.test import Client; from mockserver import MockServer;"
        "c = Client(MockServer().app); t = time.perf_counter();"
        "c.get('/api/1.0/workflow/users'); print((time.perf_counter() - t) * 1000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def start_stop_ms(repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        MockServer().start().close()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def conformance_seconds(workers: int) -> float:
    from conformance import CHECKS
    from conformance import Target
    from conformance import load_credentials
    from conformance import run
    from mockserver import get_profile

    started = time.perf_counter()
    result = run(
        CHECKS.all(),
        Target.mock("documented"),
        get_profile("documented"),
        load_credentials(env={}),
        workers=workers,
    )
    assert result.counts()["passed"] == len(CHECKS), result.counts()
    return time.perf_counter() - started


def hypothesis_rate() -> float:
    from conformance import CHECKS
    from conformance import Target
    from conformance import load_credentials
    from conformance import run_check
    from mockserver import get_profile

    started = time.perf_counter()
    run_check(
        CHECKS.get("PM3-PROP-001"),
        Target.mock("documented"),
        get_profile("documented"),
        load_credentials(env={}),
    )
    return 150 / (time.perf_counter() - started)  # PROP-001 runs 150 examples against the mock


def rss_kib() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_over(requests_count: int) -> tuple[int, int, int]:
    server = MockServer()
    client_token = None
    env = EnvironBuilder(
        path="/workflow/oauth2/token",
        method="POST",
        data=BODY,
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    out = b"".join(server.app(env, lambda *a: None))
    client_token = json.loads(out)["access_token"]
    api = EnvironBuilder(
        path="/api/1.0/workflow/users", query_string={"access_token": client_token}
    ).get_environ()
    for _ in range(2000):  # warm up allocator and caches
        b"".join(server.app(dict(api), lambda *a: None))
    start = rss_kib()
    for i in range(requests_count):
        if i % 10 == 0:  # one token request in ten: the store and the purge work too
            e = dict(env)
            e["wsgi.input"] = io.BytesIO(BODY)
            b"".join(server.app(e, lambda *a: None))
        else:
            b"".join(server.app(dict(api), lambda *a: None))
    end = rss_kib()
    journal = len(server.journal)
    server.close()
    return start, end, journal


TOKEN_HEAD = (
    b"POST /workflow/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n"
)


def parser_us(repeats: int = 20_000) -> tuple[float, float]:
    """Microseconds to parse one token request (head and body): httptools, h11."""
    import h11
    import httptools

    message = TOKEN_HEAD + f"Content-Length: {len(BODY)}\r\n\r\n".encode() + BODY

    class Sink:
        def __init__(self) -> None:
            self.headers: list[tuple[bytes, bytes]] = []
            self.body: list[bytes] = []

        def on_header(self, name: bytes, value: bytes) -> None:
            self.headers.append((name, value))

        def on_body(self, body: bytes) -> None:
            self.body.append(body)

    sink = Sink()
    parser = httptools.HttpRequestParser(sink)
    t0 = time.perf_counter()
    for _ in range(repeats):
        parser.feed_data(message)
        parser.get_method()
        sink.headers.clear()
        sink.body.clear()
    fast = (time.perf_counter() - t0) / repeats * 1e6
    t0 = time.perf_counter()
    for _ in range(repeats):
        conn = h11.Connection(h11.SERVER)
        conn.receive_data(message)
        while not isinstance(conn.next_event(), h11.EndOfMessage):
            pass
    pure = (time.perf_counter() - t0) / repeats * 1e6
    return fast, pure


def _child_mock(descriptors: int | None = None) -> tuple[subprocess.Popen[str], int]:
    """``python -m mockserver`` in a child, optionally with a lower descriptor limit."""

    def limit() -> None:
        import resource

        if descriptors is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (descriptors, descriptors))

    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=limit,
    )
    assert proc.stdout is not None
    return proc, int(proc.stdout.readline().rsplit(":", 1)[1])


def _end(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=20)
    if proc.stdout:
        proc.stdout.close()


def _latencies_ms(port: int, count: int, *, fresh: bool = False) -> tuple[list[float], int]:
    """Token requests one after another (keep-alive, or a new connection each): ms, failures."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    out: list[float] = []
    failed = 0
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        if fresh:
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        t0 = time.perf_counter()
        try:
            conn.request("POST", "/workflow/oauth2/token", BODY, headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
        out.append((time.perf_counter() - t0) * 1000)
        failed += not ok
    conn.close()
    return out, failed


def stalled_client_ms(count: int = 300) -> tuple[float, float]:
    """Median ms of a token request: alone, then with one client stalled in its head."""
    proc, port = _child_mock()
    try:
        _latencies_ms(port, 50)
        alone, _ = _latencies_ms(port, count)
        with socket.create_connection(("127.0.0.1", port)) as stalled:
            stalled.sendall(TOKEN_HEAD)  # and never the rest
            time.sleep(0.1)
            beside, _ = _latencies_ms(port, count)
    finally:
        _end(proc)
    return statistics.median(alone), statistics.median(beside)


def slow_clients_ms(clients: int = 1100, count: int = 50) -> tuple[float, float, int]:
    """A normal request (new connection each) while ``clients`` slow clients hold connections to a
    mock limited to 1,024 descriptors: median ms, max ms, failures."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < clients + 200 <= hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (clients + 200, hard))
    proc, port = _child_mock(descriptors=1024)
    slow: list[socket.socket] = []
    try:
        for _ in range(clients):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                sock.sendall(TOKEN_HEAD[:40])
            except OSError:
                continue
            slow.append(sock)
        time.sleep(0.2)
        out, failed = _latencies_ms(port, count, fresh=True)
    finally:
        for sock in slow:
            sock.close()
        _end(proc)
    return statistics.median(out), max(out), failed


def _child_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def body_flood_rss(bodies: int = 1600, clients: int = 64) -> tuple[int, int]:
    """The child's RSS (KiB) before and after ``bodies`` one-megabyte token requests."""
    body = b"grant_type=password&username=" + b"a" * (1_000_000 - 29)
    message = (
        TOKEN_HEAD + f"Connection: close\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    )
    proc, port = _child_mock()

    def flood(count: int, width: int) -> None:
        left = [count]
        lock = threading.Lock()

        def client() -> None:
            while True:
                with lock:
                    if not left[0]:
                        return
                    left[0] -= 1
                with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                    sock.sendall(message)
                    while sock.recv(65536):
                        pass

        threads = [threading.Thread(target=client) for _ in range(width)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    try:
        flood(100, 8)
        before = _child_rss_kib(proc.pid)
        flood(bodies, clients)
        after = _child_rss_kib(proc.pid)
    finally:
        _end(proc)
    return before, after


def engine_rows() -> list[tuple[str, str]]:
    fast, pure = parser_us()
    alone, beside = stalled_client_ms()
    slow_med, slow_max, slow_failed = slow_clients_ms()
    rss_before, rss_after = body_flood_rss()
    return [
        ("parse one token request, httptools / h11 (us)", f"{fast:.1f} / {pure:.1f}"),
        ("token request alone / beside one stalled client (ms)", f"{alone:.2f} / {beside:.2f}"),
        (
            "beside 1,100 slow clients, 1,024 fds: median / max ms, failures",
            f"{slow_med:.1f} / {slow_max:.1f}, {slow_failed}",
        ),
        (
            "child RSS before / after 1,600 one-MB bodies (KiB)",
            f"{rss_before:,} / {rss_after:,}",
        ),
    ]


def _print(rows: list[tuple[str, str]], header: str) -> None:
    width = max(len(r[0]) for r in rows)
    print(header)
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>16}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument(
        "--engine-only", action="store_true", help="only the embedded engine's rows (item 7)"
    )
    args = parser.parse_args(argv)
    machine = (
        f"pm3 benchmark on {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    if args.engine_only:
        _print(engine_rows(), f"{machine}: the embedded engine")
        return 0

    trivial, trivial_port = _spawn([sys.executable, "-c", TRIVIAL_SERVER % FIXED])
    mock, mock_port = _spawn([sys.executable, "-m", "mockserver", "--port", "0"])
    multi, multi_port = _spawn(
        [sys.executable, "-m", "mockserver", "--port", "0", "--workers", "2"]
    )
    base_rates, mock_rates, multi_rates = [], [], []
    fivexx = 0
    try:
        for _ in range(args.rounds):
            for rates, port, path in (
                (base_rates, trivial_port, "/token"),
                (mock_rates, mock_port, "/workflow/oauth2/token"),
                (multi_rates, multi_port, "/workflow/oauth2/token"),
            ):
                rate, errors = http_rate(port, path, args.seconds, args.connections)
                rates.append(rate)
                fivexx += errors
    finally:
        for proc in (trivial, mock, multi):
            proc.terminate()
            proc.wait(timeout=20)
            if proc.stdout:
                proc.stdout.close()

    inproc = in_process_rate(args.seconds)
    rest_rate = in_process_rest_rate(args.seconds)
    first_rest = first_rest_call_ms()
    http_us, local_us = round_trip_ratio()
    ss = start_stop_ms(50)
    one, two = conformance_seconds(1), conformance_seconds(2)
    hyp = hypothesis_rate()
    rss_start, rss_end, journal = memory_over(args.memory_requests)

    base_med, mock_med, multi_med = (
        statistics.median(x) for x in (base_rates, mock_rates, multi_rates)
    )
    rows = [
        ("loopback HTTP, trivial WSGI app on werkzeug (req/s)", f"{base_med:,.0f}"),
        ("loopback HTTP, pm3-mockserver password grant (req/s)", f"{mock_med:,.0f}"),
        ("  ratio mock / trivial (target >= 1.5)", f"{mock_med / base_med:.2f}"),
        ("loopback HTTP, pm3-mockserver --workers 2 (req/s)", f"{multi_med:,.0f}"),
        ("  ratio --workers 2 / trivial (target >= 4)", f"{multi_med / base_med:.2f}"),
        ("in process, password grants (per s)", f"{inproc:,.0f}"),
        ("in process, REST GET users with a token (per s)", f"{rest_rate:,.0f}"),
        ("  REST call cost / password grant cost (target <= 1)", f"{inproc / rest_rate:.2f}"),
        ("  first REST call of a process, route table load (ms)", f"{first_rest:.0f}"),
        ("  ratio in process / trivial HTTP (target >= 10)", f"{inproc / base_med:.2f}"),
        (
            "client token round trip, loopback / in-process transport (us)",
            f"{http_us:,.0f} / {local_us:,.0f}",
        ),
        ("  speedup of the in-process transport (target >= 5)", f"{http_us / local_us:.2f}x"),
        (
            "MockServer start+stop, median / max ms (target <= 5)",
            f"{statistics.median(ss):.2f} / {max(ss):.2f}",
        ),
        ("5xx answers under load (target 0)", f"{fivexx}"),
        ("full conformance run, 1 worker (s)", f"{one:.2f}"),
        ("full conformance run, 2 workers (s) / speedup", f"{two:.2f} / {one / two:.2f}x"),
        ("hypothesis examples per second (PM3-PROP-001)", f"{hyp:,.0f}"),
        (
            f"RSS over {args.memory_requests:,} requests, start / end (KiB)",
            f"{rss_start:,} / {rss_end:,}",
        ),
        ("journal entries kept (ring)", f"{journal:,}"),
        *engine_rows(),
    ]
    loader = "hey" if shutil.which("hey") else "Python threads (install hey for compiled load)"
    _print(
        rows,
        f"{machine}: {args.rounds} interleaved rounds x {args.seconds:g}s, "
        f"{args.connections} connections, load from {loader}",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
