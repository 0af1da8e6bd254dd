"""Load test of the mock: multi-process serving over one database, bounded in count and time.

Starts ``pm3-mockserver --workers N --db DIR`` on loopback, then C client processes log in,
refresh and call the API for S seconds (and at most R requests each). Refresh races: every few
iterations several threads refresh the same token at once; exactly one may win. Afterwards every
issued access token must still validate. Prints requests, throughput, p50/p99 latency, 5xx count,
tokens issued vs tokens valid, races and winners, and the server's resident memory.

Usage: ``python benchmarks/load.py [--workers 2] [--clients 4] [--seconds 10] [--max-requests 20000]``
Only loopback addresses are ever contacted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

CLIENT = {
    "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
    "client_secret": "28060566356f0b9db4f0429090515303",
}
LOGIN = {
    **CLIENT,
    "grant_type": "password",
    "scope": "*",
    "username": "johndoe",
    "password": "p4ssw0rd",
}


def _post(port: int, form: dict[str, str]) -> tuple[int, dict[str, Any], float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request(
        "POST",
        "/workflow/oauth2/token",
        urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    try:
        decoded = json.loads(body)
    except ValueError:
        decoded = {}
    return response.status, decoded if isinstance(decoded, dict) else {}, elapsed


def _get(port: int, path: str) -> tuple[int, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    started = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def client_loop(port: int, seconds: float, max_requests: int, out: Any) -> None:
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    issued: list[str] = []
    races = winners = 0

    def count(status: int, elapsed: float) -> None:
        latencies.append(elapsed)
        statuses[status] = statuses.get(status, 0) + 1

    iteration = 0
    while time.monotonic() < deadline and len(latencies) < max_requests:
        iteration += 1
        status, body, elapsed = _post(port, LOGIN)
        count(status, elapsed)
        if "access_token" not in body:
            continue
        issued.append(body["access_token"])
        refresh = {**CLIENT, "grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
        if iteration % 5 == 0:
            results: list[dict[str, Any]] = []
            barrier = threading.Barrier(4)

            def race(
                barrier: threading.Barrier = barrier,
                refresh: dict[str, str] = refresh,
                results: list[dict[str, Any]] = results,
            ) -> None:
                barrier.wait()
                s, b, e = _post(port, refresh)
                count(s, e)
                results.append(b)

            threads = [threading.Thread(target=race) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            races += 1
            won = [b for b in results if "access_token" in b]
            winners += len(won)
            issued += [b["access_token"] for b in won]
        else:
            status, again, elapsed = _post(port, refresh)
            count(status, elapsed)
            if "access_token" in again:
                issued.append(again["access_token"])
        status, elapsed = _get(port, "/api/1.0/workflow/users?access_token=" + issued[-1])
        count(status, elapsed)
    out.put(
        {
            "latencies": latencies,
            "statuses": statuses,
            "issued": issued,
            "races": races,
            "winners": winners,
        }
    )


def rss_kib(pid: int) -> int:
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=20000, help="per client")
    args = parser.parse_args(argv)

    db = tempfile.mkdtemp(prefix="pm3-load-")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockserver",
            "--port",
            "0",
            "--workers",
            str(args.workers),
            "--db",
            db,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    url = server.stdout.readline().rsplit(" ", 1)[1].strip()
    port = urlsplit(url).port or 0
    assert urlsplit(url).hostname == "127.0.0.1"
    time.sleep(0.5)
    rss_start = rss_kib(server.pid)

    queue: Any = multiprocessing.get_context("fork").Queue()
    procs = [
        multiprocessing.get_context("fork").Process(
            target=client_loop, args=(port, args.seconds, args.max_requests, queue)
        )
        for _ in range(args.clients)
    ]
    started = time.perf_counter()
    for p in procs:
        p.start()
    results = [queue.get(timeout=args.seconds + 120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    elapsed = time.perf_counter() - started
    rss_end = rss_kib(server.pid)

    latencies = sorted(x for r in results for x in r["latencies"])
    statuses: dict[int, int] = {}
    for r in results:
        for k, v in r["statuses"].items():
            statuses[int(k)] = statuses.get(int(k), 0) + v
    issued = [t for r in results for t in r["issued"]]
    valid = sum(
        1 for t in issued if _get(port, "/api/1.0/workflow/users?access_token=" + t)[0] == 200
    )
    races = sum(r["races"] for r in results)
    winners = sum(r["winners"] for r in results)

    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)
    server.stdout.close()
    if server.stderr:
        server.stderr.close()

    def pct(q: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
        )

    rows = [
        ("server worker processes", f"{args.workers}"),
        ("client processes", f"{args.clients}"),
        ("requests", f"{len(latencies):,}"),
        ("throughput (req/s)", f"{len(latencies) / elapsed:,.0f}"),
        ("latency p50 / p99 (ms)", f"{pct(0.50):.1f} / {pct(0.99):.1f}"),
        ("latency mean (ms)", f"{statistics.fmean(latencies) * 1000 if latencies else 0:.1f}"),
        ("5xx answers (must be 0)", f"{sum(v for k, v in statuses.items() if k >= 500)}"),
        ("status counts", json.dumps(dict(sorted(statuses.items())))),
        ("access tokens issued / still valid", f"{len(issued):,} / {valid:,}"),
        ("refresh races / winners (must be equal)", f"{races} / {winners}"),
        ("server RSS start / end (KiB)", f"{rss_start:,} / {rss_end:,}"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"pm3-mockserver load test ({args.seconds:g}s, loopback only, db {db})")
    for label, value in rows:
        print(f"  {label:<{width}}  {value}")
    ok = statuses.get(500, 0) == 0 and valid == len(issued) and races == winners
    print("verdict:", "OK" if ok else "PROBLEM")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
