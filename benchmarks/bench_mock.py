"""Benchmarks of the mock server. Prints figures; asserts nothing.

1. Password-grant token requests per second over loopback (keep-alive, N client threads), against
   the same werkzeug threaded server serving a trivial WSGI app that answers a fixed token JSON.
   Rounds are interleaved (baseline, mock, baseline, mock, ...) and the ratio of medians printed.
2. The same grant in process: the WSGI app called directly, no sockets.
3. ``MockServer`` start + stop time.

Usage: ``python benchmarks/bench_mock.py [--seconds S] [--rounds R] [--threads N]``
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from werkzeug.serving import make_server
from werkzeug.test import EnvironBuilder

from mockserver import MockServer
from mockserver.server import _QuietHandler

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


def trivial_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The baseline: read the body, answer a fixed token JSON."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(FIXED)))]
    )
    return [FIXED]


def _client_loop(port: int, path: str, deadline: float, counts: list[int]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    done = 0
    while time.perf_counter() < deadline:
        conn.request("POST", path, BODY, headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200 or b"access_token" not in data:
            raise RuntimeError(f"unexpected answer {response.status}: {data[:200]!r}")
        done += 1
    conn.close()
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
        server = MockServer().start()
        server.close()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)

    baseline = make_server(
        "127.0.0.1", 0, trivial_app, threaded=True, request_handler=_QuietHandler
    )
    threading.Thread(target=baseline.serve_forever, daemon=True).start()
    mock = MockServer().start()
    base_rates, mock_rates = [], []
    for _ in range(args.rounds):
        base_rates.append(http_rate(baseline.server_port, "/token", args.seconds, args.threads))
        mock_rates.append(
            http_rate(mock.port, "/workflow/oauth2/token", args.seconds, args.threads)
        )
    baseline.shutdown()
    tokens = mock.workspace().count("OAUTH_ACCESS_TOKENS")
    mock.close()

    inproc = in_process_rate(args.seconds)
    ss = start_stop_ms(50)

    base_med, mock_med = statistics.median(base_rates), statistics.median(mock_rates)
    rows = [
        ("loopback HTTP, trivial WSGI app (req/s)", f"{base_med:,.0f}"),
        ("loopback HTTP, mock password grant (req/s)", f"{mock_med:,.0f}"),
        ("ratio mock / trivial (target >= 0.8)", f"{mock_med / base_med:.2f}"),
        ("in process, mock password grant (req/s)", f"{inproc:,.0f}"),
        ("MockServer start+stop median ms (target <= 20)", f"{statistics.median(ss):.2f}"),
        ("MockServer start+stop max ms", f"{max(ss):.2f}"),
        ("tokens issued during the HTTP rounds", f"{tokens:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(
        f"pm3-mockserver benchmark: {args.rounds} interleaved rounds x {args.seconds:g}s, "
        f"{args.threads} keep-alive client threads"
    )
    for label, value in rows:
        print(f"  {label:<{width}}  {value:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
