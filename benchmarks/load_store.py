"""Proofs of ``--store`` under load and faults, measured and printed, asserted nowhere.

Starts a private MariaDB (``.ci/mariadb``: temp data directory, loopback, a password user) and two
mock hosts on it (``pm3-mockserver --store``), then:

1. the race: R rounds of C concurrent refreshes of one token, spread over both hosts;
2. load: ``hey`` on both hosts at once (an even split, as a round-robin balancer gives), against
   ``pm3-mockserver --workers 2`` on SQLite in the same run;
3. ``kill -9`` of one host mid-load: the other keeps serving, and every token issued is valid;
4. a restart of MariaDB under load: hosts answer 503 while it is down and recover by themselves.

Usage: ``python benchmarks/load_store.py [--seconds 5] [--rounds 20] [--racers 50]``
Only loopback addresses are contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.error import URLError
from urllib.parse import urlencode
from urllib.request import Request
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[1]
CLIENT = {
    "client_id": "HWAYUEGWRMWNVLSTKPXAJDZGUQKAXKSF",
    "client_secret": "28060566356f0b9db4f0429090515303",
}
LOGIN = {**CLIENT, "grant_type": "password", "scope": "*", "username": "johndoe"}
LOGIN["password"] = "p4ssw0rd"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _call(url: str, form: dict[str, str] | None = None, token: str = "") -> tuple[int, Any]:
    data = urlencode(form).encode() if form is not None else None
    request = Request(url, data=data, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urlopen(request, timeout=30) as answer:
            status, body = answer.status, answer.read()
    except HTTPError as err:
        status, body = err.code, err.read()
    except (URLError, ConnectionError, TimeoutError):
        return 0, {}
    try:
        return status, json.loads(body)
    except ValueError:
        return status, {}


def _host(args: list[str], env: dict[str, str]) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockserver", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if "serving at" not in line:
        raise SystemExit(f"a host did not start: {line}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain
    return proc, port


def _token_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/workflow/oauth2/token"


def race(ports: list[int], rounds: int, racers: int) -> None:
    winners: list[int] = []
    losers_ok = 0
    took: list[float] = []
    for _ in range(rounds):
        _, body = _call(_token_url(ports[0]), LOGIN)
        form = {**CLIENT, "grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
        answers: list[dict[str, Any]] = []
        barrier = threading.Barrier(racers)

        def go(
            i: int,
            form: dict[str, str] = form,
            answers: list[Any] = answers,
            barrier: threading.Barrier = barrier,
        ) -> None:
            barrier.wait()
            answers.append(_call(_token_url(ports[i % len(ports)]), form)[1])

        started = time.perf_counter()
        threads = [threading.Thread(target=go, args=(i,)) for i in range(racers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took.append(time.perf_counter() - started)
        winners.append(sum("access_token" in a for a in answers))
        losers_ok += sum(a.get("error") == "invalid_grant" for a in answers)
    print(
        f"race: {rounds} rounds x {racers} concurrent refreshes over {len(ports)} hosts: "
        f"winners per round {min(winners)}..{max(winners)} (exactly one: "
        f"{sum(w == 1 for w in winners)}/{rounds}); losers answered invalid_grant "
        f"{losers_ok}/{rounds * (racers - 1)}; median round {statistics.median(took) * 1000:.0f} ms"
    )


def _hey(port: int, seconds: float, connections: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *("hey", "-z", f"{seconds}s", "-c", str(connections), "-m", "POST"),
            *("-T", "application/x-www-form-urlencoded", "-d", urlencode(LOGIN), _token_url(port)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _hey_figures(output: str) -> tuple[float, int, int]:
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    codes = {int(c): int(n) for c, n in re.findall(r"\[(\d{3})\]\s+(\d+) responses", output)}
    total = sum(codes.values())
    return (
        (float(rate.group(1)) if rate else 0.0),
        total,
        sum(n for c, n in codes.items() if c >= 500),
    )


def load(ports: list[int], env: dict[str, str], seconds: float) -> None:
    if shutil.which("hey") is None:
        print("load: hey not installed; skipped")
        return
    runs = [_hey(port, seconds, 4) for port in ports]
    figures = [_hey_figures(run.communicate()[0]) for run in runs]
    rate = sum(f[0] for f in figures)
    print(
        f"load: hey, password grants, {seconds:g}s, 2 hosts on --store x 4 connections: "
        f"{rate:,.0f} req/s, {sum(f[1] for f in figures)} answers, {sum(f[2] for f in figures)} 5xx"
    )
    with tempfile.TemporaryDirectory() as db:
        proc, port = _host(["--workers", "2", "--db", db], env)
        time.sleep(1.0)
        try:
            one = _hey_figures(_hey(port, seconds, 8).communicate()[0])
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    print(
        f"load: same, SQLite --workers 2 x 8 connections:               "
        f"{one[0]:,.0f} req/s, {one[1]} answers, {one[2]} 5xx"
    )


def kill_one(hosts: list[tuple[subprocess.Popen[str], int]], seconds: float) -> None:
    issued: list[tuple[str, int]] = []
    refused_after = 0
    killed = threading.Event()
    stop = time.monotonic() + seconds

    def work(port: int) -> None:
        nonlocal refused_after
        while time.monotonic() < stop:
            body = _call(_token_url(port), LOGIN)[1]
            if "access_token" in body:
                issued.append((body["access_token"], port))
            elif killed.is_set():
                refused_after += 1
                time.sleep(0.01)

    threads = [threading.Thread(target=work, args=(port,)) for _, port in hosts for _ in (0, 1)]
    for t in threads:
        t.start()
    time.sleep(seconds / 2)
    os.kill(hosts[1][0].pid, signal.SIGKILL)
    killed.set()
    for t in threads:
        t.join()
    survivor = hosts[0][1]
    valid = sum(
        _call(f"http://127.0.0.1:{survivor}/api/1.0/workflow/users", token=t)[0] not in (0, 401)
        for t, _ in issued
    )
    by_killed = sum(port == hosts[1][1] for _, port in issued)
    print(
        f"kill -9: one of 2 hosts killed at {seconds / 2:g}s of {seconds:g}s: tokens issued "
        f"{len(issued)} ({by_killed} by the killed host), valid on the survivor {valid}/"
        f"{len(issued)}; requests refused by the dead host {refused_after}; survivor alive: "
        f"{hosts[0][0].poll() is None}"
    )


def restart(port: int, proc: subprocess.Popen[str], home: Path) -> None:
    statuses: dict[int, int] = {}
    first_ok_after: list[float] = []
    done = threading.Event()
    back: list[float] = []

    def poll() -> None:
        while not done.is_set():
            status, body = _call(_token_url(port), LOGIN)
            statuses[status] = statuses.get(status, 0) + 1
            if back and "access_token" in body and not first_ok_after:
                first_ok_after.append(time.monotonic() - back[0])
            time.sleep(0.02)

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(1.0)
    started = time.monotonic()
    subprocess.run(["bash", str(ROOT / ".ci" / "mariadb"), "restart", str(home)], check=True)
    back.append(time.monotonic())
    time.sleep(2.0)
    done.set()
    poller.join()
    print(
        f"MariaDB restart ({back[0] - started:.1f}s down) under a polling client: answers by "
        f"status {dict(sorted(statuses.items()))}; first token after the restart "
        f"{first_ok_after[0] * 1000 if first_ok_after else float('nan'):.0f} ms later; "
        f"host alive, never restarted: {proc.poll() is None}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--racers", type=int, default=50)
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="pm3-load-mariadb-"))
    script = str(ROOT / ".ci" / "mariadb")
    out = subprocess.run(["bash", script, "start", str(home)], capture_output=True, text=True)
    if out.returncode != 0:
        print(f"cannot start MariaDB: {out.stderr.strip()}")
        return 1
    exports = dict(
        line.removeprefix("export ").split("=", 1)
        for line in out.stdout.splitlines()
        if "=" in line
    )
    env = {**os.environ, **exports}
    hosts: list[tuple[subprocess.Popen[str], int]] = []
    try:
        hosts = [_host(["--store", exports["PM3_STORE"]], env) for _ in range(2)]
        ports = [port for _, port in hosts]
        print(f"pm3 --store proofs on {os.cpu_count()} cores, MariaDB from Debian, 2 mock hosts")
        race(ports, args.rounds, args.racers)
        load(ports, env, args.seconds)
        restart(ports[0], hosts[0][0], home)
        kill_one(hosts, args.seconds)
    finally:
        for proc, _ in hosts:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
        subprocess.run(["bash", script, "stop", str(home)], check=False)
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
