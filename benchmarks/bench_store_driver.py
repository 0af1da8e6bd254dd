"""Which MySQL driver for the MariaDB store: PyMySQL or mysqlclient, measured on the token path.

Usage: PM3_STORE_PASSWORD=... python benchmarks/bench_store_driver.py mysql://USER@HOST:PORT/

Each installed driver runs the store's hot statements on one connection over loopback TCP, in
interleaved rounds: insert an access token, read it by key, spend (``DELETE ... RETURNING``) a
refresh token. Prints the median statements per second of each; asserts nothing.
"""

from __future__ import annotations

import importlib
import os
import secrets
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlsplit

ROUNDS = 5
PER_ROUND = 1500
DATABASE = "wf_pm3_driver_bench"


def _connect(module: Any, host: str, port: int, user: str, password: str) -> Any:
    if module.__name__ == "MySQLdb":
        return module.connect(host=host, port=port, user=user, password=password, autocommit=True)
    return module.connect(host=host, port=port, user=user, password=password, autocommit=True)


def _round(conn: Any) -> float:
    cur = conn.cursor()
    tokens = [secrets.token_hex(20) for _ in range(PER_ROUND)]
    started = time.perf_counter()
    for token in tokens:
        cur.execute(
            "INSERT INTO T_ACCESS (ACCESS_TOKEN, CLIENT_ID, USER_ID, EXPIRES, SCOPE) "
            "VALUES (%s, %s, %s, %s, %s)",
            (token, "C", "U", "2030-01-01 00:00:00", "*"),
        )
        cur.execute(
            "INSERT INTO T_REFRESH (REFRESH_TOKEN, EXPIRES) VALUES (%s, %s)", (token, "2030-01-01")
        )
        cur.execute("SELECT ACCESS_TOKEN, EXPIRES FROM T_ACCESS WHERE ACCESS_TOKEN = %s", (token,))
        cur.fetchall()
        cur.execute(
            "DELETE FROM T_REFRESH WHERE REFRESH_TOKEN = %s RETURNING REFRESH_TOKEN", (token,)
        )
        cur.fetchall()
    elapsed = time.perf_counter() - started
    cur.execute("DELETE FROM T_ACCESS")
    return 4 * PER_ROUND / elapsed


def _reads(conn: Any) -> float:
    cur = conn.cursor()
    token = secrets.token_hex(20)
    cur.execute(
        "INSERT INTO T_ACCESS (ACCESS_TOKEN, CLIENT_ID, USER_ID, EXPIRES, SCOPE) "
        "VALUES (%s, %s, %s, %s, %s)",
        (token, "C", "U", "2030-01-01 00:00:00", "*"),
    )
    started = time.perf_counter()
    for _ in range(PER_ROUND * 4):
        cur.execute("SELECT ACCESS_TOKEN, EXPIRES FROM T_ACCESS WHERE ACCESS_TOKEN = %s", (token,))
        cur.fetchall()
    elapsed = time.perf_counter() - started
    cur.execute("DELETE FROM T_ACCESS")
    return 4 * PER_ROUND / elapsed


def main(argv: list[str]) -> int:
    url = urlsplit(argv[1] if len(argv) > 1 else os.environ.get("PM3_STORE", ""))
    if url.scheme != "mysql" or not url.hostname or not url.username:
        print("usage: bench_store_driver.py mysql://USER@HOST:PORT/ (PM3_STORE_PASSWORD)")
        return 2
    password = os.environ.get("PM3_STORE_PASSWORD", "")
    drivers = []
    for name in ("pymysql", "MySQLdb"):
        try:
            drivers.append(importlib.import_module(name))
        except ImportError:
            print(f"{name}: not installed")
    conns = {
        d.__name__: _connect(d, url.hostname, url.port or 3306, url.username, password)
        for d in drivers
    }
    first = next(iter(conns.values()))
    cur = first.cursor()
    cur.execute(f"CREATE DATABASE IF NOT EXISTS {DATABASE}")
    cur.execute(f"USE {DATABASE}")
    cur.execute(
        "CREATE TABLE IF NOT EXISTS T_ACCESS (ACCESS_TOKEN VARCHAR(40) NOT NULL PRIMARY KEY, "
        "CLIENT_ID VARCHAR(80) NOT NULL, USER_ID VARCHAR(32), EXPIRES DATETIME NOT NULL, "
        "SCOPE VARCHAR(2000)) ENGINE=InnoDB DEFAULT CHARSET='utf8'"
    )
    cur.execute(
        "CREATE TABLE IF NOT EXISTS T_REFRESH (REFRESH_TOKEN VARCHAR(40) NOT NULL PRIMARY KEY, "
        "EXPIRES DATETIME NOT NULL) ENGINE=InnoDB DEFAULT CHARSET='utf8'"
    )
    for conn in conns.values():
        conn.cursor().execute(f"USE {DATABASE}")
    rates: dict[str, list[float]] = {name: [] for name in conns}
    reads: dict[str, list[float]] = {name: [] for name in conns}
    for _ in range(ROUNDS):
        for name, conn in conns.items():
            rates[name].append(_round(conn))
            reads[name].append(_reads(conn))
    print(f"median of {ROUNDS} interleaved rounds, one connection, loopback TCP (statements/s)")
    for name in conns:
        print(
            f"  {name:<8} token path (insert, insert, select, spend) {statistics.median(rates[name]):>8,.0f}"
            f"   select by key {statistics.median(reads[name]):>8,.0f}"
        )
    cur.execute(f"DROP DATABASE {DATABASE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
