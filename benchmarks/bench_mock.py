"""Benchmarks of the mock and the suite. Prints one table of figures; asserts nothing.

1. Password-grant requests per second over loopback, against a trivial WSGI app answering a fixed
   token JSON on the same werkzeug threaded server, each server in its own process, rounds
   interleaved in one run; the same for ``--workers 2`` (multi-process mode).
2. The same grant in process (the WSGI app called directly, no sockets).
3. ``MockServer`` start + stop.
4. The full conformance run against the embedded mock, with 1 and 2 workers (speedup).
5. Hypothesis examples per second (the token-endpoint property check).
6. Resident memory of an in-process mock over 100,000 API requests (start and end).

Usage: ``python benchmarks/bench_mock.py [--seconds S] [--rounds R] [--threads N] [--memory-requests M]``
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
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


def _client_loop(port: int, path: str, deadline: float, counts: list[int]) -> None:
    done = 0
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)  # werkzeug closes each one
        conn.request("POST", path, BODY, headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        if response.status != 200 or b"access_token" not in data:
            raise RuntimeError(f"unexpected answer {response.status}: {data[:200]!r}")
        done += 1
    counts.append(done)


def http_rate(port: int, path: str, seconds: float, threads: int) -> float:
    counts: list[int] = []
    deadline = time.perf_counter() + seconds
    workers = [
        threading.Thread(target=_client_loop, args=(port, path, deadline, counts))
        for _ in range(threads)
    ]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(counts) / (time.perf_counter() - start)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--memory-requests", type=int, default=100_000)
    args = parser.parse_args(argv)

    trivial, trivial_port = _spawn([sys.executable, "-c", TRIVIAL_SERVER % FIXED])
    mock, mock_port = _spawn([sys.executable, "-m", "mockserver", "--port", "0"])
    multi, multi_port = _spawn(
        [sys.executable, "-m", "mockserver", "--port", "0", "--workers", "2"]
    )
    base_rates, mock_rates, multi_rates = [], [], []
    try:
        for _ in range(args.rounds):
            base_rates.append(http_rate(trivial_port, "/token", args.seconds, args.threads))
            mock_rates.append(
                http_rate(mock_port, "/workflow/oauth2/token", args.seconds, args.threads)
            )
            multi_rates.append(
                http_rate(multi_port, "/workflow/oauth2/token", args.seconds, args.threads)
            )
    finally:
        for proc in (trivial, mock, multi):
            proc.terminate()
            proc.wait(timeout=20)
            if proc.stdout:
                proc.stdout.close()

    inproc = in_process_rate(args.seconds)
    ss = start_stop_ms(50)
    one, two = conformance_seconds(1), conformance_seconds(2)
    hyp = hypothesis_rate()
    rss_start, rss_end, journal = memory_over(args.memory_requests)

    base_med, mock_med, multi_med = (
        statistics.median(x) for x in (base_rates, mock_rates, multi_rates)
    )
    rows = [
        ("loopback HTTP, trivial WSGI app (req/s)", f"{base_med:,.0f}"),
        ("loopback HTTP, mock password grant (req/s)", f"{mock_med:,.0f}"),
        ("  ratio mock / trivial (target >= 1.0)", f"{mock_med / base_med:.2f}"),
        ("loopback HTTP, mock --workers 2 (req/s)", f"{multi_med:,.0f}"),
        ("  ratio multi-process / trivial (target >= 6)", f"{multi_med / base_med:.2f}"),
        ("in process, mock password grant (req/s; target >= 5000)", f"{inproc:,.0f}"),
        (
            "MockServer start+stop, median / max ms (target <= 20)",
            f"{statistics.median(ss):.2f} / {max(ss):.2f}",
        ),
        ("full conformance run, 1 worker (s)", f"{one:.2f}"),
        ("full conformance run, 2 workers (s) / speedup", f"{two:.2f} / {one / two:.2f}x"),
        ("hypothesis examples per second (PM3-PROP-001)", f"{hyp:,.0f}"),
        (
            f"RSS over {args.memory_requests:,} requests, start / end (KiB)",
            f"{rss_start:,} / {rss_end:,}",
        ),
        ("journal entries kept (ring)", f"{journal:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(
        f"pm3 benchmark on {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}: "
        f"{args.rounds} interleaved rounds x {args.seconds:g}s, {args.threads} client threads"
    )
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>16}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
